/* cairo devices: PDF (one surface, a page per book page) and PNG (an image surface per page).
 * Glyph runs go through cairo_show_text_glyphs with their cluster map, so the PDF maps every
 * glyph back to the characters it shows (Devanagari copies and searches correctly). */
#include "device.h"

#include "image/image_cairo.h"
#include "text/fonts_cairo.h"
#include "util/file.h"
#include "util/mem.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct cairo_device {
  mb_device base;
  mb_fonts *fonts;
  mb_diags *diags;
  cairo_surface_t *surface;
  cairo_t *cr;
  FILE *out;
  bool write_failed;
  mb_pdf_info info;
  char *dir;
  double dpi;
  bool ok;
} cairo_device;

static double pt(mb_len v) {
  return mb_len_pt(v);
}

static void set_color(cairo_t *cr, mb_color c) {
  cairo_set_source_rgba(cr, ((c >> 24) & 0xFF) / 255.0, ((c >> 16) & 0xFF) / 255.0,
                        ((c >> 8) & 0xFF) / 255.0, (c & 0xFF) / 255.0);
}

/* ---- glyph runs ---- */

static bool drawn(uint32_t id) {
  return id != MB_GLYPH_EMPTY && !(id & MB_GLYPH_UNKNOWN);
}

/* cairo glyphs (drawable ones) and the clusters that map them to the run's text. */
static void run_clusters(const mb_glyph_run *r, double x, double y, cairo_glyph_t *glyphs,
                         int *nglyphs, cairo_text_cluster_t *clusters, int *nclusters) {
  int ng = 0, nc = 0;
  double pen = x;
  for (uint32_t i = 0; i < r->nglyphs;) {
    uint32_t start = i == 0 ? 0 : r->glyphs[i].cluster;
    uint32_t k = i;
    int count = 0;
    while (k < r->nglyphs && (k == i || r->glyphs[k].cluster == r->glyphs[i].cluster)) {
      const mb_glyph *g = &r->glyphs[k];
      if (drawn(g->id)) {
        glyphs[ng].index = g->id;
        glyphs[ng].x = pen + pt(g->x_offset);
        glyphs[ng].y = y + pt(g->y_offset);
        ng++;
        count++;
      }
      pen += pt(g->x_advance);
      k++;
    }
    uint32_t end = k < r->nglyphs ? r->glyphs[k].cluster : r->text_len;
    if (end < start) end = start; /* not monotonic: keep the text in order */
    if (count || end > start) {
      clusters[nc].num_bytes = (int)(end - start);
      clusters[nc].num_glyphs = count;
      nc++;
    }
    i = k;
  }
  /* Text after the last cluster (should not happen) joins it. */
  int bytes = 0;
  for (int c = 0; c < nc; c++) bytes += clusters[c].num_bytes;
  if (nc && bytes < (int)r->text_len) clusters[nc - 1].num_bytes += (int)r->text_len - bytes;
  *nglyphs = ng;
  *nclusters = nc;
}

static void draw_glyphs(cairo_device *d, cairo_t *cr, const mb_box *b) {
  const mb_glyph_run *r = &b->u.glyphs.run;
  cairo_scaled_font_t *font = mb_fonts_scaled(d->fonts, r->font);
  if (!font || r->nglyphs == 0) return;
  cairo_glyph_t *glyphs = mb_xcalloc(r->nglyphs, sizeof(cairo_glyph_t));
  cairo_text_cluster_t *clusters = mb_xcalloc(r->nglyphs + 1, sizeof(cairo_text_cluster_t));
  int ng, nc;
  run_clusters(r, pt(b->x), pt(b->u.glyphs.baseline), glyphs, &ng, clusters, &nc);
  cairo_set_scaled_font(cr, font);
  set_color(cr, r->color);
  if (nc)
    cairo_show_text_glyphs(cr, r->text, (int)r->text_len, glyphs, ng, clusters, nc, 0);
  else if (ng)
    cairo_show_glyphs(cr, glyphs, ng);
  free(glyphs);
  free(clusters);
}

/* ---- other boxes ---- */

static void draw_box(cairo_device *d, cairo_t *cr, const mb_box *b) {
  switch (b->kind) {
  case MB_BOX_GLYPHS: draw_glyphs(d, cr, b); break;
  case MB_BOX_FILL:
    set_color(cr, b->u.fill);
    cairo_rectangle(cr, pt(b->x), pt(b->y), pt(b->w), pt(b->h));
    cairo_fill(cr);
    break;
  case MB_BOX_RULE:
    set_color(cr, b->u.rule.color);
    cairo_set_line_width(cr, pt(b->u.rule.weight));
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_move_to(cr, pt(b->x), pt(b->y));
    cairo_line_to(cr, pt(b->x + b->w), pt(b->y + b->h));
    cairo_stroke(cr);
    break;
  case MB_BOX_IMAGE:
    if (!mb_image_draw(cr, b->u.image.path, b->u.image.format, pt(b->x), pt(b->y), pt(b->w),
                       pt(b->h), d->diags))
      d->ok = false;
    break;
  case MB_BOX_LINK: break;
  }
}

static void cairo_box(mb_device *dev, const mb_page *page, const mb_box *b) {
  (void)page;
  cairo_device *d = (cairo_device *)dev;
  draw_box(d, d->cr, b);
}

static void set_font_options(cairo_device *d) {
  cairo_font_options_t *o = cairo_font_options_copy(mb_fonts_options(d->fonts));
  cairo_set_font_options(d->cr, o);
  cairo_font_options_destroy(o);
}

/* ---- PDF ---- */

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len) {
  cairo_device *d = closure;
  if (fwrite(data, 1, len, d->out) != len) {
    d->write_failed = true;
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return CAIRO_STATUS_SUCCESS;
}

static void set_metadata(cairo_device *d) {
  const mb_pdf_info *i = &d->info;
  struct {
    cairo_pdf_metadata_t key;
    const char *value;
  } items[] = {{CAIRO_PDF_METADATA_TITLE, i->title},     {CAIRO_PDF_METADATA_AUTHOR, i->author},
               {CAIRO_PDF_METADATA_SUBJECT, i->subject}, {CAIRO_PDF_METADATA_KEYWORDS, i->keywords},
               {CAIRO_PDF_METADATA_CREATOR, i->creator}, {CAIRO_PDF_METADATA_CREATE_DATE, i->date},
               {CAIRO_PDF_METADATA_MOD_DATE, i->date}};
  for (size_t k = 0; k < sizeof items / sizeof items[0]; k++)
    if (items[k].value) cairo_pdf_surface_set_metadata(d->surface, items[k].key, items[k].value);
}

static void pdf_begin(mb_device *dev, const mb_page *page) {
  cairo_device *d = (cairo_device *)dev;
  double w = pt(page->width), h = pt(page->height);
  if (!d->surface) {
    d->surface = cairo_pdf_surface_create_for_stream(write_out, d, w, h);
    set_metadata(d);
    d->cr = cairo_create(d->surface);
    set_font_options(d);
  } else {
    cairo_pdf_surface_set_size(d->surface, w, h);
  }
}

static void pdf_end(mb_device *dev, const mb_page *page) {
  (void)page;
  cairo_device *d = (cairo_device *)dev;
  cairo_show_page(d->cr);
}

static bool pdf_close(mb_device *dev) {
  cairo_device *d = (cairo_device *)dev;
  if (!d->surface) {
    mb_error(d->diags, mb_pos_file(NULL), "the document has no pages");
    return false;
  }
  cairo_destroy(d->cr);
  d->cr = NULL;
  cairo_surface_finish(d->surface);
  cairo_status_t st = cairo_surface_status(d->surface);
  if (st != CAIRO_STATUS_SUCCESS || d->write_failed) {
    mb_io_error(d->diags, mb_pos_file(NULL), "cannot write the PDF: %s",
                d->write_failed ? strerror(errno) : cairo_status_to_string(st));
    return false;
  }
  return d->ok;
}

static void cairo_free(mb_device *dev) {
  cairo_device *d = (cairo_device *)dev;
  if (d->cr) cairo_destroy(d->cr);
  if (d->surface) cairo_surface_destroy(d->surface);
  free(d->dir);
  free(d);
}

mb_device *mb_pdf_device_new(FILE *out, mb_fonts *fonts, const mb_pdf_info *info, mb_diags *diags) {
  cairo_device *d = mb_xcalloc(1, sizeof(cairo_device));
  d->base = (mb_device){pdf_begin, cairo_box, pdf_end, pdf_close, cairo_free};
  d->fonts = fonts;
  d->diags = diags;
  d->out = out;
  d->info = *info;
  d->ok = true;
  return &d->base;
}

/* ---- PNG ---- */

static void png_begin(mb_device *dev, const mb_page *page) {
  cairo_device *d = (cairo_device *)dev;
  double scale = d->dpi / 72.0;
  int w = (int)(pt(page->width) * scale + 0.5), h = (int)(pt(page->height) * scale + 0.5);
  d->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  d->cr = cairo_create(d->surface);
  cairo_set_source_rgb(d->cr, 1, 1, 1);
  cairo_paint(d->cr);
  cairo_scale(d->cr, scale, scale);
  set_font_options(d);
}

static void png_end(mb_device *dev, const mb_page *page) {
  cairo_device *d = (cairo_device *)dev;
  char name[32];
  snprintf(name, sizeof name, "page-%03d.png", page->number);
  char *path = mb_path_join(d->dir, name);
  cairo_destroy(d->cr);
  d->cr = NULL;
  cairo_status_t st = cairo_surface_write_to_png(d->surface, path);
  if (st != CAIRO_STATUS_SUCCESS) {
    mb_io_error(d->diags, mb_pos_file(path), "cannot write PNG: %s", cairo_status_to_string(st));
    d->ok = false;
  }
  cairo_surface_destroy(d->surface);
  d->surface = NULL;
  free(path);
}

static bool png_close(mb_device *dev) {
  return ((cairo_device *)dev)->ok;
}

mb_device *mb_png_device_new(const char *dir, double dpi, mb_fonts *fonts, mb_diags *diags) {
  cairo_device *d = mb_xcalloc(1, sizeof(cairo_device));
  d->base = (mb_device){png_begin, cairo_box, png_end, png_close, cairo_free};
  d->fonts = fonts;
  d->diags = diags;
  d->dir = mb_xstrdup(dir);
  d->dpi = dpi;
  d->ok = true;
  return &d->base;
}
