"""Output presets: the PDF/X-4 print master and the email PDF, read back with poppler and qpdf."""
import json
import os
import re
import subprocess
import tempfile
import unittest

from common import (SOURCE_DIR, TempDirTest, found, hindi_words, normalise, pdfinfo, pdftext, run,
                    tool)

MM = 72 / 25.4
A4 = (595.276, 841.89)


def boxes(path, page=1):
    """pdfinfo -box values of a page: {name: (x0, y0, x1, y1)}."""
    out = tool("pdfinfo", "-box", "-f", str(page), "-l", str(page), path)
    result = {}
    for line in out.splitlines():
        m = re.match(r"Page +\d+ (\w+): +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+)", line)
        if m:
            result[m.group(1)] = tuple(float(v) for v in m.groups()[1:])
    return result


def qpdf_json(path):
    return json.loads(tool("qpdf", "--json=2", path))


def objects(doc):
    return {k: v for k, v in doc["qpdf"][1].items() if k.startswith("obj:")}


def values(doc):
    return [o.get("value") for o in objects(doc).values() if isinstance(o.get("value"), dict)]


def stream_dicts(doc):
    return [o["stream"]["dict"] for o in objects(doc).values() if "stream" in o]


def catalog(doc):
    return next(v for v in values(doc) if v.get("/Type") == "/Catalog")


def deref(doc, ref):
    o = doc["qpdf"][1].get("obj:" + ref)
    return o.get("value", o.get("stream", {}).get("dict")) if o else None


def stream_text(path, ref):
    """The decoded data of stream object 'N 0 R'."""
    num = ref.split()[0]
    return subprocess.run(["qpdf", "--show-object=" + num, "--filtered-stream-data", path],
                          stdout=subprocess.PIPE, check=True).stdout.decode("utf-8", "replace")


def gray_page(path, page, dpi):
    """A page rendered by pdftoppm as (width, height, bytes), one byte per pixel."""
    with tempfile.TemporaryDirectory() as d:
        base = os.path.join(d, "p")
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
                        "-singlefile", path, base], check=True)
        with open(base + ".pgm", "rb") as f:
            data = f.read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():]


class Rendered(unittest.TestCase):
    """The default brochure in both presets from one run."""

    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="mb-output-")
        cls.screen = os.path.join(cls._tmp.name, "globalmit.pdf")
        cls.print = os.path.join(cls._tmp.name, "globalmit-print.pdf")
        cls.result = run(["-o", cls.screen, "--print-master", cls.print])

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_run_and_preflight(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        lines = [l for l in self.result.stderr.splitlines() if ": preflight: " in l]
        self.assertEqual(len(lines), 6, self.result.stderr)
        self.assertTrue(all(" PASS " in l for l in lines), self.result.stderr)

    # ---- print master ----

    def test_print_boxes(self):
        bleed = 3 * MM
        margin = bleed + 9 * MM
        for page in (1, 2, 12):
            b = boxes(self.print, page)
            expect = {
                "MediaBox": (0, 0, A4[0] + 2 * margin, A4[1] + 2 * margin),
                "TrimBox": (margin, margin, margin + A4[0], margin + A4[1]),
                "BleedBox": (margin - bleed, margin - bleed, margin + A4[0] + bleed,
                             margin + A4[1] + bleed),
            }
            for name, want in expect.items():
                for got, w in zip(b[name], want):
                    self.assertAlmostEqual(got, w, delta=0.01, msg=(page, name))

    def test_marks_outside_the_bleed_and_nothing_else(self):
        dpi = 72
        w, h, px = gray_page(self.print, 1, dpi)
        b = boxes(self.print, 1)
        s = dpi / 72
        top = b["MediaBox"][3]

        def pixel(x, y):  # PDF coordinates
            return px[int((top - y) * s) * w + int(x * s)]

        x0, y0, x1, y1 = b["BleedBox"]
        tx0, ty0, tx1, ty1 = b["TrimBox"]
        off, end = x0 - 1 * MM, x0 - 6 * MM  # where marks run, left of the bleed
        allowed = []
        reach = (tx0 - x0) + 6 * MM + 2  # marks end 6 mm beyond the bleed
        for cx in (tx0, tx1):
            for cy in (ty0, ty1):
                allowed.append((cx - reach, cy - 2, cx + reach, cy + 2))  # horizontal
                allowed.append((cx - 2, cy - reach, cx + 2, cy + reach))  # vertical
        midx, midy = (tx0 + tx1) / 2, (ty0 + ty1) / 2
        for cx, cy in ((midx, y0 - 3.5 * MM), (midx, y1 + 3.5 * MM), (x0 - 3.5 * MM, midy),
                       (x1 + 3.5 * MM, midy)):
            allowed.append((cx - 4 * MM, cy - 4 * MM, cx + 4 * MM, cy + 4 * MM))  # targets
        allowed.append((tx0, 0, midx - 4 * MM, y0 - 1))  # the slug line, bottom left
        outside_dark, stray = 0, []
        for py in range(h):
            for pxl in range(w):
                x, y = (pxl + 0.5) / s, top - (py + 0.5) / s
                if x0 - 1 <= x <= x1 + 1 and y0 - 1 <= y <= y1 + 1:
                    continue
                if px[py * w + pxl] > 200:
                    continue
                outside_dark += 1
                if not any(a <= x <= c and b_ <= y <= d for a, b_, c, d in allowed):
                    stray.append((round(x), round(y)))
        self.assertGreater(outside_dark, 50)
        self.assertEqual(stray[:10], [])
        # Each crop mark is there (a hairline: grey at 72 dpi), beyond the bleed, with a gap.
        for cx, cy, dx in ((tx0, ty0, -1), (tx1, ty0, 1), (tx0, ty1, -1), (tx1, ty1, 1)):
            mark = [pixel(cx + dx * d, cy + dy) for d in range(int(tx0 - x0 + 1 * MM) + 1,
                                                              int(tx0 - x0 + 6 * MM))
                    for dy in (-1, 0, 1)]
            self.assertLess(min(mark), 230, (cx, cy))
            self.assertGreater(pixel(cx + dx * (tx0 - x0 + 0.4 * MM), cy), 245, (cx, cy))

    def test_bleed_is_filled_on_the_cover(self):
        b = boxes(self.print, 1)
        w, h, px = gray_page(self.print, 1, 72)
        top = b["MediaBox"][3]
        x, y = b["BleedBox"][0] + 1, b["BleedBox"][3] - 1  # top left corner of the bleed
        self.assertLess(px[int(top - y) * w + int(x)], 200)

    def test_pdfx(self):
        doc = qpdf_json(self.print)
        cat = catalog(doc)
        intents = cat["/OutputIntents"]
        intent = deref(doc, intents[0].split(" ", 1)[0] + " 0 R") if isinstance(intents[0], str) \
            else intents[0]
        self.assertEqual(intent["/S"], "/GTS_PDFX")
        self.assertIn("sRGB", intent["/OutputConditionIdentifier"])
        profile = deref(doc, intent["/DestOutputProfile"])
        self.assertEqual(profile["/N"], 3)
        info = pdfinfo(self.print)
        self.assertEqual(info["PDF version"], "1.6")
        trailer_info = deref(doc, doc["qpdf"][1]["trailer"]["value"]["/Info"])
        self.assertEqual(trailer_info["/GTS_PDFXVersion"], "u:PDF/X-4")
        self.assertEqual(trailer_info["/Trapped"], "/False")
        xmp = stream_text(self.print, cat["/Metadata"])
        self.assertIn("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>", xmp)
        self.assertIn("<pdf:Trapped>False</pdf:Trapped>", xmp)
        self.assertIn("<xmpMM:DocumentID>uuid:", xmp)
        self.assertIn("uuid:", xmp)
        self.assertIn("Global MIT", xmp)
        ids = doc["qpdf"][1]["trailer"]["value"]["/ID"]
        self.assertEqual(len(ids), 2)
        check = subprocess.run(["qpdf", "--check", self.print], stdout=subprocess.PIPE)
        self.assertEqual(check.returncode, 0, check.stdout.decode())
        for f in tool("pdffonts", self.print).splitlines()[2:]:
            self.assertEqual(f.split()[-5], "yes", f)

    def test_no_link_annotations_in_print(self):
        self.assertFalse([v for v in values(qpdf_json(self.print)) if v.get("/Subtype") == "/Link"])

    # ---- screen ----

    def test_screen_pages_are_trim_size(self):
        b = boxes(self.screen, 1)
        for got, want in zip(b["MediaBox"], (0, 0) + A4):
            self.assertAlmostEqual(got, want, delta=0.01)
        self.assertEqual(b["TrimBox"], b["MediaBox"])

    def test_linearized_with_object_streams(self):
        p = subprocess.run(["qpdf", "--check-linearization", self.screen], stdout=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stdout.decode())
        self.assertIn("no linearization errors", p.stdout.decode())
        self.assertEqual(pdfinfo(self.screen)["Optimized"], "yes")
        self.assertTrue(any(d.get("/Type") == "/ObjStm"
                            for d in stream_dicts(json.loads(tool("qpdf", "--json=2",
                                                                   "--json-object=trailer",
                                                                   self.screen)))) or
                        "/ObjStm" in open(self.screen, "rb").read().decode("latin-1"))

    def test_outline_in_both_languages(self):
        doc = qpdf_json(self.screen)
        titles = [v["/Title"][2:] for v in values(doc) if "/Title" in v and "/Parent" in v]
        for t in ("About Global MIT", "Principled engagement", "मैसाचुसेट्स प्रौद्योगिकी संस्थान",
                  "इतिहास", "पूर्व छात्र", "Sources of the figures"):
            self.assertIn(t, titles)
        self.assertEqual(catalog(doc).get("/PageMode"), "/UseOutlines")

    def test_links(self):
        doc = qpdf_json(self.screen)
        pages = [p["object"] for p in doc["pages"]]
        links = [v for v in values(doc) if v.get("/Subtype") == "/Link"]
        uris = sorted(v["/A"]["/URI"][2:] for v in links if "/A" in v)
        self.assertIn("https://global.mit.edu/about", uris)
        self.assertIn("https://web.mit.edu/globalstrategy/today.html", uris)
        targets = [pages.index(v["/Dest"][0]) + 1 for v in links if "/Dest" in v]
        last = int(pdfinfo(self.screen)["Pages"])
        self.assertEqual(targets, [2, 3, last])  # the cover's contents: English, Hindi, sources

    def test_metadata_and_tags(self):
        info = pdfinfo(self.screen)
        self.assertEqual(info["Title"], "Global MIT")
        self.assertIn("Vice Provost", info["Author"])
        self.assertIn("Hindi", info["Subject"])
        self.assertIn("एमआईटी", info["Keywords"])
        self.assertTrue(info["Creator"].startswith("mkbrochure"))
        self.assertTrue(info["Producer"].startswith("mkbrochure"))
        self.assertEqual(info["Tagged"], "yes")
        doc = qpdf_json(self.screen)
        cat = catalog(doc)
        self.assertEqual(cat["/Lang"], "u:en")
        self.assertEqual(cat["/MarkInfo"], {"/Marked": True})
        xmp = stream_text(self.screen, cat["/Metadata"])
        self.assertIn("Global MIT", xmp)
        self.assertIn("<rdf:li>hi</rdf:li>", xmp)
        elems = [v for v in values(doc) if v.get("/Type") == "/StructElem"]
        kinds = {v["/S"] for v in elems}
        for k in ("/H1", "/H2", "/P", "/L", "/LI", "/LBody", "/BlockQuote", "/Link"):
            self.assertIn(k, kinds)
        hindi = [v for v in elems if v.get("/Lang") == "u:hi"]
        self.assertGreater(len(hindi), 80)
        self.assertTrue(any(v["/S"] == "/H1" for v in hindi))
        self.assertFalse(any(v.get("/Lang") not in (None, "u:hi") for v in elems))

    def test_size_budget(self):
        self.assertLessEqual(os.path.getsize(self.screen), 400 * 1024)

    # ---- both ----

    def test_text_comes_back_from_both(self):
        words = hindi_words()
        for path in (self.screen, self.print):
            flat = normalise(pdftext(path))
            self.assertEqual([w for w in words if not found(w, flat)], [], path)
            self.assertIn(normalise("Global MIT represents the Institute’s vision"), flat)
            self.assertNotIn("\u25CC", flat)

    def test_reproducible(self):
        with tempfile.TemporaryDirectory() as d:  # same names: the slug line shows the name
            a, b = os.path.join(d, "globalmit.pdf"), os.path.join(d, "globalmit-print.pdf")
            r = run(["-o", a, "--print-master", b, "--no-preflight"])
            self.assertEqual(r.returncode, 0, r.stderr)
            for mine, theirs in ((a, self.screen), (b, self.print)):
                with open(mine, "rb") as x, open(theirs, "rb") as y:
                    self.assertEqual(x.read(), y.read(), mine)


class Presets(TempDirTest):
    def test_preset_print_writes_the_master(self):
        out = self.path("p.pdf")
        r = run(["--preset", "print", "-o", out, "--no-preflight"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("TrimBox", boxes(out))
        self.assertNotEqual(boxes(out)["TrimBox"], boxes(out)["MediaBox"])

    def test_letter_bleed_from_the_layout(self):
        out = self.path("l.pdf")
        r = run(["--layout", "letter-booklet", "--preset", "print", "-o", out, "--no-preflight"])
        self.assertEqual(r.returncode, 0, r.stderr)
        b = boxes(out)
        self.assertAlmostEqual(b["TrimBox"][0] - b["BleedBox"][0], 9.0, delta=0.01)  # 0.125 in
        self.assertAlmostEqual(b["TrimBox"][2] - b["TrimBox"][0], 612, delta=0.01)

    def test_bad_preset(self):
        r = run(["--preset", "glossy"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--preset must be screen or print", r.stderr)

    def test_cmyk(self):
        out = self.path("c.pdf")
        r = run(["--preset", "print", "--cmyk", "-o", out])
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = qpdf_json(out)
        intent = catalog(doc)["/OutputIntents"][0]
        intent = deref(doc, intent) if isinstance(intent, str) else intent
        self.assertEqual(deref(doc, intent["/DestOutputProfile"])["/N"], 4)
        spaces = json.dumps(values(doc)) + json.dumps(stream_dicts(doc))
        self.assertNotIn("/DeviceRGB", spaces)
        qdf = self.path("c.qdf")
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", out, qdf], check=True)
        with open(qdf, "rb") as f:
            content = f.read()
        self.assertIsNone(re.search(rb"[\d.]+ [\d.]+ [\d.]+ (rg|RG)\s", content))  # no RGB colour
        self.assertIsNotNone(re.search(rb"[\d.]+ [\d.]+ [\d.]+ [\d.]+ (k|K)\s", content))
        self.assertNotEqual(boxes(out)["TrimBox"], boxes(out)["MediaBox"])
        self.assertIn("About Global MIT", pdftext(out))

    def test_cmyk_without_ghostscript(self):
        out = self.path("c.pdf")
        r = run(["--preset", "print", "--cmyk", "-o", out], env_extra={"PATH": "/nonexistent"})
        self.assertEqual(r.returncode, 3)
        self.assertIn("--cmyk needs Ghostscript", r.stderr)
        self.assertFalse(os.path.exists(out))

    def test_screen_images_downsampled_print_kept(self):
        src = self.write("s.md", "Source.\n")
        pdf = self.path("s.pdf")
        self.assertEqual(run(["-c", src, "-o", pdf]).returncode, 0)
        subprocess.run(["pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-png", "-singlefile",
                        "-x", "0", "-y", "0", "-W", "1000", "-H", "600", pdf,
                        self.path("big")], check=True)
        md = self.write("i.md", "Picture.\n\n![big](big.png)\n")
        screen, master = self.path("i.pdf"), self.path("i-print.pdf")
        r = run(["-c", md, "-o", screen, "--print-master", master, "--no-preflight"])
        self.assertEqual(r.returncode, 0, r.stderr)

        def image_ppi(path):
            row = tool("pdfimages", "-list", path).splitlines()[2].split()
            return int(row[3]), float(row[12])  # width in pixels, x-ppi

        width, ppi = image_ppi(screen)
        self.assertLessEqual(ppi, 150 * 1.05)
        self.assertLess(width, 1000)
        width, ppi = image_ppi(master)
        self.assertEqual(width, 1000)


class Preflight(TempDirTest):
    def preflight(self, path):
        r = run(["--preflight", path])
        return r.returncode, r.stdout.decode()

    def test_default_brochure_passes(self):
        out = self.path("p.pdf")
        self.assertEqual(run(["--preset", "print", "-o", out, "--no-preflight"]).returncode, 0)
        code, report = self.preflight(out)
        self.assertEqual(code, 0, report)
        self.assertEqual(report.count(" PASS "), 6, report)

    def test_render_reports_what_the_file_gives(self):
        # A print render checks its pages as drawn, beside the post-processing, and the
        # written file's boxes and fonts: the same lines as a preflight of the file.
        for name, layout in (("ok.pdf", None), ("tight.pdf", self.write(
                "tight.yaml", "extends: %s\npage: {margins: {top: 2mm, bottom: 20mm, inner: 20mm,"
                " outer: 20mm}}\n"
                % os.path.join(SOURCE_DIR, "layouts", "a4-booklet.yaml")))):
            out = self.path(name)
            args = ["--preset", "print", "-o", out] + (["--layout", layout] if layout else [])
            r = run(args)
            lines = [l for l in r.stderr.splitlines() if ": preflight: " in l]
            code, report = self.preflight(out)
            self.assertEqual(lines, report.splitlines())
            self.assertEqual(r.returncode, code)
            self.assertEqual(len(lines), 6)
        self.assertIn("FAIL safe zone: text closer than 5 mm to the trim on pages 2, 3", report)

    def test_font_not_embedded(self):
        # Four pages; the third shows text in Helvetica, which the file does not embed.
        content = b"BT /F1 12 Tf 100 400 Td (Hello) Tj ET"
        objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R 6 0 R] /Count 4 >>"]
        for i in range(4):
            res = b"/Resources << /Font << /F1 8 0 R >> >> /Contents 7 0 R " if i == 2 else b""
            objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                        b"/TrimBox [9 9 603 783] /BleedBox [0 0 612 792] " + res + b">>")
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        pdf = b"%PDF-1.4\n" + b"".join(b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
                                         for i, o in enumerate(objs))
        pdf += b"trailer\n<< /Root 1 0 R /Size %d >>\n%%%%EOF\n" % (len(objs) + 1)
        raw = self.write("raw.pdf", pdf)
        fixed = self.path("font.pdf")
        subprocess.run(["qpdf", raw, fixed], check=False,  # writes the cross-reference table
                       stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        code, report = self.preflight(fixed)
        self.assertEqual(code, 1, report)
        self.assertIn("FAIL fonts: font Helvetica is not embedded on page 3\n", report)
        self.assertIn("PASS pages: 4, a multiple of 4", report)

    def test_low_resolution_image(self):
        src = self.write("s.md", "Source.\n")
        pdf = self.path("s.pdf")
        self.assertEqual(run(["-c", src, "-o", pdf]).returncode, 0)
        subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-png", "-singlefile",
                        "-x", "0", "-y", "0", "-W", "200", "-H", "120", pdf, self.path("low")],
                       check=True)
        md = self.write("i.md", "A picture.\n\n![low](low.png)\n")
        out = self.path("i.pdf")
        r = run(["-c", md, "--preset", "print", "-o", out])
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"preflight: FAIL images: images below 300 ppi at placed size "
                                   r"\(\d+ ppi\) on page 1\n")
        self.assertTrue(os.path.exists(out))  # the master is written; preflight reports on it
        code, report = self.preflight(out)
        self.assertEqual(code, 1)
        self.assertIn("FAIL images", report)

    def test_text_in_the_safe_zone(self):
        layout = self.write("tight.yaml", "extends: %s\npage: {margins: {top: 2mm, bottom: 20mm,"
                            " inner: 20mm, outer: 20mm}}\n"
                            % os.path.join(SOURCE_DIR, "layouts", "a4-booklet.yaml"))
        md = self.write("t.md", "Text right at the top edge of the page.\n")
        out = self.path("t.pdf")
        r = run(["-c", md, "--layout", layout, "--preset", "print", "-o", out])
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAIL safe zone: text closer than 5 mm to the trim on page 1", r.stderr)

    def test_odd_page_count(self):
        layout = self.write("one.yaml", "extends: %s\npage: {page-multiple: 1}\n"
                            % os.path.join(SOURCE_DIR, "layouts", "a4-booklet.yaml"))
        md = self.write("o.md", "One page only.\n")
        out = self.path("o.pdf")
        r = run(["-c", md, "--layout", layout, "--preset", "print", "-o", out])
        self.assertEqual(r.returncode, 1)
        self.assertIn("FAIL pages: 1, not a multiple of 4", r.stderr)

    def test_background_short_of_the_bleed(self):
        layout = self.write("thin.yaml", "extends: %s\npage: {bleed: 1mm}\n"
                            % os.path.join(SOURCE_DIR, "layouts", "a4-booklet.yaml"))
        out = self.path("b.pdf")
        r = run(["--layout", layout, "--preset", "print", "-o", out, "--no-preflight"])
        self.assertEqual(r.returncode, 0, r.stderr)
        # Claim a 3 mm bleed that the 1 mm of background does not fill.
        qdf = self.path("b.qdf")
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", out, qdf], check=True)
        with open(qdf, "rb") as f:
            data = f.read()
        two_mm = 2 * MM

        def grow(m):
            x0, y0, x1, y1 = (float(v) for v in m.group(1).split())
            return b"/BleedBox [ %.3f %.3f %.3f %.3f ]" % (x0 - two_mm, y0 - two_mm, x1 + two_mm,
                                                            y1 + two_mm)

        data = re.sub(rb"/BleedBox \[\s*([-\d.\s]+?)\s*\]", grow, data)
        with open(qdf, "wb") as f:
            f.write(data)
        fixed = self.path("fixed.pdf")
        with open(fixed, "wb") as f:
            subprocess.run(["fix-qdf", qdf], stdout=f, check=True)
        code, report = self.preflight(fixed)
        self.assertEqual(code, 1, report)
        self.assertIn("FAIL bleed: colour at the trim edge stops short of the bleed edge on pages 1",
                      report)

    def test_unreadable(self):
        bad = self.write("bad.pdf", b"not a pdf")
        r = run(["--preflight", bad])
        self.assertEqual(r.returncode, 3)
        self.assertIn("cannot read the PDF", r.stderr)


if __name__ == "__main__":
    unittest.main()
