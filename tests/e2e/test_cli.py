"""The command line: options, diagnostics in GCC format, exit statuses, safe output."""
import os
import re
import unittest

from common import SOURCE_DIR, TempDirTest, normalise, pdfinfo, pdftext, run

DIAG = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): (?P<msg>.*)$",
                  re.M)


def diagnostics(stderr):
    return [m.groupdict() for m in DIAG.finditer(stderr)]


class Options(TempDirTest):
    def test_help_lists_every_option(self):
        r = run(["--help"])
        self.assertEqual(r.returncode, 0)
        text = r.stdout.decode()
        self.assertTrue(text.startswith("Usage: mkbrochure"))
        for opt in ("--output", "--content", "--layout", "--fonts", "--png", "--dpi",
                    "--dump-layout", "--timings", "--strict", "--quiet", "--help", "--version"):
            lines = [l for l in text.splitlines() if opt + "=" in l or opt + " " in l
                     or l.rstrip().endswith(opt)]
            self.assertEqual(len(lines), 1, opt)

    def test_version(self):
        r = run(["--version"])
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.decode(), r"^mkbrochure \d+\.\d+\.\d+\n$")

    def test_unknown_option_is_a_usage_error(self):
        r = run(["--frobnicate"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown option '--frobnicate'", r.stderr)
        self.assertIn("--help", r.stderr)

    def test_missing_value(self):
        r = run(["--layout"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("needs a value", r.stderr)

    def test_stray_argument(self):
        r = run(["extra.md"])
        self.assertEqual(r.returncode, 2)

    def test_unknown_layout_name(self):
        r = run(["--layout", "tabloid", "-o", self.path("x.pdf")])
        self.assertEqual(r.returncode, 3)
        self.assertIn("no such layout", r.stderr)

    def test_layout_by_path(self):
        layout = os.path.join(SOURCE_DIR, "layouts", "letter-booklet.yaml")
        out = self.path("l.pdf")
        r = run(["--layout", layout, "-o", out])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(pdfinfo(out)["Page size"].startswith("612 x 792"))


    def test_timings(self):
        def stages(*args):
            r = run(["--timings", "-o", self.path("t.pdf")] + list(args))
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = [l.split() for l in r.stderr.splitlines() if l.startswith("mkbrochure: timing:")]
            for l in lines:
                self.assertEqual(l[4], "ms")
                self.assertGreaterEqual(float(l[3]), 0)
            return [l[2] for l in lines], {l[2]: float(l[3]) for l in lines}
        names, ms = stages()
        # The PDF is drawn on a second thread beside the layout: draw overlaps the layout's
        # stages, and draw-wait is what the finished layout waited for it.
        self.assertEqual(names, ["parse", "fonts", "shape", "break", "flow", "draw", "draw-wait",
                                 "post-process", "total"])
        self.assertGreater(ms["shape"], 0)
        self.assertGreater(ms["draw"], 0)
        self.assertLessEqual(ms["draw-wait"], ms["draw"] + 0.1)
        serial = sum(v for k, v in ms.items() if k not in ("total", "draw"))
        self.assertLessEqual(serial, ms["total"] + 0.1)
        names, ms = stages("--preset", "print")
        self.assertEqual(names[-5:], ["draw", "draw-wait", "post-process", "preflight", "total"])
        serial = sum(v for k, v in ms.items() if k not in ("total", "draw"))
        self.assertLessEqual(serial, ms["total"] + 0.1)

    def test_no_writable_cache_is_quiet(self):
        r = run(["-o", self.path("q.pdf")], env_extra={"HOME": "/nonexistent", "XDG_CACHE_HOME": ""})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")


class Content(TempDirTest):
    def test_single_markdown_file_without_front_matter(self):
        md = self.write("note.md", "# A note\n\nPlain *Markdown* with no front matter.\n")
        r = run(["-c", md], cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = self.path("note.pdf")  # the default output is named after the content
        self.assertIn("Plain Markdown with no front matter.", normalise(pdftext(out)))
        self.assertEqual(int(pdfinfo(out)["Pages"]) % 4, 0)

    def test_folder_of_files_in_name_order(self):
        self.write("c/b.md", "Second section.\n")
        self.write("c/a.md", "First section.\n")
        out = self.path("o.pdf")
        r = run(["-c", self.path("c"), "-o", out])
        self.assertEqual(r.returncode, 0, r.stderr)
        flat = normalise(pdftext(out))
        self.assertLess(flat.index("First section."), flat.index("Second section."))

    def test_user_text_is_never_markup(self):
        title = 'AT&T <b>R&D</b> 100% "quoted" {{x}} %s %n'
        md = self.write("t.md", "---\ntitle: '%s'\n---\n\n%s\n" % (title, title))
        out = self.path("t.pdf")
        r = run(["-c", md, "-o", out])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        flat = normalise(pdftext(out))
        self.assertEqual(flat.count(title), 2, flat)  # the running head and the paragraph
        self.assertEqual(pdfinfo(out)["Title"], title)

    def test_breakers(self):
        out = {}
        for breaker in ("total-fit", "greedy"):
            out[breaker] = self.path(breaker + ".pdf")
            r = run(["--breaker", breaker, "-o", out[breaker]])
            self.assertEqual(r.returncode, 0, r.stderr)
        total, greedy = (pdftext(out[b], "-f", "2", "-l", "2") for b in ("total-fit", "greedy"))
        self.assertEqual(normalise(total), normalise(greedy))  # the same text...
        self.assertNotEqual(total.split("\n"), greedy.split("\n"))  # ...broken differently
        # Total-fit hyphenates English: lines end in a letter and a hyphen the text lacks
        # (-raw: poppler's default mode joins such words back).
        raw = {b: pdftext(out[b], "-raw", "-f", "2", "-l", "2") for b in out}
        hyphenated = {b: [l for l in raw[b].split("\n") if re.search(r"[a-z]-$", l)] for b in out}
        self.assertGreaterEqual(len(hyphenated["total-fit"]), 3)
        self.assertEqual(hyphenated["greedy"], [])
        r = run(["--breaker", "knuth", "-o", self.path("x.pdf")])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--breaker must be total-fit or greedy", r.stderr)

    def test_typography_in_the_layout(self):
        layout = self.write("g.yaml", "extends: %s\ntypography: {breaker: greedy}\n"
                            % os.path.join(SOURCE_DIR, "layouts", "a4-booklet.yaml"))
        r = run(["-l", layout, "-o", self.path("g.pdf")])
        self.assertEqual(r.returncode, 0, r.stderr)
        r2 = run(["--breaker", "greedy", "-o", self.path("g2.pdf")])
        self.assertEqual(r2.returncode, 0, r2.stderr)
        self.assertEqual(pdftext(self.path("g.pdf")), pdftext(self.path("g2.pdf")))

    def test_stdout(self):
        md = self.write("s.md", "To standard output.\n")
        r = run(["-c", md, "-o", "-"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith(b"%PDF-1.5"))
        self.assertIn(b"%%EOF", r.stdout[-32:])


class Diagnostics(TempDirTest):
    def render_bad(self, name, text, *extra):
        """Renders bad content over an existing good PDF; returns (result, diagnostics)."""
        md = self.write(name, text)
        out = self.path("out.pdf")
        with open(out, "wb") as f:
            f.write(b"previous PDF")
        r = run(["-c", md, "-o", out] + list(extra))
        self.md = md
        self.out = out
        return r, diagnostics(r.stderr)

    def assert_untouched(self):
        with open(self.out, "rb") as f:
            self.assertEqual(f.read(), b"previous PDF")
        leftovers = [f for f in os.listdir(os.path.dirname(self.out)) if f.startswith(".mkbrochure")]
        self.assertEqual(leftovers, [])

    def test_unknown_front_matter_key(self):
        r, d = self.render_bad("a.md", "---\ntitel: Oops\n---\nText.\n")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(d), 1, r.stderr)
        self.assertEqual((d[0]["file"], d[0]["line"], d[0]["col"]), (self.md, "2", "1"))
        self.assertIn("unknown key 'titel' in front matter; did you mean 'title'?", d[0]["msg"])
        self.assert_untouched()

    def test_bad_stats_block(self):
        r, d = self.render_bad("s.md", "Intro.\n\n```stats\n- value: \"12\"\n  lable: things\n```\n")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(d), 1, r.stderr)
        self.assertEqual((d[0]["line"], d[0]["col"]), ("5", "3"))
        self.assertIn("unknown key 'lable' in a call-out item; did you mean 'label'?", d[0]["msg"])
        self.assert_untouched()

    def test_stats_item_without_label(self):
        r, d = self.render_bad("s.md", "Intro.\n\n```stats\n- value: \"12\"\n  note: 2024\n```\n")
        self.assertEqual(r.returncode, 1)
        self.assertEqual((d[0]["line"], d[0]["col"]), ("4", "3"))
        self.assertIn("call-out item has no 'label'", d[0]["msg"])
        self.assert_untouched()

    def test_invalid_utf8(self):
        r, d = self.render_bad("u.md", b"Line one.\nBad \xff byte.\n")
        self.assertEqual(r.returncode, 1)
        self.assertEqual((d[0]["line"], d[0]["col"]), ("2", "5"))
        self.assertIn("invalid UTF-8 (byte 0xFF at offset 14)", d[0]["msg"])
        self.assert_untouched()

    def test_layout_error_has_position(self):
        layout = self.write("bad.yaml", "styles:\n  body:\n    size: 12\n")
        md = self.write("ok.md", "Text.\n")
        r = run(["-c", md, "--layout", layout, "-o", self.path("x.pdf")])
        self.assertEqual(r.returncode, 1)
        d = diagnostics(r.stderr)
        self.assertEqual((d[0]["file"], d[0]["line"], d[0]["col"]), (layout, "3", "11"))
        self.assertIn("'size' must be a length", d[0]["msg"])
        self.assertFalse(os.path.exists(self.path("x.pdf")))

    def test_missing_content_is_an_io_error(self):
        r = run(["-c", self.path("nowhere.md"), "-o", self.path("x.pdf")])
        self.assertEqual(r.returncode, 3)
        self.assertIn("nowhere.md: error: cannot open", r.stderr)

    def test_missing_glyph_is_a_warning_with_position(self):
        r, d = self.render_bad("g.md", "Tamil: தமிழ் here.\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(d)
        first = d[0]
        self.assertEqual(first["sev"], "warning")
        self.assertEqual((first["line"], first["col"]), ("1", "8"))
        self.assertIn("no bundled font has a glyph for U+0BA4", first["msg"])
        self.assertIn("empty box", first["msg"])

    def test_strict_turns_warnings_into_errors(self):
        r, d = self.render_bad("g.md", "Tamil: தமிழ் here.\n", "--strict")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(d[0]["sev"], "error")
        self.assert_untouched()

    def test_word_wider_than_the_column(self):
        url = "https://example.org/" + "internationalcollaborations" * 3 + ".html"
        r, d = self.render_bad("w.md", "A paragraph.\n\nSee %s for more.\n" % url)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(d), 1, r.stderr)
        self.assertEqual((d[0]["sev"], d[0]["line"], d[0]["col"]), ("warning", "3", "5"))
        self.assertIn("is wider than the column", d[0]["msg"])
        self.assertIn("broken between letters", d[0]["msg"])

    def test_long_callout_label(self):
        label = "a label far too long for its call-out box " * 3
        stats = "".join('- value: "%d"\n  label: %s\n' % (i, label if i == 3 else "short")
                        for i in range(1, 5))
        r, d = self.render_bad("c.md", "```stats\n%s```\n" % stats)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(d), 1, r.stderr)
        self.assertEqual((d[0]["line"], d[0]["col"]), ("7", "10"))
        self.assertIn("call-out label is too long", d[0]["msg"])


if __name__ == "__main__":
    unittest.main()
