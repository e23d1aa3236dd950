/* cairo devices: PDF (one surface, a page per book page) and PNG (an image surface per page).
 * Glyph runs go through cairo_show_text_glyphs with their cluster map, so the PDF maps every
 * glyph back to the characters it shows (Devanagari copies and searches correctly). */
#include "device.h"

#include "image/image_cairo.h"
#include "tags.h"
#include "text/fonts_cairo.h"
#include "util/file.h"
#include "util/mem.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
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
  mb_pdf_options opt;
  const mb_doc *doc;                  /* PDF only */
  mb_tagger *tagger;                  /* PDF only: made with the first page (tagger_of) */
  PangoContext *slug_context;         /* print: the slug line's, made on first use */
  int page;                           /* the number of the page being drawn */
  MB_VEC(cairo_font_face_t *) spaced; /* PDF: faces whose word space is settled (below) */
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

/* ---- word spaces of non-Latin text ----
 *
 * cairo 1.16 puts the glyphs of a font that show WinAnsi characters (the space, digits,
 * Latin letters) in a subset of their own, so Devanagari text switched fonts at every word
 * space: two font selections and two text strings a space, 13,000 in the brochure. Only the
 * first glyph that shows a given character goes there. So the first word space drawn in a
 * face that sets non-Latin text is drawn with the face's no-break space (the same blank,
 * still read as a space): it takes that place, and every later space of the face joins the
 * letters around it. Nothing drawn changes; a face without a glyph of its own for U+00A0 is
 * left as it was. */

static bool latin_text(const mb_glyph_run *r) {
  for (const char *c = r->text; c < r->text + r->text_len; c = g_utf8_next_char(c)) {
    gunichar u = g_utf8_get_char(c);
    if (g_unichar_isalpha(u)) return g_unichar_get_script(u) == G_UNICODE_SCRIPT_LATIN;
  }
  return true;
}

/* The index in glyphs of the run's first word space, or -1. */
static int first_space(const mb_glyph_run *r, const cairo_text_cluster_t *clusters, int nc) {
  for (int c = 0, byte = 0, glyph = 0; c < nc; c++) {
    if (clusters[c].num_bytes == 1 && clusters[c].num_glyphs == 1 && r->text[byte] == ' ')
      return glyph;
    byte += clusters[c].num_bytes;
    glyph += clusters[c].num_glyphs;
  }
  return -1;
}

static unsigned long no_break_space(cairo_scaled_font_t *font) {
  cairo_glyph_t *g = NULL;
  int n = 0;
  unsigned long id = 0;
  if (cairo_scaled_font_text_to_glyphs(font, 0, 0, "\xC2\xA0", 2, &g, &n, NULL, NULL, NULL) ==
          CAIRO_STATUS_SUCCESS &&
      n == 1)
    id = g[0].index;
  cairo_glyph_free(g);
  return id;
}

static void settle_space(cairo_device *d, cairo_scaled_font_t *font, const mb_glyph_run *r,
                         cairo_glyph_t *glyphs, const cairo_text_cluster_t *clusters, int nc) {
  cairo_font_face_t *face = cairo_scaled_font_get_font_face(font);
  for (size_t i = 0; i < d->spaced.len; i++)
    if (d->spaced.items[i] == face) return;
  int at = latin_text(r) ? -1 : first_space(r, clusters, nc);
  if (at < 0) return;
  mb_vec_push(&d->spaced, face);
  unsigned long blank = no_break_space(font);
  if (blank) glyphs[at].index = blank;
}

static void draw_glyphs(cairo_device *d, cairo_t *cr, const mb_box *b) {
  const mb_glyph_run *r = &b->u.glyphs.run;
  cairo_scaled_font_t *font = mb_fonts_scaled(d->fonts, r->font);
  if (!font || r->nglyphs == 0) return;
  cairo_glyph_t *glyphs = mb_xcalloc(r->nglyphs, sizeof(cairo_glyph_t));
  cairo_text_cluster_t *clusters = mb_xcalloc(r->nglyphs + 1, sizeof(cairo_text_cluster_t));
  int ng, nc;
  run_clusters(r, pt(b->x), pt(b->u.glyphs.baseline), glyphs, &ng, clusters, &nc);
  if (d->doc) settle_space(d, font, r, glyphs, clusters, nc); /* PDF only */
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
                       pt(b->h), d->opt.max_ppi, d->diags))
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

/* ---- links ---- */

/* A cairo attribute string value: single quotes and backslashes escaped. */
static void quote_attr(char *out, size_t size, const char *s) {
  size_t o = 0;
  for (; *s && o + 3 < size; s++) {
    if (*s == '\'' || *s == '\\') out[o++] = '\\';
    out[o++] = *s;
  }
  out[o] = '\0';
}

static void draw_link(cairo_device *d, const mb_box *b) {
  char attrs[2300], uri[2048];
  int n = snprintf(attrs, sizeof attrs, "rect=[%.3f %.3f %.3f %.3f] ", pt(b->x), pt(b->y), pt(b->w),
                   pt(b->h));
  const mb_dest *dest = mb_tagger_find(d->tagger, b->u.href);
  if (dest && dest->page) {
    snprintf(attrs + n, sizeof attrs - (size_t)n, "page=%d pos=[%.3f %.3f]", dest->page, dest->x,
             dest->y);
  } else if (dest) { /* on a later page, not laid out yet: the post-pass sets the destination */
    snprintf(attrs + n, sizeof attrs - (size_t)n, "page=%d pos=[0 0]", d->page + 1);
  } else if (b->u.href[0] == '#') {
    return; /* no such heading: reported when the book was checked */
  } else {
    quote_attr(uri, sizeof uri, b->u.href);
    snprintf(attrs + n, sizeof attrs - (size_t)n, "uri='%s'", uri);
  }
  mb_tagger_link(d->tagger, d->cr, attrs, dest);
}

/* Boxes of the page outside any block first (backgrounds, folios, running heads: not part of
 * the structure), then the content in reading order, each block inside its tags. */
static void pdf_draw_page(cairo_device *d, const mb_page *page) {
  for (size_t i = 0; i < page->nboxes; i++)
    if (page->boxes[i].block < 0) draw_box(d, d->cr, &page->boxes[i]);
  for (size_t i = 0; i < page->nboxes; i++) {
    const mb_box *b = &page->boxes[i];
    if (b->block < 0) continue;
    mb_tagger_enter(d->tagger, d->cr, b->block);
    if (b->kind == MB_BOX_LINK) {
      if (!d->opt.print) draw_link(d, b);
    } else {
      draw_box(d, d->cr, b);
    }
  }
  mb_tagger_enter(d->tagger, d->cr, -1);
}

static void pdf_box(mb_device *dev, const mb_page *page, const mb_box *b) {
  (void)dev, (void)page, (void)b; /* drawn a page at a time, in pdf_end */
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
  const mb_pdf_info *i = &d->opt.info;
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

/* The structure of the document, made when first needed: with the first page, on the
 * drawing thread when pages are drawn beside the layout. */
static mb_tagger *tagger_of(cairo_device *d) {
  if (!d->tagger) d->tagger = mb_tagger_new(d->doc);
  return d->tagger;
}

static void pdf_begin(mb_device *dev, const mb_page *page) {
  cairo_device *d = (cairo_device *)dev;
  tagger_of(d);
  double margin = d->opt.print ? pt(d->opt.media_margin) : 0;
  double w = pt(page->width) + 2 * margin, h = pt(page->height) + 2 * margin;
  if (!d->surface) {
    d->surface = cairo_pdf_surface_create_for_stream(write_out, d, w, h);
    set_metadata(d);
    d->cr = cairo_create(d->surface);
    set_font_options(d);
  } else {
    cairo_pdf_surface_set_size(d->surface, w, h);
  }
}

/* The slug line below the bleed: file, page, date. Set through a Pango context of the
 * device's own: pages may be drawn on a thread of their own while layout goes on. */
static void draw_slug(cairo_device *d, const mb_page *page) {
  char text[512];
  snprintf(text, sizeof text, "%s  \xC2\xB7  page %d  \xC2\xB7  %.10s", d->opt.slug, page->number,
           d->opt.info.date ? d->opt.info.date : "");
  if (!d->slug_context) d->slug_context = mb_fonts_context_new(d->fonts);
  PangoLayout *layout = pango_layout_new(d->slug_context);
  PangoFontDescription *desc = pango_font_description_from_string("Noto Sans 6");
  pango_layout_set_font_description(layout, desc);
  pango_layout_set_text(layout, text, -1);
  double margin = pt(d->opt.media_margin), bleed = pt(page->bleed);
  double below = (margin - bleed) / 2; /* halfway between the bleed edge and the media edge */
  cairo_save(d->cr);
  cairo_set_source_rgb(d->cr, 0, 0, 0);
  cairo_move_to(d->cr, margin + 12, margin + pt(page->height) + bleed + below - 4);
  pango_cairo_show_layout(d->cr, layout);
  cairo_restore(d->cr);
  pango_font_description_free(desc);
  g_object_unref(layout);
}

static void pdf_end(mb_device *dev, const mb_page *page) {
  cairo_device *d = (cairo_device *)dev;
  cairo_t *cr = d->cr;
  d->page = page->number;
  mb_tagger_add_page(d->tagger, page);
  if (d->opt.print) {
    double m = pt(d->opt.media_margin), b = pt(page->bleed);
    cairo_save(cr);
    cairo_translate(cr, m, m);
    cairo_rectangle(cr, -b, -b, pt(page->width) + 2 * b, pt(page->height) + 2 * b);
    cairo_clip(cr);
    pdf_draw_page(d, page);
    cairo_restore(cr);
    if (d->opt.slug) draw_slug(d, page);
  } else {
    pdf_draw_page(d, page);
  }
  cairo_show_page(cr);
}

/* Bookmarks from the headings: each level under the last heading of the level above. */
static void add_outline(cairo_device *d) {
  size_t n;
  const mb_dest *const *dests = mb_tagger_dests(d->tagger, &n);
  int parents[7] = {CAIRO_PDF_OUTLINE_ROOT};
  for (int i = 1; i < 7; i++) parents[i] = CAIRO_PDF_OUTLINE_ROOT;
  double margin = d->opt.print ? pt(d->opt.media_margin) : 0;
  for (size_t i = 0; i < n; i++) {
    const mb_dest *h = dests[i];
    int level = h->level < 1 ? 1 : h->level > 6 ? 6 : h->level;
    char link[128];
    snprintf(link, sizeof link, "page=%d pos=[%.3f %.3f]", h->page, h->x + margin, h->y + margin);
    int id = cairo_pdf_surface_add_outline(d->surface, parents[level - 1], h->title ? h->title : "",
                                           link, 0);
    for (int k = level; k < 7; k++) parents[k] = id;
  }
}

static bool pdf_close(mb_device *dev) {
  cairo_device *d = (cairo_device *)dev;
  if (!d->surface) {
    mb_error(d->diags, mb_pos_file(NULL), "the document has no pages");
    return false;
  }
  add_outline(d);
  cairo_status_t cs = cairo_status(d->cr);
  cairo_destroy(d->cr);
  d->cr = NULL;
  cairo_surface_finish(d->surface);
  cairo_status_t st = cs != CAIRO_STATUS_SUCCESS ? cs : cairo_surface_status(d->surface);
  if (st != CAIRO_STATUS_SUCCESS || d->write_failed) {
    mb_io_error(d->diags, mb_pos_file(NULL), "cannot write the PDF: %s",
                d->write_failed ? strerror(errno) : cairo_status_to_string(st));
    return false;
  }
  return d->ok;
}

const mb_struct_attr *mb_pdf_device_struct(mb_device *dev, size_t *n) {
  cairo_device *d = (cairo_device *)dev;
  return mb_tagger_attrs(tagger_of(d), n);
}

const mb_dest *const *mb_pdf_device_links(mb_device *dev, size_t *n) {
  cairo_device *d = (cairo_device *)dev;
  return mb_tagger_internal(tagger_of(d), n);
}

static void cairo_free(mb_device *dev) {
  cairo_device *d = (cairo_device *)dev;
  mb_tagger_free(d->tagger);
  mb_fonts_context_free(d->slug_context);
  free(d->spaced.items);
  if (d->cr) cairo_destroy(d->cr);
  if (d->surface) cairo_surface_destroy(d->surface);
  free(d->dir);
  free(d);
}

mb_device *mb_pdf_device_new(FILE *out, mb_fonts *fonts, const mb_doc *doc,
                             const mb_pdf_options *options, mb_diags *diags) {
  cairo_device *d = mb_xcalloc(1, sizeof(cairo_device));
  d->base = (mb_device){pdf_begin, pdf_box, pdf_end, pdf_close, cairo_free};
  d->fonts = fonts;
  d->diags = diags;
  d->out = out;
  d->opt = *options;
  d->doc = doc;
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
