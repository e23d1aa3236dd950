"""Hindi shaping, read back: every string of tests/data/hindi-strings.txt and every word of the
article, set in each bundled Devanagari font, comes back through pdftotext character for
character (copy and search work), and the PDF embeds that font and no dotted circle."""
import os
import re
import subprocess
import unittest

from common import DATA, TempDirTest, hindi_words, pdffonts, pdftext, run

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


WORD = re.compile("[\u0900-\u097F\u200C\u200D]+[,.\u0964]?")


def hindi_tokens(pdf, *opts):
    """The words pdftotext reads from the PDF, folios left out."""
    return [w for w in pdftext(pdf, *opts).split() if re.search("[\u0900-\u097F]", w)]


def content(pdf, qdf):
    """The PDF with its content streams uncompressed, as cairo wrote them."""
    subprocess.run(["qpdf", "--qdf", "--normalize-content=n", "--object-streams=disable", pdf, qdf],
                   check=True)
    with open(qdf, "rb") as f:
        return f.read()


def actual_texts(pdf, qdf):
    """The ActualText strings of the PDF's content streams, in order."""
    return [bytes.fromhex(h.decode()).decode("utf-16-be")
            for h in re.findall(rb"/ActualText <feff([0-9a-fA-F]*)>", content(pdf, qdf))]


class HindiStrings(TempDirTest):
    def render(self, family, weight, paras=None):
        paras = strings() if paras is None else paras
        md = self.write("hi.md", "---\nlang: hi\n---\n\n" + "\n\n".join(paras) + "\n")
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

    def test_every_article_word_comes_back_whole(self):
        # The article's words set together in justified lines: a word read back in two
        # pieces, or two words read as one, would show in either reading order. (Words with
        # a hyphen, a slash or quotes are left out: a line may break inside them.)
        words = sorted(w for w in hindi_words() if WORD.fullmatch(w))
        self.assertGreaterEqual(len(words), 1800)
        paras = [" ".join(words[i:i + 60]) for i in range(0, len(words), 60)]
        for family, weight, psname in FONTS:
            with self.subTest(font=psname):
                pdf = self.render(family, weight, paras)
                self.assertEqual(hindi_tokens(pdf, "-raw"), words)
                self.assertEqual(sorted(hindi_tokens(pdf)), words)

    def test_only_words_that_need_it_have_a_span(self):
        # और and कारण are drawn glyph for glyph in text order with no offsets: the font's
        # ToUnicode map reads them. के has an offset matra and कि a pre-base matra: each is
        # read from its own ActualText span.
        for family, weight, psname in FONTS:
            with self.subTest(font=psname):
                pdf = self.render(family, weight, ["और कारण के कि"])
                self.assertEqual(actual_texts(pdf, self.path("hi.qdf")), ["के", "कि"])
                self.assertEqual(hindi_tokens(pdf, "-raw"), ["और", "कारण", "के", "कि"])

    def test_word_spaces_stay_in_the_letters_font(self):
        # cairo puts a font's space in a subset of its own; the renderer draws the first one
        # of each Devanagari face so that the others stay with the letters: a paragraph of
        # 40 words selects its font a few times, not twice a space, and reads back the same.
        words = ["और", "कारण", "पर", "साथ"] * 10
        for family, weight, psname in FONTS:
            with self.subTest(font=psname):
                pdf = self.render(family, weight, [" ".join(words)])
                fonts = re.findall(rb"/f-\d+-\d+ [\d.]+ Tf", content(pdf, self.path("hi.qdf")))
                self.assertLessEqual(len(fonts), 6, fonts)
                self.assertEqual(hindi_tokens(pdf, "-raw"), words)
                self.assertEqual(hindi_tokens(pdf), words)


if __name__ == "__main__":
    unittest.main()
