/* Unit tests for the preflight of a print render (src/pdf/preflight.c): the pages checked as
 * drawn, beside the post-processing, report what the same checks of the written file report;
 * a file whose boxes are not the ones the pages were checked with, or a drawn PDF that cannot
 * be read, is checked from the file; the lowest image resolution is reported whichever reader
 * found it; an abandoned run stops cleanly. The PDFs are drawn with
 * cairo and post-processed with mb_pdf_finish, as a render does. */
#include "harness.h"

#include "pdf/output.h"
#include "pdf/pdf.h"
#include "util/file.h"
#include "util/mem.h"

#include <cairo-pdf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MM (72.0 / 25.4)

typedef struct bytes {
  unsigned char *data;
  size_t len;
} bytes;

static cairo_status_t append(void *closure, const unsigned char *data, unsigned int len) {
  bytes *b = closure;
  b->data = mb_xrealloc(b->data, b->len + len);
  memcpy(b->data + b->len, data, len);
  b->len += len;
  return CAIRO_STATUS_SUCCESS;
}

/* A print geometry: A5 trim, 3 mm bleed, 12 mm from the trim to the media edge. */
static mb_pdf_print geometry(void) {
  mb_pdf_print pr;
  memset(&pr, 0, sizeof pr);
  pr.trim_w = 148 * MM;
  pr.trim_h = 210 * MM;
  pr.margin = 12 * MM;
  pr.bleed = 3 * MM;
  pr.crop_marks = true;
  pr.icc_path = mb_icc_find("srgb");
  pr.icc_components = 3;
  pr.condition = "sRGB IEC61966-2.1";
  return pr;
}

/* A PDF drawn into b, its pages as large as the print geometry's media. */
static cairo_t *open_pdf(const mb_pdf_print *pr, bytes *b) {
  double w = pr->trim_w + 2 * pr->margin, h = pr->trim_h + 2 * pr->margin;
  cairo_surface_t *s = cairo_pdf_surface_create_for_stream(append, b, w, h);
  cairo_t *cr = cairo_create(s);
  cairo_surface_destroy(s); /* cr keeps it */
  return cr;
}

static void close_pdf(cairo_t *cr) {
  cairo_surface_t *s = cairo_get_target(cr);
  cairo_surface_finish(s);
  CHECK_INT(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  cairo_destroy(cr);
}

/* Four pages with a coloured band at the top; it runs into the bleed when full_bleed, else it
 * stops at the trim. Page 2 also has text inside the safe zone's edge band. */
static bytes draw(const mb_pdf_print *pr, bool full_bleed) {
  bytes b = {NULL, 0};
  cairo_t *cr = open_pdf(pr, &b);
  double out = full_bleed ? pr->bleed : 0;
  for (int page = 1; page <= 4; page++) {
    cairo_set_source_rgb(cr, 0.64, 0.12, 0.2);
    cairo_rectangle(cr, pr->margin - out, pr->margin - out, pr->trim_w + 2 * out, 40 + out);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_select_font_face(cr, "sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 10);
    double y = page == 2 ? pr->margin + pr->trim_h - 4 * MM : pr->margin + 100;
    cairo_move_to(cr, pr->margin + 30 * MM, y);
    cairo_show_text(cr, "Preflight");
    cairo_show_page(cr);
  }
  close_pdf(cr);
  return b;
}

/* Four pages with a small raster image placed at a different resolution on each (ppi[i]),
 * inside the trim and clear of the safe zone. */
static bytes draw_images(const mb_pdf_print *pr, const double ppi[4]) {
  bytes b = {NULL, 0};
  cairo_t *cr = open_pdf(pr, &b);
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 40, 40);
  cairo_t *ic = cairo_create(img);
  cairo_set_source_rgb(ic, 0.2, 0.4, 0.6);
  cairo_paint(ic);
  cairo_destroy(ic);
  for (int page = 0; page < 4; page++) {
    cairo_save(cr);
    cairo_translate(cr, pr->margin + 30 * MM, pr->margin + 60 * MM);
    cairo_scale(cr, 72.0 / ppi[page], 72.0 / ppi[page]);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_show_page(cr);
  }
  cairo_surface_destroy(img);
  close_pdf(cr);
  return b;
}

/* Post-processes a drawn PDF with the print geometry and writes it to path. */
static void finish_to(const bytes *drawn, const mb_pdf_print *pr, const char *path) {
  mb_pdf_post post;
  memset(&post, 0, sizeof post);
  post.meta.title = "Preflight test";
  post.meta.lang = "en";
  post.print = pr;
  unsigned char *out = NULL;
  size_t len = 0;
  mb_diags *d = mb_diags_new();
  CHECK(mb_pdf_finish(drawn->data, drawn->len, &post, &out, &len, d));
  CHECK_INT(mb_diags_count(d), 0);
  mb_diags_free(d);
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f) {
    CHECK_INT(fwrite(out, 1, len, f), len);
    fclose(f);
  }
  free(out);
}

/* What a preflight printed; *ok is its result. */
typedef struct outcome {
  char *report;
  bool ok;
} outcome;

static outcome standalone(const char *path) {
  outcome o = {NULL, false};
  size_t size = 0;
  FILE *f = open_memstream(&o.report, &size);
  mb_diags *d = mb_diags_new();
  o.ok = mb_preflight(path, f, d);
  mb_diags_free(d);
  fclose(f);
  return o;
}

static outcome beside(const bytes *drawn, const mb_pdf_print *checked_with, const char *path) {
  outcome o = {NULL, false};
  size_t size = 0;
  mb_preflight_run *run = mb_preflight_start(drawn->data, drawn->len, checked_with);
  CHECK(run != NULL);
  FILE *f = open_memstream(&o.report, &size);
  mb_diags *d = mb_diags_new();
  o.ok = run ? mb_preflight_end(run, path, f, d) : false;
  mb_diags_free(d);
  fclose(f);
  return o;
}

static char *temp_folder; /* made by main, removed at the end */

/* A new PDF path in the temporary folder; the caller unlinks and frees it. */
static char *temp_pdf(void) {
  static int n;
  char name[32];
  snprintf(name, sizeof name, "master-%d.pdf", ++n);
  return mb_path_join(temp_folder, name);
}

/* The same report as a preflight of the written file, passing and failing. */
static void test_same_as_the_file(void) {
  mb_pdf_print pr = geometry();
  for (int full = 1; full >= 0; full--) {
    bytes drawn = draw(&pr, full);
    char *path = temp_pdf();
    finish_to(&drawn, &pr, path);
    outcome a = beside(&drawn, &pr, path), b = standalone(path);
    CHECK_STR(a.report, b.report);
    CHECK_INT(a.ok, b.ok);
    CHECK_INT(a.ok, false); /* page 2's text is in the safe zone */
    CHECK_CONTAINS(a.report, "FAIL safe zone: text closer than 5 mm to the trim on page 2\n");
    CHECK_CONTAINS(a.report, "PASS pages: 4, a multiple of 4\n");
    CHECK_CONTAINS(a.report, full ? "PASS bleed" : "FAIL bleed");
    free(a.report);
    free(b.report);
    unlink(path);
    free(path);
    free(drawn.data);
  }
}

/* Pages checked with boxes the file does not have: the file's pages are checked instead. A
 * band that stops at the trim passes a check that believes there is no bleed, so only a
 * check of the file finds it. */
static void test_other_boxes_checked_from_the_file(void) {
  mb_pdf_print pr = geometry(), none = geometry();
  none.bleed = 0;
  bytes drawn = draw(&pr, false);
  char *path = temp_pdf();
  finish_to(&drawn, &pr, path);
  outcome a = beside(&drawn, &none, path), b = standalone(path);
  CHECK_STR(a.report, b.report);
  CHECK_CONTAINS(a.report, "FAIL bleed: colour at the trim edge stops short of the bleed edge");
  free(a.report);
  free(b.report);
  /* A drawn PDF that cannot be read: the same. */
  bytes junk = {(unsigned char *)mb_xstrdup("not a PDF"), 9};
  a = beside(&junk, &pr, path);
  b = standalone(path);
  CHECK_STR(a.report, b.report);
  free(a.report);
  free(b.report);
  free(junk.data);
  unlink(path);
  free(path);
  free(drawn.data);
}

/* Low-resolution images on several pages: the report names the lowest resolution of all,
 * whichever reader saw it, every time. */
static void test_lowest_resolution(void) {
  mb_pdf_print pr = geometry();
  const double ppi[4] = {600, 150, 60, 100};
  bytes drawn = draw_images(&pr, ppi);
  char *path = temp_pdf();
  finish_to(&drawn, &pr, path);
  for (int i = 0; i < 6; i++) {
    outcome a = beside(&drawn, &pr, path), b = standalone(path);
    CHECK_STR(a.report, b.report);
    CHECK_CONTAINS(a.report, " ppi) on pages 2, 3, 4\n");
    const char *at = a.report ? strstr(a.report, "FAIL images: images below 300 ppi at placed "
                                                 "size (")
                              : NULL;
    int lowest = 0;
    CHECK(at && sscanf(strchr(at, '(') + 1, "%d", &lowest) == 1);
    CHECK(lowest >= 57 && lowest <= 61); /* page 3's 60 ppi, as poppler measures it */
    free(a.report);
    free(b.report);
  }
  unlink(path);
  free(path);
  free(drawn.data);
}

/* A run whose render failed stops and frees itself; an unreadable file is an I/O error. */
static void test_abandoned_and_unreadable(void) {
  mb_pdf_print pr = geometry();
  bytes drawn = draw(&pr, true);
  mb_preflight_abandon(mb_preflight_start(drawn.data, drawn.len, &pr));
  mb_preflight_abandon(NULL);
  mb_preflight_run *run = mb_preflight_start(drawn.data, drawn.len, &pr);
  CHECK(run != NULL);
  mb_diags *d = mb_diags_new();
  CHECK(!mb_preflight_end(run, "/nonexistent/master.pdf", stdout, d));
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK(mb_diags_has_kind(d, MB_DIAG_IO));
  mb_diags_free(d);
  free(drawn.data);
}

int main(void) {
  const char *base = getenv("TMPDIR");
  temp_folder = mb_path_join(base && *base ? base : "/tmp", "mb-test-preflight-XXXXXX");
  if (!mkdtemp(temp_folder)) {
    perror("mkdtemp");
    return 2;
  }
  RUN(test_same_as_the_file);
  RUN(test_other_boxes_checked_from_the_file);
  RUN(test_lowest_resolution);
  RUN(test_abandoned_and_unreadable);
  rmdir(temp_folder);
  free(temp_folder);
  return harness_report();
}
