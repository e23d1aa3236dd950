"""Every diagnostic a user can meet: its message, line and column, the exit status, and that
the previous PDF is left as it was. Hostile and huge input ends quickly with an error."""
import os
import resource
import signal
import struct
import subprocess
import time
import zlib

from common import SOURCE_DIR, TempDirTest, pdftext, run
from test_cli import diagnostics

A4 = os.path.join(SOURCE_DIR, "layouts", "a4-booklet.yaml")


class Case(TempDirTest):
    """Runs mkbrochure over an existing PDF and checks what a failure must leave behind."""

    def render(self, args, content=None, layout=None):
        out = self.path("out.pdf")
        with open(out, "wb") as f:
            f.write(b"the previous PDF")
        argv = ["-o", out] + list(args)
        if content is not None:
            argv += ["-c", self.write("c.md", content)]
        if layout is not None:
            argv += ["--layout", self.write("l.yaml", layout)]
        r = run(argv)
        self.out = out
        return r, diagnostics(r.stderr)

    def assert_failed(self, r, status):
        self.assertEqual(r.returncode, status, r.stderr)
        with open(self.out, "rb") as f:
            self.assertEqual(f.read(), b"the previous PDF")
        self.assertEqual([f for f in os.listdir(self.tmp) if f.startswith(".mkbrochure")], [])

    def assert_diag(self, d, file, line, col, text, sev="error"):
        match = [x for x in d if x["file"] == file and x["line"] == str(line) and
                 x["col"] == str(col) and text in x["msg"] and x["sev"] == sev]
        self.assertTrue(match, "no %s:%s:%s %s: %s in %s" % (file, line, col, sev, text, d))


class ContentErrors(Case):
    def test_front_matter_yaml_syntax(self):
        r, d = self.render([], content="---\ntitle: [unclosed\n---\nText.\n")
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("c.md"), 3, 1, "YAML syntax error")

    def test_stats_yaml_syntax(self):
        r, d = self.render([], content="Text.\n\n```stats\n- value: \"1\n```\n")
        self.assert_failed(r, 1)
        self.assertTrue(any(x["line"] in ("4", "5") and "YAML syntax error" in x["msg"] for x in d), d)

    def test_unknown_template(self):
        r, d = self.render([], content="---\ntemplate: postre\n---\nText.\n")
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("c.md"), 2, 11, "unknown template 'postre'")

    def test_wrong_type(self):
        r, d = self.render([], content="---\ntitle: {a: b}\n---\nText.\n")
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("c.md"), 2, 8, "front matter 'title' must be a string, not a mapping")

    def test_missing_image(self):
        r, d = self.render([], content="Text.\n\n![photo](missing.png)\n")
        self.assert_failed(r, 3)
        self.assert_diag(d, self.path("c.md"), 3, 1, "cannot open image 'missing.png'")

    def test_missing_content(self):
        r = run(["-o", self.write("out.pdf", b"the previous PDF"), "-c", self.path("none.md")])
        self.out = self.path("out.pdf")
        self.assert_failed(r, 3)
        self.assertIn("none.md: error: cannot open", r.stderr)

    def test_unreadable_content(self):
        os.makedirs(self.path("dir.md"))  # a folder where a file is expected
        r = run(["-o", self.write("out.pdf", b"the previous PDF"), "-c", self.path("dir.md")])
        self.out = self.path("out.pdf")
        self.assert_failed(r, 1)
        self.assertIn("has no .md files", r.stderr)

    def test_uncovered_characters_listed_where_they_occur(self):
        r, d = self.render(["--strict"], content="Line one.\n\nGreek αβ and Tamil த.\n")
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("c.md"), 3, 20, "U+0BA4")
        self.assertEqual(len(d), 1, d)  # Noto has Greek; only the Tamil letter is missing

    def test_cover_title_overflow(self):
        content = "---\ntemplate: cover\ntitle: %s\n---\n" % ("A very long cover title " * 8)
        r, d = self.render(["--strict"], content=content)
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("c.md"), 3, 8, "content does not fit the title frame")


class LayoutErrors(Case):
    def test_yaml_syntax(self):
        r, d = self.render([], layout="styles:\n  body: {size: 9pt\n")
        self.assert_failed(r, 1)
        self.assertEqual(d[0]["file"], self.path("l.yaml"))
        self.assertIn("YAML syntax error", d[0]["msg"])

    def test_unknown_key_with_suggestion(self):
        r, d = self.render([], layout="styles:\n  body: {sise: 9pt}\n")
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("l.yaml"), 2, 10, "unknown key 'sise' in style 'body'; did you mean 'size'?")

    def test_wrong_unit(self):
        r, d = self.render([], layout="styles:\n  body: {size: 9 furlongs}\n")
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("l.yaml"), 2, 16, "'size' must be a length, not '9 furlongs'")

    def test_wrong_type(self):
        r, d = self.render([], layout="page: {columns: two}\nstyles:\n  body: {}\n")
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("l.yaml"), 1, 17, "columns must be a whole number, not 'two'")

    def test_unknown_breaker(self):
        r, d = self.render([], layout="styles:\n  body: {}\ntypography: {breaker: fast}\n")
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("l.yaml"), 3, 23,
                         "'breaker' must be one of total-fit, greedy, not 'fast'")

    def test_unknown_style(self):
        layout = ("styles:\n  body: {}\ntemplates:\n  cover:\n    frames:\n"
                  "      - {content: title, x: 10mm, y: 10mm, w: 100mm, h: 50mm, style: titel}\n")
        r, d = self.render([], layout=layout)
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("l.yaml"), 6, 70, "unknown style 'titel'")

    def test_font_family_missing(self):
        r, d = self.render([], layout="styles:\n  body: {font: Comic Sans}\n")
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("l.yaml"), 2, 9, "names font family 'Comic Sans', which fonts/ does not have")

    def test_frame_outside_the_page(self):
        layout = ("styles:\n  body: {}\ntemplates:\n  back:\n    frames:\n"
                  "      - {x: 150mm, y: 10mm, w: 100mm, h: 50mm}\n")
        r, d = self.render([], layout=layout)
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("l.yaml"), 6, 9, "frame does not fit the page")

    def test_zero_and_negative_sizes(self):
        r, d = self.render([], layout="styles:\n  body: {size: 0pt}\n")
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("l.yaml"), 2, 16, "'size' must be more than zero")
        r, d = self.render([], layout="page: {gutter: -2mm}\nstyles:\n  body: {}\n")
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("l.yaml"), 1, 16, "'gutter' must be zero or more")

    def test_invalid_utf8(self):
        r, d = self.render([], layout="styles:\n  body: {font: \"Noto\xff\"}\n".encode("latin-1"))
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("l.yaml"), 2, 21, "invalid UTF-8 (byte 0xFF at offset 28)")

    def test_missing_include(self):
        r, d = self.render([], layout="extends: nowhere\n")
        self.assert_failed(r, 3)
        self.assert_diag(d, self.path("l.yaml"), 1, 10, "cannot open")

    def test_include_cycle(self):
        self.write("b.yaml", "extends: l.yaml\n")
        r, d = self.render([], layout="extends: b\n")
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("b.yaml"), 1, 10, "layout cycle")

    def test_missing_font_folder(self):
        r, d = self.render(["--fonts", self.path("nofonts")])
        self.assert_failed(r, 3)
        self.assertIn("cannot read the font folder", r.stderr)


class Hostile(Case):
    def timed(self, args, content=None, layout=None):
        start = time.monotonic()
        r, d = self.render(args, content=content, layout=layout)
        return r, d, time.monotonic() - start

    def test_ten_megabyte_word(self):
        r, d, _ = self.timed([], content="x" * 10_000_000)
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("c.md"), 1, 1, "longer than the limit of 32768 bytes")

    def test_hundred_thousand_paragraphs(self):
        r, d, _ = self.timed([], content="".join("P %d.\n\n" % i for i in range(100_000)))
        self.assert_failed(r, 1)
        self.assertIn("the limit is 20000", r.stderr)

    def test_five_thousand_levels(self):
        r, d, _ = self.timed([], content="".join("  " * i + "- item\n" for i in range(5000)))
        self.assert_failed(r, 1)
        self.assertIn("nested deeper than 64 levels", r.stderr)

    def test_huge_image_header(self):
        def chunk(kind, data):
            return (struct.pack(">I", len(data)) + kind + data +
                    struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0))
               + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))
        self.write("huge.png", png)
        r, d, _ = self.timed([], content="Text.\n\n![big](huge.png)\n")
        self.assert_failed(r, 1)
        self.assert_diag(d, self.path("c.md"), 3, 1, "is 30000 x 30000 pixels, above the limit")

    def test_billion_laughs(self):
        bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        prev = "a"
        for name in "bcdefghij":
            bomb += "%s: &%s [%s]\n" % (name, name, ",".join(["*" + prev] * 9))
            prev = name
        r, d, _ = self.timed([], content="---\nkeywords: *j\n" + bomb.replace("\n", "\n", 0) +
                             "---\nText.\n")
        self.assert_failed(r, 1)
        r, d, _ = self.timed([], layout="styles:\n  body: {}\n" + bomb +
                             "lists: {bullet: *j}\n")
        self.assert_failed(r, 1)

    def test_page_limit(self):
        r, d, _ = self.timed([], content="".join("Page %d.\n\n---\n\n" % i for i in range(1200)))
        self.assert_failed(r, 1)
        self.assertIn("runs past 1000 pages", r.stderr)

    def test_image_outside_the_content_folder(self):
        outside = os.path.join(os.path.dirname(self.tmp), os.path.basename(self.tmp) + "-pic.svg")
        with open(outside, "w") as f:
            f.write('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
        try:
            os.makedirs(self.path("content"))
            md = self.write("content/c.md", "![x](../../%s)\n" % os.path.basename(outside))
            r = run(["-c", md, "-o", self.write("out.pdf", b"the previous PDF")])
            self.out = self.path("out.pdf")
            self.assert_failed(r, 1)
            self.assertIn("is outside the content folder; use --allow-outside", r.stderr)
            r = run(["-c", md, "-o", self.out, "--allow-outside"])
            self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            os.unlink(outside)


class Interrupted(Case):
    def test_sigterm_leaves_the_previous_pdf(self):
        out = self.write("out.pdf", b"the previous PDF")
        self.out = out
        md = self.write("big.md", "".join("Paragraph number %d with words.\n\n" % i
                                          for i in range(19_000)))
        p = subprocess.Popen([os.environ.get("MKBROCHURE", "mkbrochure"), "-c", md, "-o", out],
                             stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(f.startswith(".mkbrochure") for f in os.listdir(self.tmp)):
                break
            time.sleep(0.005)
        self.assertIsNone(p.poll(), "the run ended before it could be interrupted")
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
        self.assertEqual(p.returncode, -signal.SIGTERM)
        self.assert_failed(type("r", (), {"returncode": 0, "stderr": ""})(), 0)

    def test_disk_full_leaves_the_previous_pdf(self):
        out = self.write("out.pdf", b"the previous PDF")
        self.out = out

        def small_disk():
            resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))

        p = subprocess.run([os.environ.get("MKBROCHURE", "mkbrochure"), "-o", out],
                           preexec_fn=small_disk, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn(b"cannot write", p.stderr)
        self.assert_failed(type("r", (), {"returncode": 0, "stderr": ""})(), 0)


if __name__ == "__main__":
    import unittest
    unittest.main()
