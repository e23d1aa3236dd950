"""Images: PNG, JPEG (embedded as it is) and SVG, paths relative to the Markdown file."""
import os
import subprocess

from common import TempDirTest, run, tool
from test_brochure import png_size
from test_cli import diagnostics

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">
<rect width="200" height="100" fill="#a31f34"/><circle cx="100" cy="50" r="30" fill="#fff"/></svg>
"""


class Images(TempDirTest):
    def make_rasters(self):
        """A PNG and a JPEG made by poppler from a tiny PDF of our own."""
        md = self.write("src.md", "Picture source.\n")
        pdf = self.path("src.pdf")
        self.assertEqual(run(["-c", md, "-o", pdf]).returncode, 0)
        os.makedirs(self.path("doc/sub dir"), exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "20", "-f", "1", "-l", "1", "-png", "-singlefile", pdf,
                        self.path("doc/sub dir/photo")], check=True)
        subprocess.run(["pdftoppm", "-r", "20", "-f", "1", "-l", "1", "-jpeg", "-singlefile", pdf,
                        self.path("doc/shot")], check=True)

    def test_png_jpeg_svg(self):
        self.make_rasters()
        self.write("doc/art.svg", SVG)
        md = self.write("doc/c.md", "Images follow.\n\n"
                        "![a photo](<sub dir/photo.png> \"A PNG caption\")\n\n"
                        "![a shot](shot.jpg \"A JPEG caption\")\n\n"
                        "![art](art.svg \"An SVG caption\")\n")
        out = self.path("c.pdf")
        r = run(["-c", md, "-o", out, "--png", self.path("png")], cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        text = tool("pdftotext", out, "-")
        for caption in ("A PNG caption", "A JPEG caption", "An SVG caption"):
            self.assertIn(caption, text)
        rows = [l.split() for l in tool("pdfimages", "-list", out).splitlines()[2:]]
        encodings = sorted(r[8] for r in rows)
        self.assertIn("jpeg", encodings)  # the JPEG's bytes embedded as they are
        self.assertEqual(len(rows), 2)  # the SVG is vector art, not an image
        dump = run(["-c", md, "--dump-layout"], cwd=self.tmp).stdout.decode()
        images = [l.split() for l in dump.splitlines() if l.strip().startswith("image ")]
        self.assertEqual(len(images), 3)
        # Never enlarged: the PNG is set at 96 px/in at most (it is narrower than the column).
        px, _ = png_size(self.path("doc/sub dir/photo.png"))
        self.assertAlmostEqual(float(images[0][3]), px * 0.75, delta=0.01)
        svg_w = float(images[2][3])
        self.assertAlmostEqual(svg_w, 150.0, delta=0.5)  # 200 CSS px = 150 pt

    def test_missing_image(self):
        md = self.write("m.md", "Text.\n\n![x](nothere.png)\n")
        r = run(["-c", md, "-o", self.path("m.pdf")])
        self.assertEqual(r.returncode, 3)
        d = diagnostics(r.stderr)
        self.assertEqual((d[0]["line"], d[0]["col"]), ("3", "1"))
        self.assertIn("cannot open image 'nothere.png'", d[0]["msg"])
        self.assertFalse(os.path.exists(self.path("m.pdf")))

    def test_unsupported_format(self):
        self.write("pic.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
        md = self.write("g.md", "Text.\n\n![x](pic.gif)\n")
        r = run(["-c", md, "-o", self.path("g.pdf")])
        self.assertEqual(r.returncode, 1)
        d = diagnostics(r.stderr)
        self.assertIn("unsupported image format in 'pic.gif': use PNG, JPEG or SVG", d[0]["msg"])


if __name__ == "__main__":
    import unittest
    unittest.main()
