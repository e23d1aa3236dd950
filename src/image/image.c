#include "image_cairo.h"
#include "image.h"

#include "util/dl.h"
#include "util/file.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <librsvg/rsvg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_IMAGE_FILE = 64 * 1024 * 1024 };

/* librsvg and gdk-pixbuf, loaded when the first image of their kind is read (util/dl.h). */
#define SVG_FUNCS(X)                                                                               \
  X(rsvg_handle_get_geometry_for_layer)                                                            \
  X(rsvg_handle_get_intrinsic_size_in_pixels)                                                      \
  X(rsvg_handle_new_from_file)                                                                     \
  X(rsvg_handle_render_document)
#define PIXBUF_FUNCS(X)                                                                            \
  X(gdk_pixbuf_get_file_info)                                                                      \
  X(gdk_pixbuf_get_has_alpha)                                                                      \
  X(gdk_pixbuf_get_height)                                                                         \
  X(gdk_pixbuf_get_n_channels)                                                                     \
  X(gdk_pixbuf_get_rowstride)                                                                      \
  X(gdk_pixbuf_get_width)                                                                          \
  X(gdk_pixbuf_new_from_file)                                                                      \
  X(gdk_pixbuf_read_pixels)                                                                        \
  X(gdk_pixbuf_save_to_buffer)                                                                     \
  X(gdk_pixbuf_scale_simple)
static struct { SVG_FUNCS(MB_DL_FIELD) } svg;
static struct { PIXBUF_FUNCS(MB_DL_FIELD) } pixbuf;

/* The library that reads images of format f. */
static bool load_library(mb_image_format f, mb_diags *diags) {
  if (f == MB_IMAGE_SVG) return MB_DL_LOAD(svg, SVG_FUNCS, MB_RSVG_SONAME, "SVG images", diags);
  return MB_DL_LOAD(pixbuf, PIXBUF_FUNCS, MB_PIXBUF_SONAME, "PNG and JPEG images", diags);
}

mb_image_format mb_image_sniff(const unsigned char *b, size_t len) {
  if (len >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return MB_IMAGE_PNG;
  if (len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return MB_IMAGE_JPEG;
  size_t i = 0;
  if (len >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) i = 3;
  while (i < len && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) i++;
  if (i < len && b[i] == '<') {
    size_t n = len - i < 4096 ? len - i : 4096;
    for (size_t k = i; k + 4 <= i + n; k++)
      if (memcmp(b + k, "<svg", 4) == 0) return MB_IMAGE_SVG;
  }
  return MB_IMAGE_UNKNOWN;
}

static const char *format_name(mb_image_format f) {
  switch (f) {
  case MB_IMAGE_PNG: return "PNG";
  case MB_IMAGE_JPEG: return "JPEG";
  case MB_IMAGE_SVG: return "SVG";
  default: return "unknown";
  }
}

static bool probe_svg(mb_block *b, mb_diags *diags) {
  GError *err = NULL;
  RsvgHandle *h = svg.rsvg_handle_new_from_file(b->u.image.path, &err);
  if (!h) {
    mb_error(diags, b->pos, "cannot read SVG image '%s': %s", b->u.image.src,
             err ? err->message : "unknown error");
    g_clear_error(&err);
    return false;
  }
  double w = 0, hgt = 0;
  if (!svg.rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hgt) || w <= 0 || hgt <= 0) {
    RsvgRectangle ink, logical;
    if (svg.rsvg_handle_get_geometry_for_layer(h, NULL, &(RsvgRectangle){0, 0, 100, 100}, &ink,
                                               &logical, NULL)) {
      w = logical.width, hgt = logical.height;
    }
  }
  g_object_unref(h);
  if (w <= 0 || hgt <= 0) {
    mb_error(diags, b->pos, "SVG image '%s' has no size (give it width and height or a viewBox)",
             b->u.image.src);
    return false;
  }
  b->u.image.width = w * 0.75; /* CSS pixels to points */
  b->u.image.height = hgt * 0.75;
  return true;
}

static bool probe_raster(mb_block *b, mb_diags *diags) {
  int w = 0, h = 0;
  if (!pixbuf.gdk_pixbuf_get_file_info(b->u.image.path, &w, &h) || w <= 0 || h <= 0) {
    mb_error(diags, b->pos, "cannot read the size of image '%s'", b->u.image.src);
    return false;
  }
  if (w > MB_IMAGE_MAX_SIDE || h > MB_IMAGE_MAX_SIDE || (long long)w * h > MB_IMAGE_MAX_PIXELS) {
    mb_error(diags, b->pos,
             "image '%s' is %d x %d pixels, above the limit of %d pixels a side and %d "
             "megapixels",
             b->u.image.src, w, h, MB_IMAGE_MAX_SIDE, MB_IMAGE_MAX_PIXELS / 1000000);
    return false;
  }
  b->u.image.pixel_width = w;
  b->u.image.pixel_height = h;
  b->u.image.width = w * 0.75; /* at 96 ppi until placed */
  b->u.image.height = h * 0.75;
  return true;
}

static bool probe_one(mb_block *b, mb_diags *diags) {
  FILE *fp = fopen(b->u.image.path, "rb");
  if (!fp) {
    mb_io_error(diags, b->pos, "cannot open image '%s' (looked for %s)", b->u.image.src,
                b->u.image.path);
    return false;
  }
  unsigned char head[4096];
  size_t n = fread(head, 1, sizeof head, fp);
  fclose(fp);
  mb_image_format f = mb_image_sniff(head, n);
  if (f == MB_IMAGE_UNKNOWN) {
    mb_error(diags, b->pos, "unsupported image format in '%s': use PNG, JPEG or SVG",
             b->u.image.src);
    return false;
  }
  if (b->u.image.format != MB_IMAGE_UNKNOWN && b->u.image.format != f)
    mb_warning(diags, b->pos, "image '%s' is %s despite its name", b->u.image.src, format_name(f));
  b->u.image.format = f;
  if (!load_library(f, diags)) return false;
  return f == MB_IMAGE_SVG ? probe_svg(b, diags) : probe_raster(b, diags);
}

typedef struct probe_state {
  mb_diags *diags;
  char *root; /* real path of the content folder; NULL: anywhere */
  bool ok;
} probe_state;

/* Is path (which exists) inside the folder root? Symbolic links are followed first. */
static bool inside(const char *root, const char *path) {
  char *real = realpath(path, NULL);
  if (!real) return false;
  size_t n = strlen(root);
  bool in = strncmp(real, root, n) == 0 && (real[n] == '/' || strcmp(root, "/") == 0);
  free(real);
  return in;
}

static void probe_block(mb_block *b, int depth, void *data) {
  (void)depth;
  probe_state *st = data;
  if (b->kind != MB_BLOCK_IMAGE) return;
  if (st->root && access(b->u.image.path, F_OK) == 0 && !inside(st->root, b->u.image.path)) {
    mb_error(st->diags, b->pos,
             "image '%s' is outside the content folder; use --allow-outside to allow it",
             b->u.image.src);
    st->ok = false;
    return;
  }
  if (!probe_one(b, st->diags)) st->ok = false;
}

bool mb_image_probe(mb_doc *doc, const char *content_path, bool allow_outside, mb_diags *diags) {
  probe_state st = {diags, NULL, true};
  if (!allow_outside && content_path) {
    char *dir = mb_is_dir(content_path) ? strdup(content_path) : mb_path_dir(content_path);
    st.root = realpath(dir, NULL);
    free(dir);
  }
  mb_doc_walk(doc, probe_block, &st);
  free(st.root);
  return st.ok;
}

/* ---- drawing ---- */

static cairo_surface_t *pixbuf_surface(GdkPixbuf *pb) {
  int w = pixbuf.gdk_pixbuf_get_width(pb), h = pixbuf.gdk_pixbuf_get_height(pb);
  int n = pixbuf.gdk_pixbuf_get_n_channels(pb), stride = pixbuf.gdk_pixbuf_get_rowstride(pb);
  bool alpha = pixbuf.gdk_pixbuf_get_has_alpha(pb);
  const guchar *src = pixbuf.gdk_pixbuf_read_pixels(pb);
  cairo_surface_t *s =
      cairo_image_surface_create(alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, w, h);
  unsigned char *dst = cairo_image_surface_get_data(s);
  int dstride = cairo_image_surface_get_stride(s);
  cairo_surface_flush(s);
  for (int y = 0; y < h; y++) {
    const guchar *p = src + (size_t)y * (size_t)stride;
    uint32_t *q = (uint32_t *)(void *)(dst + (size_t)y * (size_t)dstride);
    for (int x = 0; x < w; x++, p += n) {
      uint32_t a = alpha ? p[3] : 255;
      uint32_t r = p[0] * a / 255, g = p[1] * a / 255, b = p[2] * a / 255;
      q[x] = a << 24 | r << 16 | g << 8 | b;
    }
  }
  cairo_surface_mark_dirty(s);
  return s;
}

/* Attaches JPEG bytes to a surface so that PDF output embeds them instead of the pixels. */
static void attach_jpeg(cairo_surface_t *s, unsigned char *bytes, size_t len) {
  cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, bytes, len, free, bytes);
}

/* The pixbuf scaled down to at most max_px wide, or a new reference to it when it is not
 * larger. */
static GdkPixbuf *downsample(GdkPixbuf *pb, double max_px) {
  int w = pixbuf.gdk_pixbuf_get_width(pb), h = pixbuf.gdk_pixbuf_get_height(pb);
  if (max_px <= 0 || w <= max_px * 1.05) return g_object_ref(pb);
  int nw = (int)(max_px + 0.5), nh = (int)((double)h * nw / w + 0.5);
  return pixbuf.gdk_pixbuf_scale_simple(pb, nw > 0 ? nw : 1, nh > 0 ? nh : 1, GDK_INTERP_HYPER);
}

static cairo_surface_t *load_raster(const char *path, mb_image_format format, double max_px,
                                    mb_diags *diags) {
  GError *err = NULL;
  GdkPixbuf *pb = pixbuf.gdk_pixbuf_new_from_file(path, &err);
  if (!pb) {
    mb_error(diags, mb_pos_file(path), "cannot decode image: %s", err ? err->message : "error");
    g_clear_error(&err);
    return NULL;
  }
  GdkPixbuf *small = downsample(pb, max_px);
  bool scaled = small != pb;
  cairo_surface_t *s = pixbuf_surface(small);
  if (format == MB_IMAGE_JPEG && !scaled) {
    size_t len;
    char *bytes = mb_read_file(path, MAX_IMAGE_FILE, &len, diags, mb_pos_file(path));
    if (bytes) attach_jpeg(s, (unsigned char *)bytes, len);
  } else if (format == MB_IMAGE_JPEG) {
    gchar *buf = NULL;
    gsize len = 0;
    if (pixbuf.gdk_pixbuf_save_to_buffer(small, &buf, &len, "jpeg", NULL, "quality", "85", NULL))
      attach_jpeg(s, (unsigned char *)mb_xstrndup(buf, len), len);
    g_free(buf);
  }
  g_object_unref(small);
  g_object_unref(pb);
  return s;
}

static bool draw_svg(cairo_t *cr, const char *path, double x, double y, double w, double h,
                     mb_diags *diags) {
  GError *err = NULL;
  RsvgHandle *handle = svg.rsvg_handle_new_from_file(path, &err);
  if (!handle) {
    mb_error(diags, mb_pos_file(path), "cannot read SVG: %s", err ? err->message : "error");
    g_clear_error(&err);
    return false;
  }
  RsvgRectangle viewport = {x, y, w, h};
  bool ok = svg.rsvg_handle_render_document(handle, cr, &viewport, &err);
  if (!ok) {
    mb_error(diags, mb_pos_file(path), "cannot draw SVG: %s", err ? err->message : "error");
    g_clear_error(&err);
  }
  g_object_unref(handle);
  return ok;
}

bool mb_image_draw(cairo_t *cr, const char *path, mb_image_format format, double x, double y,
                   double w, double h, double max_ppi, mb_diags *diags) {
  if (!load_library(format, diags)) return false;
  if (format == MB_IMAGE_SVG) return draw_svg(cr, path, x, y, w, h, diags);
  cairo_surface_t *s = load_raster(path, format, max_ppi > 0 ? w / 72.0 * max_ppi : 0, diags);
  if (!s) return false;
  int pw = cairo_image_surface_get_width(s), ph = cairo_image_surface_get_height(s);
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_scale(cr, w / pw, h / ph);
  cairo_set_source_surface(cr, s, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(s);
  return true;
}
