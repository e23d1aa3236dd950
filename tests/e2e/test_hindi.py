"""Hindi shaping, read back: every string of tests/data/hindi-strings.txt, set in each bundled
Devanagari font, comes back through pdftotext character for character (copy and search work),
and the PDF embeds that font and no dotted circle."""
import os
import unittest

from common import DATA, TempDirTest, pdffonts, pdftext, run

FONTS = [
    ("Noto Serif Devanagari", "regular", "NotoSerifDevanagari-Regular"),
    ("Noto Serif Devanagari", "bold", "NotoSerifDevanagari-Bold"),
    ("Noto Sans Devanagari", "regular", "NotoSansDevanagari-Regular"),
    ("Noto Sans Devanagari", "bold", "NotoSansDevanagari-Bold"),
]

LAYOUT = """page: {size: A4, margins: {top: 15mm, bottom: 15mm, inner: 15mm, outer: 15mm},
       columns: 2, gutter: 8mm, page-multiple: 1}
styles:
  body: {font: %s, weight: %s, size: 10pt, leading: 15pt, align: justify}
"""


def strings():
    with open(os.path.join(DATA, "hindi-strings.txt"), encoding="utf-8") as f:
        return [s for s in f.read().split("\n") if s and not s.startswith("#")]


class HindiStrings(TempDirTest):
    def render(self, family, weight):
        md = self.write("hi.md", "---\nlang: hi\n---\n\n" + "\n\n".join(strings()) + "\n")
        layout = self.write("proof.yaml", LAYOUT % (family, weight))
        out = self.path("hi.pdf")
        r = run(["-c", md, "-l", layout, "-o", out])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")  # no missing glyph, no overfull line
        return out

    def test_every_string_comes_back(self):
        table = strings()
        self.assertGreaterEqual(len(table), 120)
        for family, weight, psname in FONTS:
            with self.subTest(font=psname):
                pdf = self.render(family, weight)
                # -raw: the text in content order. Without it poppler rebuilds words from
                # gaps, and reads a line of one-letter words ("अ आ इ") as one letter-spaced
                # word; English "a b c" comes back as "abc" the same way.
                lines = [l.strip() for l in pdftext(pdf, "-raw").split("\n")]
                missing = [s for s in table if s not in lines]
                self.assertEqual(missing, [], psname)
                self.assertNotIn("\u25CC", "\n".join(lines))
                names = [f["name"] for f in pdffonts(pdf)]
                self.assertTrue(any(n.endswith("+" + psname) for n in names), names)


if __name__ == "__main__":
    unittest.main()
