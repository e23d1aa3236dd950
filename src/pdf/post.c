/* Post-processing with libqpdf's C API. */
#include "libs.h"
#include "pdf.h"

#include "render/tags.h"
#include "util/file.h"
#include "util/mem.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ICC = 4 * 1024 * 1024 };

typedef struct post {
  qpdf_data q;
  const mb_pdf_post *opt;
  mb_diags *diags;
  size_t next_attr; /* structure elements seen so far */
} post;

/* ---- small helpers ---- */

static qpdf_oh name(post *p, const char *n) {
  return mb_qpdf.qpdf_oh_new_name(p->q, n);
}

static qpdf_oh text(post *p, const char *s) {
  return mb_qpdf.qpdf_oh_new_unicode_string(p->q, s);
}

static qpdf_oh rect(post *p, const double v[4]) {
  qpdf_oh a = mb_qpdf.qpdf_oh_new_array(p->q);
  for (int i = 0; i < 4; i++)
    mb_qpdf.qpdf_oh_append_item(p->q, a, mb_qpdf.qpdf_oh_new_real_from_double(p->q, v[i], 3));
  return a;
}

static qpdf_oh new_stream(post *p, const void *data, size_t len, bool compress) {
  qpdf_oh s = mb_qpdf.qpdf_oh_new_stream(p->q);
  qpdf_oh filter = mb_qpdf.qpdf_oh_new_null(p->q);
  mb_qpdf.qpdf_oh_replace_stream_data(p->q, s, data, len, filter, mb_qpdf.qpdf_oh_new_null(p->q));
  (void)compress; /* qpdf compresses streams without a filter when it writes */
  return s;
}

/* ---- catalog and structure ---- */

/* Each structure element, in the order cairo created them (document order), gets the
 * language and alternate text the renderer recorded for it. */
static void struct_attrs(post *p, qpdf_oh k, int depth) {
  if (depth > 64) return;
  qpdf_data q = p->q;
  if (mb_qpdf.qpdf_oh_is_array(q, k)) {
    int n = mb_qpdf.qpdf_oh_get_array_n_items(q, k);
    for (int i = 0; i < n; i++) struct_attrs(p, mb_qpdf.qpdf_oh_get_array_item(q, k, i), depth + 1);
    return;
  }
  if (!mb_qpdf.qpdf_oh_is_dictionary(q, k) || !mb_qpdf.qpdf_oh_has_key(q, k, "/S")) return;
  if (p->next_attr < p->opt->nattrs) {
    const mb_struct_attr *a = &p->opt->attrs[p->next_attr];
    if (a->lang && (!p->opt->meta.lang || strcmp(a->lang, p->opt->meta.lang) != 0))
      mb_qpdf.qpdf_oh_replace_key(q, k, "/Lang", text(p, a->lang));
    if (a->alt && *a->alt) mb_qpdf.qpdf_oh_replace_key(q, k, "/Alt", text(p, a->alt));
  }
  p->next_attr++;
  struct_attrs(p, mb_qpdf.qpdf_oh_get_key(q, k, "/K"), depth + 1);
}

static void catalog(post *p, const char *xmp) {
  qpdf_data q = p->q;
  qpdf_oh root = mb_qpdf.qpdf_get_root(q);
  if (p->opt->meta.lang) mb_qpdf.qpdf_oh_replace_key(q, root, "/Lang", text(p, p->opt->meta.lang));
  qpdf_oh mark = mb_qpdf.qpdf_oh_new_dictionary(q);
  mb_qpdf.qpdf_oh_replace_key(q, mark, "/Marked", mb_qpdf.qpdf_oh_new_bool(q, 1));
  mb_qpdf.qpdf_oh_replace_key(q, root, "/MarkInfo", mark);
  qpdf_oh prefs = mb_qpdf.qpdf_oh_new_dictionary(q);
  mb_qpdf.qpdf_oh_replace_key(q, prefs, "/DisplayDocTitle", mb_qpdf.qpdf_oh_new_bool(q, 1));
  mb_qpdf.qpdf_oh_replace_key(q, root, "/ViewerPreferences", prefs);
  qpdf_oh outlines = mb_qpdf.qpdf_oh_get_key(q, root, "/Outlines");
  if (mb_qpdf.qpdf_oh_is_dictionary(q, outlines) && mb_qpdf.qpdf_oh_has_key(q, outlines, "/First"))
    mb_qpdf.qpdf_oh_replace_key(q, root, "/PageMode", name(p, "/UseOutlines"));
  qpdf_oh st = mb_qpdf.qpdf_oh_get_key(q, root, "/StructTreeRoot");
  if (mb_qpdf.qpdf_oh_is_dictionary(q, st))
    struct_attrs(p, mb_qpdf.qpdf_oh_get_key(q, st, "/K"), 0);
  if (xmp) {
    qpdf_oh meta = new_stream(p, xmp, strlen(xmp), false);
    qpdf_oh dict = mb_qpdf.qpdf_oh_get_dict(q, meta);
    mb_qpdf.qpdf_oh_replace_key(q, dict, "/Type", name(p, "/Metadata"));
    mb_qpdf.qpdf_oh_replace_key(q, dict, "/Subtype", name(p, "/XML"));
    mb_qpdf.qpdf_oh_replace_key(q, root, "/Metadata", mb_qpdf.qpdf_make_indirect_object(q, meta));
  }
}

static void info(post *p, bool print) {
  qpdf_data q = p->q;
  qpdf_oh trailer = mb_qpdf.qpdf_get_trailer(q);
  qpdf_oh info = mb_qpdf.qpdf_oh_get_key(q, trailer, "/Info");
  if (!mb_qpdf.qpdf_oh_is_dictionary(q, info)) {
    info = mb_qpdf.qpdf_make_indirect_object(q, mb_qpdf.qpdf_oh_new_dictionary(q));
    mb_qpdf.qpdf_oh_replace_key(q, trailer, "/Info", info);
  }
  if (p->opt->meta.producer)
    mb_qpdf.qpdf_oh_replace_key(q, info, "/Producer", text(p, p->opt->meta.producer));
  if (!print) return;
  mb_qpdf.qpdf_oh_replace_key(q, info, "/GTS_PDFXVersion", text(p, "PDF/X-4"));
  mb_qpdf.qpdf_oh_replace_key(q, info, "/Trapped", name(p, "/False"));
  if (!mb_qpdf.qpdf_oh_has_key(q, info, "/Title"))
    mb_qpdf.qpdf_oh_replace_key(q, info, "/Title",
                                text(p, p->opt->meta.title ? p->opt->meta.title : "Brochure"));
}

/* ---- links ---- */

static double page_height(post *p, qpdf_oh page) {
  qpdf_oh box = mb_qpdf.qpdf_oh_get_key(p->q, page, "/MediaBox");
  double y0 = 0, y1 = 0;
  mb_qpdf.qpdf_oh_get_value_as_number(p->q, mb_qpdf.qpdf_oh_get_array_item(p->q, box, 1), &y0);
  mb_qpdf.qpdf_oh_get_value_as_number(p->q, mb_qpdf.qpdf_oh_get_array_item(p->q, box, 3), &y1);
  return y1 - y0;
}

static qpdf_oh explicit_dest(post *p, const mb_pdf_target *t) {
  qpdf_data q = p->q;
  qpdf_oh page = mb_qpdf.qpdf_get_page_n(q, (size_t)(t->page - 1));
  qpdf_oh d = mb_qpdf.qpdf_oh_new_array(q);
  mb_qpdf.qpdf_oh_append_item(q, d, page);
  mb_qpdf.qpdf_oh_append_item(q, d, name(p, "/XYZ"));
  mb_qpdf.qpdf_oh_append_item(q, d, mb_qpdf.qpdf_oh_new_real_from_double(q, t->x, 3));
  mb_qpdf.qpdf_oh_append_item(
      q, d, mb_qpdf.qpdf_oh_new_real_from_double(q, page_height(p, page) - t->y, 3));
  mb_qpdf.qpdf_oh_append_item(q, d, mb_qpdf.qpdf_oh_new_integer(q, 0));
  return d;
}

/* Link annotations without an action go to headings: give each its destination, in order. */
static void link_dests(post *p) {
  qpdf_data q = p->q;
  size_t next = 0;
  int n = mb_qpdf.qpdf_get_num_pages(q);
  for (int i = 0; i < n && next < p->opt->ntargets; i++) {
    qpdf_oh annots = mb_qpdf.qpdf_oh_get_key(q, mb_qpdf.qpdf_get_page_n(q, (size_t)i), "/Annots");
    int k = mb_qpdf.qpdf_oh_is_array(q, annots) ? mb_qpdf.qpdf_oh_get_array_n_items(q, annots) : 0;
    for (int j = 0; j < k && next < p->opt->ntargets; j++) {
      qpdf_oh a = mb_qpdf.qpdf_oh_get_array_item(q, annots, j);
      if (!mb_qpdf.qpdf_oh_is_name_and_equals(q, mb_qpdf.qpdf_oh_get_key(q, a, "/Subtype"),
                                              "/Link") ||
          mb_qpdf.qpdf_oh_has_key(q, a, "/A"))
        continue;
      const mb_pdf_target *t = &p->opt->targets[next++];
      if (t->page >= 1 && t->page <= n)
        mb_qpdf.qpdf_oh_replace_key(q, a, "/Dest", explicit_dest(p, t));
    }
  }
}

/* ---- print: boxes, marks, output intent ---- */

/* The registration colour: a tint of every separation at once. */
static qpdf_oh registration_space(post *p) {
  qpdf_data q = p->q;
  qpdf_oh fn = mb_qpdf.qpdf_oh_new_dictionary(q);
  mb_qpdf.qpdf_oh_replace_key(q, fn, "/FunctionType", mb_qpdf.qpdf_oh_new_integer(q, 2));
  qpdf_oh domain = mb_qpdf.qpdf_oh_new_array(q), c0 = mb_qpdf.qpdf_oh_new_array(q),
          c1 = mb_qpdf.qpdf_oh_new_array(q);
  mb_qpdf.qpdf_oh_append_item(q, domain, mb_qpdf.qpdf_oh_new_integer(q, 0));
  mb_qpdf.qpdf_oh_append_item(q, domain, mb_qpdf.qpdf_oh_new_integer(q, 1));
  for (int i = 0; i < 4; i++) {
    mb_qpdf.qpdf_oh_append_item(q, c0, mb_qpdf.qpdf_oh_new_integer(q, 0));
    mb_qpdf.qpdf_oh_append_item(q, c1, mb_qpdf.qpdf_oh_new_integer(q, 1));
  }
  mb_qpdf.qpdf_oh_replace_key(q, fn, "/Domain", domain);
  mb_qpdf.qpdf_oh_replace_key(q, fn, "/C0", c0);
  mb_qpdf.qpdf_oh_replace_key(q, fn, "/C1", c1);
  mb_qpdf.qpdf_oh_replace_key(q, fn, "/N", mb_qpdf.qpdf_oh_new_integer(q, 1));
  qpdf_oh cs = mb_qpdf.qpdf_oh_new_array(q);
  mb_qpdf.qpdf_oh_append_item(q, cs, name(p, "/Separation"));
  mb_qpdf.qpdf_oh_append_item(q, cs, name(p, "/All"));
  mb_qpdf.qpdf_oh_append_item(q, cs, name(p, "/DeviceCMYK"));
  mb_qpdf.qpdf_oh_append_item(q, cs, fn);
  return mb_qpdf.qpdf_make_indirect_object(q, cs);
}

typedef MB_VEC(char) char_vec;

static void emit(char_vec *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(char_vec *v, const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  for (int i = 0; i < n && i < (int)sizeof buf; i++) mb_vec_push(v, buf[i]);
}

static void line(char_vec *v, double x0, double y0, double x1, double y1) {
  emit(v, "%.3f %.3f m %.3f %.3f l S\n", x0, y0, x1, y1);
}

/* A target: a circle with a cross through it, centred at (x, y). */
static void target(char_vec *v, double x, double y, double r) {
  const double k = 0.5523 * r; /* Bézier circle */
  emit(v, "%.3f %.3f m ", x + r, y);
  emit(v, "%.3f %.3f %.3f %.3f %.3f %.3f c ", x + r, y + k, x + k, y + r, x, y + r);
  emit(v, "%.3f %.3f %.3f %.3f %.3f %.3f c ", x - k, y + r, x - r, y + k, x - r, y);
  emit(v, "%.3f %.3f %.3f %.3f %.3f %.3f c ", x - r, y - k, x - k, y - r, x, y - r);
  emit(v, "%.3f %.3f %.3f %.3f %.3f %.3f c S\n", x + k, y - r, x + r, y - k, x + r, y);
  line(v, x - 1.6 * r, y, x + 1.6 * r, y);
  line(v, x, y - 1.6 * r, x, y + 1.6 * r);
}

/* Crop marks at the corners and registration targets at the sides, outside the bleed. */
static char *marks_content(const mb_pdf_print *pr, size_t *len) {
  char_vec v = {0};
  const double mm = 72.0 / 25.4;
  double m = pr->margin, w = pr->trim_w, h = pr->trim_h;
  double off = pr->bleed + 1 * mm, end = pr->bleed + 6 * mm; /* marks run from off to end */
  emit(&v, "Q q /MBReg CS 1 SCN 0.25 w\n");
  if (pr->crop_marks) {
    double xs[2] = {m, m + w}, ys[2] = {m, m + h};
    for (int i = 0; i < 2; i++) {
      double dx = i ? 1 : -1;
      for (int k = 0; k < 2; k++) {
        double dy = k ? 1 : -1;
        line(&v, xs[i] + dx * off, ys[k], xs[i] + dx * end, ys[k]);
        line(&v, xs[i], ys[k] + dy * off, xs[i], ys[k] + dy * end);
      }
    }
  }
  if (pr->registration_marks) {
    double c = (off + end) / 2, r = 1.5 * mm;
    target(&v, m + w / 2, m - c, r);
    target(&v, m + w / 2, m + h + c, r);
    target(&v, m - c, m + h / 2, r);
    target(&v, m + w + c, m + h / 2, r);
  }
  emit(&v, "Q\n");
  *len = v.len;
  return v.items;
}

static void add_resource(post *p, qpdf_oh page, const char *kind, const char *key, qpdf_oh value) {
  qpdf_data q = p->q;
  qpdf_oh res = mb_qpdf.qpdf_oh_get_key(q, page, "/Resources");
  if (!mb_qpdf.qpdf_oh_is_dictionary(q, res)) {
    res = mb_qpdf.qpdf_oh_new_dictionary(q);
    mb_qpdf.qpdf_oh_replace_key(q, page, "/Resources", res);
  }
  qpdf_oh dict = mb_qpdf.qpdf_oh_get_key(q, res, kind);
  if (!mb_qpdf.qpdf_oh_is_dictionary(q, dict)) {
    dict = mb_qpdf.qpdf_oh_new_dictionary(q);
    mb_qpdf.qpdf_oh_replace_key(q, res, kind, dict);
  }
  mb_qpdf.qpdf_oh_replace_key(q, dict, key, value);
}

/* The page's content wrapped in q ... Q, then the marks. */
static void add_marks(post *p, qpdf_oh page, qpdf_oh open, qpdf_oh marks, qpdf_oh space) {
  qpdf_data q = p->q;
  qpdf_oh contents = mb_qpdf.qpdf_oh_get_key(q, page, "/Contents");
  qpdf_oh list = mb_qpdf.qpdf_oh_new_array(q);
  mb_qpdf.qpdf_oh_append_item(q, list, open);
  if (mb_qpdf.qpdf_oh_is_array(q, contents)) {
    int n = mb_qpdf.qpdf_oh_get_array_n_items(q, contents);
    for (int i = 0; i < n; i++)
      mb_qpdf.qpdf_oh_append_item(q, list, mb_qpdf.qpdf_oh_get_array_item(q, contents, i));
  } else {
    mb_qpdf.qpdf_oh_append_item(q, list, contents);
  }
  mb_qpdf.qpdf_oh_append_item(q, list, marks);
  mb_qpdf.qpdf_oh_replace_key(q, page, "/Contents", list);
  add_resource(p, page, "/ColorSpace", "/MBReg", space);
}

void mb_pdf_print_boxes(const mb_pdf_print *pr, double trim[4], double bleed[4]) {
  double m = pr->margin, b = pr->bleed;
  const double t[4] = {m, m, m + pr->trim_w, m + pr->trim_h};
  for (int i = 0; i < 4; i++) {
    trim[i] = t[i];
    bleed[i] = t[i] + (i < 2 ? -b : b);
  }
}

static void print_pages(post *p) {
  qpdf_data q = p->q;
  const mb_pdf_print *pr = p->opt->print;
  size_t len;
  char *content = marks_content(pr, &len);
  qpdf_oh open = mb_qpdf.qpdf_make_indirect_object(q, new_stream(p, "q\n", 2, false));
  qpdf_oh marks = mb_qpdf.qpdf_make_indirect_object(q, new_stream(p, content, len, true));
  free(content);
  qpdf_oh space = registration_space(p);
  double trim[4], bleed[4];
  mb_pdf_print_boxes(pr, trim, bleed);
  int n = mb_qpdf.qpdf_get_num_pages(q);
  for (int i = 0; i < n; i++) {
    qpdf_oh page = mb_qpdf.qpdf_get_page_n(q, (size_t)i);
    mb_qpdf.qpdf_oh_replace_key(q, page, "/TrimBox", rect(p, trim));
    mb_qpdf.qpdf_oh_replace_key(q, page, "/BleedBox", rect(p, bleed));
    if (pr->crop_marks || pr->registration_marks) add_marks(p, page, open, marks, space);
  }
}

static bool output_intent(post *p) {
  qpdf_data q = p->q;
  const mb_pdf_print *pr = p->opt->print;
  size_t len;
  char *icc = mb_read_file(pr->icc_path, MAX_ICC, &len, p->diags, mb_pos_file(NULL));
  if (!icc) return false;
  qpdf_oh profile = new_stream(p, icc, len, true);
  free(icc);
  mb_qpdf.qpdf_oh_replace_key(q, mb_qpdf.qpdf_oh_get_dict(q, profile), "/N",
                              mb_qpdf.qpdf_oh_new_integer(q, pr->icc_components));
  qpdf_oh intent = mb_qpdf.qpdf_oh_new_dictionary(q);
  mb_qpdf.qpdf_oh_replace_key(q, intent, "/Type", name(p, "/OutputIntent"));
  mb_qpdf.qpdf_oh_replace_key(q, intent, "/S", name(p, "/GTS_PDFX"));
  mb_qpdf.qpdf_oh_replace_key(q, intent, "/OutputConditionIdentifier", text(p, pr->condition));
  mb_qpdf.qpdf_oh_replace_key(q, intent, "/Info", text(p, pr->condition));
  mb_qpdf.qpdf_oh_replace_key(q, intent, "/RegistryName", text(p, "http://www.color.org"));
  mb_qpdf.qpdf_oh_replace_key(q, intent, "/DestOutputProfile",
                              mb_qpdf.qpdf_make_indirect_object(q, profile));
  qpdf_oh list = mb_qpdf.qpdf_oh_new_array(q);
  mb_qpdf.qpdf_oh_append_item(q, list, mb_qpdf.qpdf_make_indirect_object(q, intent));
  mb_qpdf.qpdf_oh_replace_key(q, mb_qpdf.qpdf_get_root(q), "/OutputIntents", list);
  return true;
}

/* ---- the whole pass ---- */

/* A document ID from the content itself, so the same input gives the same file. */
static char *document_id(const unsigned char *in, size_t len) {
  gchar *md5 = g_compute_checksum_for_data(G_CHECKSUM_MD5, in, len);
  char *id = mb_xcalloc(1, 48);
  snprintf(id, 48, "uuid:%.8s-%.4s-%.4s-%.4s-%.12s", md5, md5 + 8, md5 + 12, md5 + 16, md5 + 20);
  g_free(md5);
  return id;
}

static bool failed(post *p, const char *what) {
  if (!mb_qpdf.qpdf_has_error(p->q)) return false;
  qpdf_error e = mb_qpdf.qpdf_get_error(p->q);
  mb_io_error(p->diags, mb_pos_file(NULL), "PDF post-processing (%s): %s", what,
              mb_qpdf.qpdf_get_error_full_text(p->q, e));
  return true;
}

static bool write_out(post *p, unsigned char **out, size_t *out_len) {
  qpdf_data q = p->q;
  if (mb_qpdf.qpdf_init_write_memory(q) & QPDF_ERRORS) return !failed(p, "write");
  mb_qpdf.qpdf_set_object_stream_mode(q, qpdf_o_generate);
  mb_qpdf.qpdf_set_compress_streams(q, 1);
  mb_qpdf.qpdf_set_decode_level(q,
                                qpdf_dl_none); /* cairo compressed its streams: copy, do not redo */
  mb_qpdf.qpdf_set_deterministic_ID(q, 1);
  mb_qpdf.qpdf_set_linearization(q, p->opt->linearize);
  mb_qpdf.qpdf_set_minimum_pdf_version(q, p->opt->print ? "1.6" : "1.5");
  if (mb_qpdf.qpdf_write(q) & QPDF_ERRORS) return !failed(p, "write");
  *out_len = mb_qpdf.qpdf_get_buffer_length(q);
  *out = mb_xmalloc(*out_len);
  memcpy(*out, mb_qpdf.qpdf_get_buffer(q), *out_len);
  return true;
}

bool mb_pdf_finish(const unsigned char *in, size_t len, const mb_pdf_post *opt, unsigned char **out,
                   size_t *out_len, mb_diags *diags) {
  if (!mb_pdf_libs_load(diags)) return false;
  post p = {mb_qpdf.qpdf_init(), opt, diags, 0};
  mb_qpdf.qpdf_silence_errors(p.q);
  mb_qpdf.qpdf_set_suppress_warnings(p.q, 1);
  bool ok = !(mb_qpdf.qpdf_read_memory(p.q, "cairo output", (const char *)in,
                                       (unsigned long long)len, NULL) &
              QPDF_ERRORS);
  if (!ok) failed(&p, "read");
  char *id = document_id(in, len);
  char *xmp = ok ? mb_xmp_packet(&opt->meta, id, opt->print ? "PDF/X-4" : NULL) : NULL;
  if (ok) {
    catalog(&p, xmp);
    info(&p, opt->print != NULL);
    link_dests(&p);
    if (opt->print) {
      print_pages(&p);
      ok = output_intent(&p);
    }
    ok = ok && !failed(&p, "edit") && write_out(&p, out, out_len);
  }
  free(xmp);
  free(id);
  mb_qpdf.qpdf_cleanup(&p.q);
  return ok;
}

const char *mb_icc_find(const char *which) {
  static const char *const srgb[] = {"/usr/share/color/icc/sRGB.icc",
                                     "/usr/share/color/icc/colord/sRGB.icc",
                                     "/usr/share/color/icc/ghostscript/srgb.icc", NULL};
  static const char *const cmyk[] = {"/usr/share/color/icc/ghostscript/default_cmyk.icc", NULL};
  const char *const *list = strcmp(which, "cmyk") == 0 ? cmyk : srgb;
  for (int i = 0; list[i]; i++)
    if (mb_is_file(list[i])) return list[i];
  return NULL;
}
