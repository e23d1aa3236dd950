"""The default Global MIT brochure, rendered and read back with poppler."""
import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
import unittest

from common import (BUILD_DIR, found, SEEDS, SOURCE_DIR, TempDirTest, article_lines, hindi_words,
                    normalise, pdffonts, pdfinfo, pdftext, run, tool)

# Paragraphs of the "About Global MIT" seed that the brochure prints as they are. The two
# call-out labels that named a number the page lost are printed reworded with their figure.
REWORDED_LABELS = {
    "MIT alumni from 149 countries": ("149", "Countries MIT alumni come from"),
    "Internationally funded projects in FY2023, involving 56 countries":
        ("56", "Countries involved in internationally funded projects"),
}
CALLOUT_VALUES = ["3,432", "43%", "149", "56", "1861", "168 एकड़", "32", "1,009", "75", "47",
                  "31", "110,000+", "380", "33"]


def seed_paragraphs(name):
    with open(os.path.join(SEEDS, name), encoding="utf-8") as f:
        return [p.strip() for p in f.read().split("\n") if p.strip()]


class DefaultBrochure(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="mb-brochure-")
        cls.pdf = os.path.join(cls._tmp.name, "globalmit.pdf")
        cls.result = run(["-o", "globalmit.pdf"], cwd=cls._tmp.name)
        cls.text = pdftext(cls.pdf) if os.path.exists(cls.pdf) else ""
        cls.flat = normalise(cls.text)

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_renders_with_no_arguments_but_output(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        self.assertEqual(self.result.stderr, "", "the default brochure renders without warnings")
        self.assertTrue(os.path.getsize(self.pdf) > 10000)

    def test_page_count_and_size(self):
        info = pdfinfo(self.pdf)
        pages = int(info["Pages"])
        self.assertEqual(pages % 4, 0, "a saddle-stitched booklet has a multiple of 4 pages")
        self.assertGreaterEqual(pages, 8)
        w, h = [float(v) for v in info["Page size"].split()[0:3:2]]
        self.assertAlmostEqual(w, 595.276, delta=0.01)
        self.assertAlmostEqual(h, 841.89, delta=0.01)

    def test_bundled_fonts_are_the_ones_recorded(self):
        # A font change changes every PDF: fonts/SHA256SUMS (written by scripts/unhint-fonts)
        # must name every bundled font with its hash, so that it cannot happen unnoticed.
        folder = os.path.join(SOURCE_DIR, "fonts")
        with open(os.path.join(folder, "SHA256SUMS"), encoding="utf-8") as f:
            recorded = dict(reversed(line.split()) for line in f if line.strip())
        bundled = sorted(n for n in os.listdir(folder) if n.endswith(".ttf"))
        self.assertEqual(sorted(recorded), bundled)
        for name in bundled:
            with open(os.path.join(folder, name), "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), recorded[name], name)

    def test_fonts_embedded_and_subset(self):
        fonts = pdffonts(self.pdf)
        self.assertTrue(fonts)
        for f in fonts:
            self.assertEqual(f["emb"], "yes", f)
            self.assertEqual(f["sub"], "yes", f)
            self.assertEqual(f["uni"], "yes", f)
        names = " ".join(f["name"] for f in fonts)
        for family in ("NotoSerif-", "NotoSans-", "NotoSerifDevanagari-", "NotoSansDevanagari-"):
            self.assertIn(family, names)

    def test_every_english_paragraph(self):
        for para in seed_paragraphs("000_7458ba419efa9a7e.txt"):
            if para in REWORDED_LABELS:
                value, label = REWORDED_LABELS[para]
                self.assertIn(label, self.flat)
                continue
            self.assertTrue(found(normalise(para), self.flat), para)

    def test_functions_list(self):
        paras = seed_paragraphs("001_6f0eb8dd7711a6f9.txt")
        items = [p[4:] for p in paras if p.startswith("(*) ")]
        self.assertEqual(len(items), 6)
        for item in items:
            self.assertIn(normalise("• " + item), self.flat)
        intro = [p for p in paras if p.startswith("To deliver on the mission")]
        self.assertIn(normalise(intro[0]), self.flat)

    def test_every_hindi_word(self):
        words = hindi_words()
        self.assertGreater(len(words), 2000)
        missing = sorted(w for w in words if not found(w, self.flat))
        self.assertEqual(missing, [])

    def test_every_hindi_paragraph_whole(self):
        # Each prose line of the article comes back as one run of text, in reading order,
        # once the running heads and folios between pages are taken out.
        pages = int(pdfinfo(self.pdf)["Pages"])
        heads = {"Global MIT", "GLOBAL MIT", "मैसाचुसेट्स प्रौद्योगिकी संस्थान · एमआईटी"}
        body = []
        for i in range(1, pages + 1):
            for line in pdftext(self.pdf, "-f", str(i), "-l", str(i)).splitlines():
                if line.strip() not in heads and line.strip() != str(i):
                    body.append(line)
        flat = normalise("\n".join(body))
        for line in article_lines():
            self.assertTrue(found(normalise(line), flat), line[:60])

    def test_no_dotted_circle(self):
        self.assertNotIn("\u25CC", self.text)

    def test_callout_values(self):
        for value in CALLOUT_VALUES:
            self.assertIn(value, self.flat)

    def test_sources_on_back_cover(self):
        info = pdfinfo(self.pdf)
        back = normalise(pdftext(self.pdf, "-f", info["Pages"], "-l", info["Pages"]))
        self.assertIn("Sources of the figures", back)
        self.assertIn("global.mit.edu", back)
        self.assertIn("The Tech", back)

    def test_no_folio_on_covers(self):
        info = pdfinfo(self.pdf)
        last = info["Pages"]
        cover = normalise(pdftext(self.pdf, "-f", "1", "-l", "1"))
        self.assertNotRegex(cover, r"(^| )1( |$)")
        back = normalise(pdftext(self.pdf, "-f", last, "-l", last))
        self.assertNotRegex(back, rf"(^| ){last}( |$)")
        page2 = pdftext(self.pdf, "-f", "2", "-l", "2")
        self.assertRegex(page2, r"(^|\n)2\s*$", "folio on the first body page")

    def test_byte_identical_twice(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "again.pdf")
            r = run(["-o", out])
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out, "rb") as a, open(self.pdf, "rb") as b:
                self.assertEqual(a.read(), b.read())

    def test_metadata(self):
        info = pdfinfo(self.pdf)
        self.assertEqual(info["Title"], "Global MIT")
        self.assertIn("mkbrochure", info["Creator"])
        self.assertIn("2023", info["CreationDate"])  # from SOURCE_DATE_EPOCH


class LetterLayout(TempDirTest):
    def test_same_content_into_letter(self):
        out = self.path("letter.pdf")
        r = run(["--layout", "letter-booklet", "-o", out])
        self.assertEqual(r.returncode, 0, r.stderr)
        info = pdfinfo(out)
        self.assertEqual(int(info["Pages"]) % 4, 0)
        self.assertTrue(info["Page size"].startswith("612 x 792"), info["Page size"])
        flat = normalise(pdftext(out))
        missing = [w for w in hindi_words() if not found(w, flat)]
        self.assertEqual(missing, [])
        for value in ("3,432", "168 एकड़"):
            self.assertIn(value, flat)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


class PngPreview(TempDirTest):
    def test_one_png_per_page(self):
        out = self.path("b.pdf")
        r = run(["-o", out, "--png", self.path("png"), "--dpi", "36"])
        self.assertEqual(r.returncode, 0, r.stderr)
        pages = int(pdfinfo(out)["Pages"])
        files = sorted(os.listdir(self.path("png")))
        self.assertEqual(files, ["page-%03d.png" % i for i in range(1, pages + 1)])
        w, h = png_size(os.path.join(self.path("png"), files[0]))
        self.assertEqual((w, h), (round(595.276 * 36 / 72), round(841.89 * 36 / 72)))


class Install(TempDirTest):
    def test_installed_binary_finds_its_data(self):
        prefix = self.path("prefix")
        p = subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", prefix],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.assertEqual(p.returncode, 0, p.stdout.decode())
        exe = os.path.join(prefix, "bin", "mkbrochure")
        elsewhere = self.path("work")
        os.makedirs(elsewhere)
        env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
        env.pop("MKBROCHURE_DATADIR", None)
        # Hide the source tree: the installed copy must use its own share/ folder.
        p = subprocess.run([exe, "-o", "globalmit.pdf"], cwd=elsewhere, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertIn("About Global MIT", pdftext(os.path.join(elsewhere, "globalmit.pdf")))
        # Prove it reads its own share/ folder: change the installed layout's page size.
        layout = os.path.join(prefix, "share", "mkbrochure", "layouts", "a4-booklet.yaml")
        with open(layout, encoding="utf-8") as f:
            text = f.read()
        with open(layout, "w", encoding="utf-8") as f:
            f.write(text.replace("size: A4", "size: 215mm x 300mm", 1))
        p = subprocess.run([exe, "-o", "big.pdf"], cwd=elsewhere, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        info = pdfinfo(os.path.join(elsewhere, "big.pdf"))
        self.assertTrue(info["Page size"].startswith("609.44"), info["Page size"])

if __name__ == "__main__":
    unittest.main()
