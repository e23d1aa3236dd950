/* Preflight: checks a PDF the way a print shop's preflight does. Boxes and the page count
 * come from qpdf; text positions, image placements and pixels from poppler. */
#include "libs.h"
#include "output.h"
#include "pdf.h"

#include "util/dl.h"
#include "util/mem.h"
#include "util/thread.h"

#include <limits.h>
#include <math.h>
#include <poppler.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* poppler-glib, loaded on the first preflight (util/dl.h). */
#define POPPLER_FUNCS(X)                                                                           \
  X(poppler_document_get_n_pages)                                                                  \
  X(poppler_document_get_page)                                                                     \
  X(poppler_document_new_from_bytes)                                                               \
  X(poppler_page_free_image_mapping)                                                               \
  X(poppler_page_get_image)                                                                        \
  X(poppler_page_get_image_mapping)                                                                \
  X(poppler_page_get_text)                                                                         \
  X(poppler_page_get_text_layout)                                                                  \
  X(poppler_page_render)
static struct { POPPLER_FUNCS(MB_DL_FIELD) } pp;

#define MM (72.0 / 25.4)
#define SAFE_ZONE (5 * MM)
#define MIN_PPI 300.0
#define BLEED_DPI 36.0

typedef struct box {
  double x0, y0, x1, y1; /* PDF coordinates: origin bottom left */
} box;

typedef struct page_boxes {
  box media, trim, bleed;
  bool has_trim, has_bleed;
  bool has_xobjects;     /* images can only be there */
  char missing_font[96]; /* the name of a font used here and not embedded, or "" */
} page_boxes;

typedef MB_VEC(int) int_vec;

typedef struct check {
  const char *name;
  int_vec pages; /* where it fails */
  char detail[160];
  bool whole; /* about the whole document: no page list */
} check;

/* ---- boxes with qpdf ---- */

static bool read_box(qpdf_data q, qpdf_oh page, const char *key, box *b) {
  qpdf_oh a = mb_qpdf.qpdf_oh_get_key(q, page, key);
  if (!mb_qpdf.qpdf_oh_is_array(q, a) || mb_qpdf.qpdf_oh_get_array_n_items(q, a) != 4) return false;
  double v[4];
  for (int i = 0; i < 4; i++) {
    qpdf_oh n = mb_qpdf.qpdf_oh_get_array_item(q, a, i);
    if (!mb_qpdf.qpdf_oh_get_value_as_number(q, n, &v[i])) return false;
  }
  *b = (box){fmin(v[0], v[2]), fmin(v[1], v[3]), fmax(v[0], v[2]), fmax(v[1], v[3])};
  return true;
}

/* ---- fonts with qpdf ---- */

typedef MB_VEC(int) id_vec;

typedef struct font_scan {
  qpdf_data q;
  id_vec seen; /* font objects already counted */
} font_scan;

static bool seen_before(font_scan *f, qpdf_oh font) {
  int id = mb_qpdf.qpdf_oh_get_object_id(f->q, font);
  if (!id) return false; /* a direct object: count it */
  for (size_t i = 0; i < f->seen.len; i++)
    if (f->seen.items[i] == id) return true;
  mb_vec_push(&f->seen, id);
  return false;
}

/* A font's program is in the file: in its descriptor (or its descendant's, for Type0); Type3
 * fonts are drawn by their own procedures. */
static bool embedded(qpdf_data q, qpdf_oh font) {
  const char *sub = mb_qpdf.qpdf_oh_get_name(q, mb_qpdf.qpdf_oh_get_key(q, font, "/Subtype"));
  if (sub && strcmp(sub, "/Type3") == 0) return true;
  if (sub && strcmp(sub, "/Type0") == 0) {
    qpdf_oh kids = mb_qpdf.qpdf_oh_get_key(q, font, "/DescendantFonts");
    if (!mb_qpdf.qpdf_oh_is_array(q, kids) || mb_qpdf.qpdf_oh_get_array_n_items(q, kids) < 1)
      return false;
    font = mb_qpdf.qpdf_oh_get_array_item(q, kids, 0);
  }
  qpdf_oh d = mb_qpdf.qpdf_oh_get_key(q, font, "/FontDescriptor");
  return mb_qpdf.qpdf_oh_has_key(q, d, "/FontFile") ||
         mb_qpdf.qpdf_oh_has_key(q, d, "/FontFile2") || mb_qpdf.qpdf_oh_has_key(q, d, "/FontFile3");
}

static void scan_resources(font_scan *f, qpdf_oh res, page_boxes *b, int *count, int depth);

typedef MB_VEC(char *) key_vec;

/* The keys of a dictionary (copied: the next iteration would overwrite qpdf's). */
static key_vec dict_keys(qpdf_data q, qpdf_oh dict) {
  key_vec keys = {0};
  mb_qpdf.qpdf_oh_begin_dict_key_iter(q, dict);
  while (mb_qpdf.qpdf_oh_dict_more_keys(q))
    mb_vec_push(&keys, mb_xstrdup(mb_qpdf.qpdf_oh_dict_next_key(q)));
  return keys;
}

static void keys_free(key_vec *keys) {
  for (size_t i = 0; i < keys->len; i++) free(keys->items[i]);
  free(keys->items);
}

static void scan_fonts(font_scan *f, qpdf_oh fonts, page_boxes *b, int *count) {
  qpdf_data q = f->q;
  if (!mb_qpdf.qpdf_oh_is_dictionary(q, fonts)) return;
  key_vec keys = dict_keys(q, fonts);
  for (size_t i = 0; i < keys.len; i++) {
    qpdf_oh font = mb_qpdf.qpdf_oh_get_key(q, fonts, keys.items[i]);
    if (!seen_before(f, font)) ++*count;
    if (!embedded(q, font) && !b->missing_font[0]) {
      const char *name = mb_qpdf.qpdf_oh_get_name(q, mb_qpdf.qpdf_oh_get_key(q, font, "/BaseFont"));
      snprintf(b->missing_font, sizeof b->missing_font, "%s", name ? name + 1 : "(unnamed)");
    }
  }
  keys_free(&keys);
}

/* Fonts of a page's resources and of the forms (XObjects) it draws, a few levels down. */
static void scan_resources(font_scan *f, qpdf_oh res, page_boxes *b, int *count, int depth) {
  qpdf_data q = f->q;
  if (!mb_qpdf.qpdf_oh_is_dictionary(q, res) || depth > 8) return;
  scan_fonts(f, mb_qpdf.qpdf_oh_get_key(q, res, "/Font"), b, count);
  qpdf_oh xobjects = mb_qpdf.qpdf_oh_get_key(q, res, "/XObject");
  if (!mb_qpdf.qpdf_oh_is_dictionary(q, xobjects)) return;
  key_vec keys = dict_keys(q, xobjects);
  for (size_t i = 0; i < keys.len; i++) {
    qpdf_oh x = mb_qpdf.qpdf_oh_get_key(q, xobjects, keys.items[i]);
    if (mb_qpdf.qpdf_oh_is_stream(q, x))
      scan_resources(f, mb_qpdf.qpdf_oh_get_key(q, mb_qpdf.qpdf_oh_get_dict(q, x), "/Resources"), b,
                     count, depth + 1);
  }
  keys_free(&keys);
}

/* A PDF read with qpdf, from a file or (path NULL) from memory; NULL if it cannot be read. */
static qpdf_data open_qpdf(const char *path, const unsigned char *data, size_t len,
                           mb_diags *diags) {
  qpdf_data q = mb_qpdf.qpdf_init();
  mb_qpdf.qpdf_silence_errors(q);
  mb_qpdf.qpdf_set_suppress_warnings(q, 1);
  QPDF_ERROR_CODE e = path ? mb_qpdf.qpdf_read(q, path, NULL)
                           : mb_qpdf.qpdf_read_memory(q, "drawn PDF", (const char *)data,
                                                      (unsigned long long)len, NULL);
  if (!(e & QPDF_ERRORS)) return q;
  qpdf_error err = mb_qpdf.qpdf_get_error(q); /* taken, or qpdf prints it */
  if (diags)
    mb_io_error(diags, mb_pos_file(path), "cannot read the PDF: %s",
                mb_qpdf.qpdf_get_error_full_text(q, err));
  mb_qpdf.qpdf_cleanup(&q);
  return NULL;
}

/* Every page's boxes, fonts and forms. */
static page_boxes *scan_pages(qpdf_data q, int *npages, int *nfonts) {
  *npages = mb_qpdf.qpdf_get_num_pages(q);
  if (*npages < 0) *npages = 0;
  page_boxes *pages = mb_xcalloc((size_t)*npages + 1, sizeof(page_boxes));
  font_scan fonts = {q, {0}};
  for (int i = 0; i < *npages; i++) {
    qpdf_oh page = mb_qpdf.qpdf_get_page_n(q, (size_t)i);
    page_boxes *b = &pages[i];
    read_box(q, page, "/MediaBox", &b->media);
    b->has_trim = read_box(q, page, "/TrimBox", &b->trim);
    b->has_bleed = read_box(q, page, "/BleedBox", &b->bleed);
    if (!b->has_trim) b->trim = b->media;
    if (!b->has_bleed) b->bleed = b->trim;
    qpdf_oh res = mb_qpdf.qpdf_oh_get_key(q, page, "/Resources");
    b->has_xobjects = !mb_qpdf.qpdf_oh_is_dictionary(q, res) /* inherited: look anyway */ ||
                      mb_qpdf.qpdf_oh_is_dictionary(q, mb_qpdf.qpdf_oh_get_key(q, res, "/XObject"));
    scan_resources(&fonts, res, b, nfonts, 0);
  }
  free(fonts.seen.items);
  return pages;
}

/* A copy of the PDF for poppler without its output intents (poppler would build colour
 * transforms from them for every page, five times the work for checks that do not depend
 * on them); NULL if qpdf cannot write it. */
static GBytes *copy_without_intents(qpdf_data q) {
  mb_qpdf.qpdf_oh_remove_key(q, mb_qpdf.qpdf_get_root(q), "/OutputIntents");
  if ((mb_qpdf.qpdf_init_write_memory(q) & QPDF_ERRORS) || (mb_qpdf.qpdf_write(q) & QPDF_ERRORS))
    return NULL;
  return g_bytes_new(mb_qpdf.qpdf_get_buffer(q), mb_qpdf.qpdf_get_buffer_length(q));
}

/* The boxes and fonts of the file at path, and (copy not NULL) a copy for poppler. NULL if
 * qpdf cannot read the file. */
static page_boxes *read_boxes(const char *path, int *npages, int *nfonts, GBytes **copy,
                              mb_diags *diags) {
  qpdf_data q = open_qpdf(path, NULL, 0, diags);
  if (!q) return NULL;
  page_boxes *pages = scan_pages(q, npages, nfonts);
  if (copy) *copy = copy_without_intents(q);
  mb_qpdf.qpdf_cleanup(&q);
  return pages;
}

/* ---- reporting ---- */

static void fail_page(check *c, int page) {
  if (!c->pages.len || c->pages.items[c->pages.len - 1] != page) mb_vec_push(&c->pages, page);
}

static void report(FILE *out, const char *path, const check *c, const char *pass) {
  if (!c->pages.len) {
    fprintf(out, "%s: preflight: PASS %s: %s\n", path, c->name, pass);
    return;
  }
  if (c->whole) {
    fprintf(out, "%s: preflight: FAIL %s: %s\n", path, c->name, c->detail);
    return;
  }
  fprintf(out, "%s: preflight: FAIL %s: %s on page%s ", path, c->name, c->detail,
          c->pages.len > 1 ? "s" : "");
  for (size_t i = 0; i < c->pages.len && i < 40; i++)
    fprintf(out, "%s%d", i ? ", " : "", c->pages.items[i]);
  fputs(c->pages.len > 40 ? ", ...\n" : "\n", out);
}

/* ---- the checks ---- */

/* poppler's page coordinates run from the media box's top left, y down. */
static box to_pdf(const page_boxes *b, double x0, double y0, double x1, double y1) {
  double top = b->media.y1;
  return (box){b->media.x0 + x0, top - y1, b->media.x0 + x1, top - y0};
}

static bool in_safe_zone_band(const box *r, const box *trim) {
  double cx = (r->x0 + r->x1) / 2, cy = (r->y0 + r->y1) / 2;
  if (cx < trim->x0 || cx > trim->x1 || cy < trim->y0 || cy > trim->y1) return false;
  return r->x0 < trim->x0 + SAFE_ZONE || r->x1 > trim->x1 - SAFE_ZONE ||
         r->y0 < trim->y0 + SAFE_ZONE || r->y1 > trim->y1 - SAFE_ZONE;
}

static void check_text(PopplerPage *page, const page_boxes *b, int number, check *c) {
  PopplerRectangle *rects = NULL;
  guint n = 0;
  char *text = pp.poppler_page_get_text(page);
  if (!pp.poppler_page_get_text_layout(page, &rects, &n)) {
    g_free(text);
    return;
  }
  const char *s = text;
  for (guint i = 0; i < n && s && *s; i++, s = g_utf8_next_char(s)) {
    if (g_unichar_isspace(g_utf8_get_char(s))) continue;
    box r = to_pdf(b, rects[i].x1, rects[i].y1, rects[i].x2, rects[i].y2);
    if (in_safe_zone_band(&r, &b->trim)) {
      fail_page(c, number);
      snprintf(c->detail, sizeof c->detail, "text closer than 5 mm to the trim");
      break;
    }
  }
  g_free(rects);
  g_free(text);
}

/* Images: resolution at placed size; closeness to the trim unless they run into the bleed. */
static void check_images(PopplerPage *page, const page_boxes *b, int number, check *res,
                         check *safe, double *lowest) {
  GList *maps = pp.poppler_page_get_image_mapping(page);
  for (GList *l = maps; l; l = l->next) {
    PopplerImageMapping *m = l->data;
    box r = to_pdf(b, m->area.x1, m->area.y1, m->area.x2, m->area.y2);
    cairo_surface_t *img = pp.poppler_page_get_image(page, m->image_id);
    if (img) {
      double w = r.x1 - r.x0, h = r.y1 - r.y0;
      double ppi = fmin(cairo_image_surface_get_width(img) / (w / 72.0),
                        cairo_image_surface_get_height(img) / (h / 72.0));
      if (ppi < MIN_PPI - 0.5) {
        fail_page(res, number);
        if (ppi < *lowest) *lowest = ppi;
        snprintf(res->detail, sizeof res->detail, "images below %.0f ppi at placed size (%.0f ppi)",
                 MIN_PPI, *lowest);
      }
      cairo_surface_destroy(img);
    }
    bool bleeds = r.x0 < b->trim.x0 || r.y0 < b->trim.y0 || r.x1 > b->trim.x1 || r.y1 > b->trim.y1;
    if (!bleeds && in_safe_zone_band(&r, &b->trim)) {
      fail_page(safe, number);
      snprintf(safe->detail, sizeof safe->detail, "text or images closer than 5 mm to the trim");
    }
  }
  pp.poppler_page_free_image_mapping(maps);
}

/* Only the band from the bleed edge to a little inside the trim edge is looked at: drawing
 * is clipped to it, so cairo skips everything else (the text, mostly) before rasterizing. */
static void clip_to_edges(cairo_t *cr, const page_boxes *b) {
  const double inside = 4 * 72.0 / BLEED_DPI;
  double mx = b->media.x0, my = b->media.y1; /* poppler's origin: the media box's top left */
  double x0 = b->bleed.x0 - mx, x1 = b->bleed.x1 - mx, y0 = my - b->bleed.y1, y1 = my - b->bleed.y0;
  double tx0 = b->trim.x0 - mx + inside, tx1 = b->trim.x1 - mx - inside;
  double ty0 = my - b->trim.y1 + inside, ty1 = my - b->trim.y0 - inside;
  cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
  if (tx1 > tx0 && ty1 > ty0) cairo_rectangle(cr, tx0, ty0, tx1 - tx0, ty1 - ty0); /* a hole */
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_clip(cr);
}

/* A page rendered at a low resolution, white behind. */
static cairo_surface_t *render_page(PopplerPage *page, const page_boxes *b) {
  double s = BLEED_DPI / 72.0;
  int w = (int)ceil((b->media.x1 - b->media.x0) * s),
      h = (int)ceil((b->media.y1 - b->media.y0) * s);
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create(img);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, s, s);
  clip_to_edges(cr, b);
  pp.poppler_page_render(page, cr); /* unlike the printing render, it keeps the page's text */
  cairo_destroy(cr);
  cairo_surface_flush(img);
  return img;
}

static bool white_at(cairo_surface_t *img, const page_boxes *b, double x, double y) {
  double s = BLEED_DPI / 72.0;
  int px = (int)((x - b->media.x0) * s), py = (int)((b->media.y1 - y) * s);
  int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
  if (px < 0 || py < 0 || px >= w || py >= h) return true;
  uint32_t v = ((uint32_t *)(void *)(cairo_image_surface_get_data(img) +
                                     (size_t)py * (size_t)cairo_image_surface_get_stride(img)))[px];
  return (v & 0xFFFFFF) == 0xFFFFFF;
}

/* Where colour touches the trim edge, it must go on to the bleed edge. */
static void check_bleed(PopplerPage *page, const page_boxes *b, int number, check *c) {
  if (b->bleed.x0 >= b->trim.x0 - 0.5) return; /* no bleed to reach */
  cairo_surface_t *img = render_page(page, b);
  const double step = 72.0 / BLEED_DPI, in = 1.5 * step, out = 0.5 * step;
  int misses = 0;
  for (double x = b->trim.x0 + 3 * step; x < b->trim.x1 - 3 * step; x += step) {
    misses += !white_at(img, b, x, b->trim.y0 + in) && white_at(img, b, x, b->bleed.y0 + out);
    misses += !white_at(img, b, x, b->trim.y1 - in) && white_at(img, b, x, b->bleed.y1 - out);
  }
  for (double y = b->trim.y0 + 3 * step; y < b->trim.y1 - 3 * step; y += step) {
    misses += !white_at(img, b, b->trim.x0 + in, y) && white_at(img, b, b->bleed.x0 + out, y);
    misses += !white_at(img, b, b->trim.x1 - in, y) && white_at(img, b, b->bleed.x1 - out, y);
  }
  cairo_surface_destroy(img);
  if (misses > 2) {
    fail_page(c, number);
    snprintf(c->detail, sizeof c->detail, "colour at the trim edge stops short of the bleed edge");
  }
}

static PopplerDocument *open_doc(const char *path, GBytes *bytes, mb_diags *diags) {
  GError *err = NULL;
  PopplerDocument *doc = bytes ? pp.poppler_document_new_from_bytes(bytes, NULL, &err) : NULL;
  if (!doc)
    mb_io_error(diags, mb_pos_file(path), "cannot read the PDF: %s", err ? err->message : "error");
  g_clear_error(&err);
  return doc;
}

/* ---- pages, on two threads ---- */

/* What the poppler checks of some pages found. */
typedef struct page_results {
  check safe, images, bleed;
  double lowest; /* ppi */
} page_results;

static void results_init(page_results *r) {
  memset(r, 0, sizeof *r);
  r->safe.name = "safe zone";
  r->images.name = "images";
  r->bleed.name = "bleed";
  r->lowest = 1e9;
}

static void results_free(page_results *r) {
  free(r->safe.pages.items);
  free(r->images.pages.items);
  free(r->bleed.pages.items);
}

static void check_page(PopplerDocument *doc, const page_boxes *b, int i, page_results *r) {
  PopplerPage *page = pp.poppler_document_get_page(doc, i);
  if (!page) return;
  check_bleed(page, b, i + 1, &r->bleed); /* first: its render also collects the text */
  check_text(page, b, i + 1, &r->safe);
  if (b->has_xobjects) check_images(page, b, i + 1, &r->images, &r->safe, &r->lowest);
  g_object_unref(page);
}

/* Pages go to whichever reader is free: their costs differ tenfold (a cover, a page of
 * Hindi text). The first reader reads page 1 alone while the others open their documents
 * (poppler builds some process-wide state lazily on its first page, unguarded), then opens
 * the queue. */
typedef struct page_queue {
  atomic_int next;
  int npages;
  const page_boxes *boxes;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  bool open; /* page 1 is done: take pages (npages -1: the first reader failed) */
} page_queue;

static void queue_init(page_queue *q, const page_boxes *boxes) {
  atomic_init(&q->next, 1);
  q->npages = 0;
  q->boxes = boxes;
  pthread_mutex_init(&q->lock, NULL);
  pthread_cond_init(&q->cond, NULL);
  q->open = false;
}

static void queue_open(page_queue *q, const page_boxes *boxes, int npages) {
  pthread_mutex_lock(&q->lock);
  q->boxes = boxes;
  q->npages = npages;
  q->open = true;
  pthread_cond_broadcast(&q->cond);
  pthread_mutex_unlock(&q->lock);
}

/* Waits for the first reader: the page count, or -1 if it could not read the PDF. */
static int queue_wait(page_queue *q) {
  pthread_mutex_lock(&q->lock);
  while (!q->open) pthread_cond_wait(&q->cond, &q->lock);
  int npages = q->npages;
  pthread_mutex_unlock(&q->lock);
  return npages;
}

/* No more pages for anyone (a reader already on one finishes it). */
static void queue_stop(page_queue *q) {
  atomic_store(&q->next, INT_MAX / 2);
}

static void queue_free(page_queue *q) {
  pthread_mutex_destroy(&q->lock);
  pthread_cond_destroy(&q->cond);
}

static void check_queued(PopplerDocument *doc, page_queue *q, page_results *r) {
  int npages = queue_wait(q);
  for (int i; (i = atomic_fetch_add(&q->next, 1)) < npages;) check_page(doc, &q->boxes[i], i, r);
}

/* Page 1, then the queue is open for all. */
static void check_first(PopplerDocument *doc, page_queue *q, const page_boxes *boxes, int npages,
                        page_results *r) {
  if (npages > 0) check_page(doc, &boxes[0], 0, r);
  queue_open(q, boxes, npages);
  check_queued(doc, q, r);
}

/* Another reader, on a thread: its own poppler document over the same bytes. It reads the
 * pages the queue hands out; a first reader (first) also reads the drawn PDF's boxes with
 * qpdf (the trim and bleed where geometry puts them) and page 1 before it opens the queue. */
typedef struct worker {
  GBytes *bytes;
  page_queue *queue;
  bool first;
  mb_pdf_print geometry; /* the first reader's */
  page_boxes *boxes;     /* the first reader's */
  page_results r;
  pthread_t thread;
  bool running;
} worker;

/* The drawn pages' boxes as the post-processing will set them. */
static page_boxes *drawn_boxes(GBytes *bytes, const mb_pdf_print *pr, int *npages) {
  gsize len;
  const unsigned char *data = g_bytes_get_data(bytes, &len);
  qpdf_data q = open_qpdf(NULL, data, len, NULL);
  if (!q) return NULL;
  int nfonts = 0;
  page_boxes *boxes = scan_pages(q, npages, &nfonts);
  mb_qpdf.qpdf_cleanup(&q);
  double t[4], b[4];
  mb_pdf_print_boxes(pr, t, b);
  for (int i = 0; i < *npages; i++) {
    boxes[i].trim = (box){t[0], t[1], t[2], t[3]};
    boxes[i].bleed = (box){b[0], b[1], b[2], b[3]};
    boxes[i].has_trim = boxes[i].has_bleed = true;
  }
  return boxes;
}

static void *work(void *arg) {
  worker *w = arg;
  int npages = 0;
  if (w->first) w->boxes = drawn_boxes(w->bytes, &w->geometry, &npages);
  PopplerDocument *doc =
      !w->first || w->boxes ? pp.poppler_document_new_from_bytes(w->bytes, NULL, NULL) : NULL;
  if (w->first && doc && npages > pp.poppler_document_get_n_pages(doc)) {
    g_object_unref(doc); /* not the same PDF to poppler and to qpdf */
    doc = NULL;
  }
  if (w->first && !doc)
    queue_open(w->queue, NULL, -1);
  else if (w->first)
    check_first(doc, w->queue, w->boxes, npages, &w->r);
  else if (doc)
    check_queued(doc, w->queue, &w->r);
  if (doc) g_object_unref(doc);
  return NULL;
}

static void start_worker(worker *w, GBytes *bytes, page_queue *q, const mb_pdf_print *first) {
  memset(w, 0, sizeof *w);
  w->bytes = bytes;
  w->queue = q;
  if (first) {
    w->geometry = *first;
    w->first = true;
  }
  results_init(&w->r);
  w->running = mb_thread_start(&w->thread, work, w);
}

static int by_number(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

/* Adds what the worker found to c, pages in order. */
static void merge(check *c, const check *w) {
  for (size_t i = 0; i < w->pages.len; i++) mb_vec_push(&c->pages, w->pages.items[i]);
  if (w->pages.len && (!c->detail[0] || (c->pages.len && w->pages.items[0] < c->pages.items[0])))
    memcpy(c->detail, w->detail, sizeof c->detail);
  if (c->pages.len) qsort(c->pages.items, c->pages.len, sizeof(int), by_number);
  free(w->pages.items);
}

/* Waits for the worker and takes what it found into r. */
static void join_worker(worker *w, page_results *r) {
  if (!w->running) return;
  pthread_join(w->thread, NULL);
  w->running = false;
  merge(&r->safe, &w->r.safe);
  merge(&r->images, &w->r.images);
  merge(&r->bleed, &w->r.bleed);
  if (w->r.lowest < r->lowest) r->lowest = w->r.lowest;
  if (r->images.pages.len) /* the lowest of all pages, whichever reader saw it */
    snprintf(r->images.detail, sizeof r->images.detail,
             "images below %.0f ppi at placed size (%.0f ppi)", MIN_PPI, r->lowest);
}

static void check_boxes_and_fonts(const page_boxes *boxes, int npages, check *marks, check *fonts) {
  for (int i = 0; i < npages; i++) {
    if (!boxes[i].has_trim || !boxes[i].has_bleed) {
      fail_page(marks, i + 1);
      snprintf(marks->detail, sizeof marks->detail, "no TrimBox or BleedBox");
    }
    if (boxes[i].missing_font[0]) {
      fail_page(fonts, i + 1);
      snprintf(fonts->detail, sizeof fonts->detail, "font %s is not embedded",
               boxes[i].missing_font);
    }
  }
}

/* Reports every check, the file's (boxes, fonts, page count) and the pages' (r), and frees
 * what they found. True when all pass. */
static bool report_all(const char *path, FILE *out, const page_boxes *boxes, int npages, int nfonts,
                       page_results *r, mb_diags *diags) {
  check fonts = {"fonts", {0}, "", false}, pages = {"pages", {0}, "", true},
        marks = {"boxes", {0}, "", false};
  check_boxes_and_fonts(boxes, npages, &marks, &fonts);
  if (npages % 4) {
    fail_page(&pages, npages);
    snprintf(pages.detail, sizeof pages.detail, "%d, not a multiple of 4", npages);
  }
  char note[64];
  snprintf(note, sizeof note, "all %d fonts embedded", nfonts);
  report(out, path, &fonts, note);
  report(out, path, &marks, "TrimBox and BleedBox on every page");
  report(out, path, &r->safe, "no text or image closer than 5 mm to the trim");
  report(out, path, &r->images, "raster images at 300 ppi or more");
  snprintf(note, sizeof note, "%d, a multiple of 4", npages);
  report(out, path, &pages, note);
  report(out, path, &r->bleed, "colour at the trim edge reaches the bleed edge");
  check *all[] = {&fonts, &marks, &r->safe, &r->images, &pages, &r->bleed};
  bool ok = true;
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    ok &= all[i]->pages.len == 0;
    free(all[i]->pages.items);
  }
  if (!ok) mb_error(diags, mb_pos_file(path), "preflight failed: the PDF is not ready for print");
  return ok;
}

bool mb_preflight_load(mb_diags *diags) {
  return MB_DL_LOAD(pp, POPPLER_FUNCS, MB_POPPLER_SONAME, "preflight", diags) &&
         mb_pdf_libs_load(diags);
}

bool mb_preflight(const char *path, FILE *out, mb_diags *diags) {
  if (!mb_preflight_load(diags)) return false;
  int npages = 0, nfonts = 0;
  GBytes *bytes = NULL;
  page_boxes *boxes = read_boxes(path, &npages, &nfonts, &bytes, diags);
  page_queue q;
  queue_init(&q, boxes);
  worker w = {0};
  if (boxes && bytes && npages > 2) start_worker(&w, bytes, &q, NULL);
  PopplerDocument *doc = boxes ? open_doc(path, bytes, diags) : NULL;
  page_results r;
  results_init(&r);
  bool ok = false;
  if (doc) {
    if (npages > pp.poppler_document_get_n_pages(doc))
      npages = pp.poppler_document_get_n_pages(doc);
    check_first(doc, &q, boxes, npages, &r);
    join_worker(&w, &r);
    ok = report_all(path, out, boxes, npages, nfonts, &r, diags);
    g_object_unref(doc);
  } else {
    queue_open(&q, boxes, 0);
    join_worker(&w, &r);
    results_free(&r);
  }
  queue_free(&q);
  if (bytes) g_bytes_unref(bytes);
  free(boxes);
  return ok;
}

/* ---- a print render's preflight, beside its post-processing ---- */

struct mb_preflight_run {
  GBytes *drawn;
  page_queue queue;
  worker first;
};

/* Frees a run whose reader is joined (or never started). */
static void run_free(mb_preflight_run *run) {
  queue_free(&run->queue);
  free(run->first.boxes);
  g_bytes_unref(run->drawn);
  free(run);
}

mb_preflight_run *mb_preflight_start(const unsigned char *pdf, size_t len,
                                     const mb_pdf_print *geometry) {
  mb_diags *ignored = mb_diags_new(); /* mb_preflight_end reports, or mb_preflight does */
  bool loaded = mb_preflight_load(ignored);
  mb_diags_free(ignored);
  if (!loaded || !pdf || !len) return NULL;
  void *copy = g_try_malloc(len); /* short of memory: the file is checked instead */
  if (!copy) return NULL;
  memcpy(copy, pdf, len);
  mb_preflight_run *run = mb_xcalloc(1, sizeof(mb_preflight_run));
  run->drawn = g_bytes_new_take(copy, len);
  queue_init(&run->queue, NULL);
  start_worker(&run->first, run->drawn, &run->queue, geometry);
  if (run->first.running) return run;
  run_free(run);
  return NULL;
}

void mb_preflight_abandon(mb_preflight_run *run) {
  if (!run) return;
  queue_stop(&run->queue);
  page_results r;
  results_init(&r);
  join_worker(&run->first, &r);
  results_free(&r);
  run_free(run);
}

static bool same_box(box a, box b) {
  const double eps = 0.01; /* the post-processing writes three decimals */
  return fabs(a.x0 - b.x0) < eps && fabs(a.y0 - b.y0) < eps && fabs(a.x1 - b.x1) < eps &&
         fabs(a.y1 - b.y1) < eps;
}

/* The pages were checked with the boxes the file has. */
static bool same_boxes(const page_boxes *drawn, const page_boxes *file, int npages) {
  for (int i = 0; i < npages; i++)
    if (!file[i].has_trim || !file[i].has_bleed || !same_box(drawn[i].media, file[i].media) ||
        !same_box(drawn[i].trim, file[i].trim) || !same_box(drawn[i].bleed, file[i].bleed))
      return false;
  return true;
}

bool mb_preflight_end(mb_preflight_run *run, const char *path, FILE *out, mb_diags *diags) {
  int npages = 0, nfonts = 0;
  page_boxes *boxes = read_boxes(path, &npages, &nfonts, NULL, diags);
  if (!boxes) {
    mb_preflight_abandon(run);
    return false;
  }
  int drawn = queue_wait(&run->queue);
  if (drawn != npages || !same_boxes(run->first.boxes, boxes, npages)) {
    /* Not what was drawn (or the drawn PDF could not be read): check the file itself. */
    free(boxes);
    mb_preflight_abandon(run);
    return mb_preflight(path, out, diags);
  }
  page_results r;
  results_init(&r);
  PopplerDocument *doc = pp.poppler_document_new_from_bytes(run->drawn, NULL, NULL);
  if (doc) check_queued(doc, &run->queue, &r);
  join_worker(&run->first, &r);
  if (doc) g_object_unref(doc);
  bool ok = report_all(path, out, boxes, npages, nfonts, &r, diags);
  free(boxes);
  run_free(run);
  return ok;
}
