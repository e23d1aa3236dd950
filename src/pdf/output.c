/* Writing finished PDFs: presets, post-processing, CMYK conversion, atomic output. */
#include "libs.h"
#include "output.h"

#include "pdf.h"
#include "render/tags.h"
#include "util/file.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/thread.h"

#include <cairo.h>
#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum { MAX_PDF = 512 * 1024 * 1024 };

#define MM (72.0 / 25.4)

typedef struct buffer {
  unsigned char *data;
  size_t len;
} buffer;

/* Room beyond the bleed for crop marks (1 mm off, 5 mm long) and the slug line. */
static mb_len media_margin(const mb_layout *layout) {
  return layout->bleed + MB_MM(9);
}

/* ---- drawing into memory ---- */

/* What the renderer leaves for the post-pass. */
typedef struct drawn {
  mb_struct_attr *attrs;
  size_t nattrs;
  mb_pdf_target *targets;
  size_t ntargets;
} drawn;

static void keep_drawn(mb_device *dev, drawn *d) {
  size_t n;
  const mb_struct_attr *a = mb_pdf_device_struct(dev, &n);
  d->attrs = mb_xcalloc(n + 1, sizeof(mb_struct_attr));
  if (n) memcpy(d->attrs, a, n * sizeof(mb_struct_attr));
  d->nattrs = n;
  const mb_dest *const *links = mb_pdf_device_links(dev, &n);
  d->targets = mb_xcalloc(n + 1, sizeof(mb_pdf_target));
  for (size_t i = 0; i < n; i++)
    d->targets[i] = (mb_pdf_target){links[i]->page, links[i]->x, links[i]->y};
  d->ntargets = n;
}

/* A PDF device drawing into memory. */
typedef struct canvas {
  FILE *mem;
  char *data;
  size_t size;
  mb_device *dev;
} canvas;

static bool canvas_open(canvas *cv, const mb_doc *doc, const mb_layout *layout, mb_fonts *fonts,
                        const mb_output *out, const char *path, mb_diags *diags) {
  memset(cv, 0, sizeof *cv);
  cv->mem = open_memstream(&cv->data, &cv->size);
  if (!cv->mem) {
    mb_io_error(diags, mb_pos_file(path), "out of memory");
    return false;
  }
  mb_pdf_options o = {out->info, out->preset == MB_PRESET_PRINT, media_margin(layout),
                      layout->marks.slug ? mb_path_base(path) : NULL,
                      out->preset == MB_PRESET_SCREEN ? 150 : 0};
  cv->dev = mb_pdf_device_new(cv->mem, fonts, doc, &o, diags);
  return true;
}

/* Finishes the PDF: its bytes into pdf, what the post-pass needs into dr. */
static bool canvas_close(canvas *cv, buffer *pdf, drawn *dr) {
  bool ok = cv->dev->close(cv->dev);
  keep_drawn(cv->dev, dr);
  mb_device_free(cv->dev);
  fclose(cv->mem);
  pdf->data = (unsigned char *)cv->data;
  pdf->len = cv->size;
  return ok;
}

static bool render(const mb_book *book, mb_fonts *fonts, const mb_output *out, const char *path,
                   buffer *pdf, drawn *dr, mb_diags *diags) {
  canvas cv;
  if (!canvas_open(&cv, book->doc, book->layout, fonts, out, path, diags)) return false;
  for (size_t p = 0; p < book->npages; p++) mb_render_page(cv.dev, &book->pages[p]);
  return canvas_close(&cv, pdf, dr);
}

/* ---- post-processing ---- */

/* Every language the document's structure uses, the main one first; NULL-terminated. */
static const char **languages(const char *main, const mb_struct_attr *attrs, size_t n) {
  const char **langs = mb_xcalloc(n + 2, sizeof(char *));
  size_t k = 0;
  if (main) langs[k++] = main;
  for (size_t i = 0; i < n; i++) {
    if (!attrs[i].lang) continue;
    bool seen = false;
    for (size_t j = 0; j < k && !seen; j++) seen = strcmp(langs[j], attrs[i].lang) == 0;
    if (!seen) langs[k++] = attrs[i].lang;
  }
  return langs;
}

static mb_pdf_print print_geometry(const mb_book *book, bool cmyk) {
  const mb_layout *l = book->layout;
  mb_pdf_print pr;
  memset(&pr, 0, sizeof pr);
  pr.trim_w = mb_len_pt(l->page_w);
  pr.trim_h = mb_len_pt(l->page_h);
  pr.margin = mb_len_pt(media_margin(book->layout));
  pr.bleed = mb_len_pt(l->bleed);
  pr.crop_marks = l->marks.crop;
  pr.registration_marks = l->marks.registration;
  pr.icc_path = mb_icc_find(cmyk ? "cmyk" : "srgb");
  pr.icc_components = cmyk ? 4 : 3;
  pr.condition = cmyk ? "Ghostscript default CMYK" : "sRGB IEC61966-2.1";
  return pr;
}

static char *producer(void) {
  char buf[160];
  snprintf(buf, sizeof buf, "mkbrochure %s (cairo %s, qpdf %s)", MB_VERSION, cairo_version_string(),
           mb_qpdf.qpdf_get_qpdf_version());
  return mb_xstrdup(buf);
}

static bool finish(const mb_book *book, const mb_output *out, buffer *pdf, const drawn *dr,
                   const mb_pdf_print *print, mb_diags *diags) {
  const mb_doc *doc = book->doc;
  const mb_pdf_info *i = &out->info;
  const char *lang = doc->meta.lang ? doc->meta.lang : "en";
  const char **langs = languages(lang, dr->attrs, dr->nattrs);
  char *prod = producer();
  mb_pdf_post post = {
      {i->title, i->author, i->subject, i->keywords, i->creator, prod, i->date, lang, langs},
      dr->attrs,
      dr->nattrs,
      dr->targets,
      dr->ntargets,
      out->preset == MB_PRESET_SCREEN,
      print};
  buffer done = {0};
  bool ok = mb_pdf_finish(pdf->data, pdf->len, &post, &done.data, &done.len, diags);
  free(prod);
  free(langs);
  if (ok) {
    free(pdf->data);
    *pdf = done;
  }
  return ok;
}

/* ---- CMYK with Ghostscript ---- */

static char *find_program(const char *name) {
  const char *path = getenv("PATH");
  if (!path) return NULL;
  char *copy = mb_xstrdup(path), *save = NULL;
  for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    char *exe = mb_path_join(*dir ? dir : ".", name);
    if (access(exe, X_OK) == 0) {
      free(copy);
      return exe;
    }
    free(exe);
  }
  free(copy);
  return NULL;
}

static bool write_temp(const buffer *b, char *tmpl, mb_diags *diags) {
  int fd = mkstemp(tmpl);
  if (fd < 0) {
    mb_io_error(diags, mb_pos_file(tmpl), "cannot create a temporary file: %s", strerror(errno));
    return false;
  }
  bool ok = write(fd, b->data, b->len) == (ssize_t)b->len;
  close(fd);
  if (!ok) mb_io_error(diags, mb_pos_file(tmpl), "cannot write a temporary file");
  return ok;
}

static bool run_gs(const char *gs, const char *in, const char *out, const char *icc,
                   mb_diags *diags) {
  char icc_arg[600], out_arg[600];
  snprintf(icc_arg, sizeof icc_arg, "-sOutputICCProfile=%s", icc);
  snprintf(out_arg, sizeof out_arg, "-sOutputFile=%s", out);
  char *argv[] = {(char *)gs,
                  "-q",
                  "-dNOPAUSE",
                  "-dBATCH",
                  "-dSAFER",
                  "-sDEVICE=pdfwrite",
                  "-dCompatibilityLevel=1.6",
                  "-sColorConversionStrategy=CMYK",
                  "-sProcessColorModel=DeviceCMYK",
                  icc_arg,
                  "-dAutoRotatePages=/None",
                  "-dEmbedAllFonts=true",
                  "-dSubsetFonts=true",
                  out_arg,
                  (char *)in,
                  NULL};
  pid_t pid;
  int st;
  if (posix_spawn(&pid, gs, NULL, NULL, argv, environ) != 0 || waitpid(pid, &st, 0) < 0 ||
      !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    mb_io_error(diags, mb_pos_file(gs), "Ghostscript could not convert the print master to CMYK");
    return false;
  }
  return true;
}

static bool to_cmyk(buffer *pdf, mb_diags *diags) {
  char *gs = find_program("gs");
  const char *icc = mb_icc_find("cmyk");
  if (!gs || !icc) {
    mb_io_error(diags, mb_pos_file(NULL),
                "--cmyk needs Ghostscript and its CMYK profile, which are not installed "
                "(apt-get install ghostscript)");
    free(gs);
    return false;
  }
  const char *tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  char *in = mb_path_join(tmpdir, "mkbrochure-rgb-XXXXXX");
  char *out = mb_path_join(tmpdir, "mkbrochure-cmyk-XXXXXX");
  bool ok = write_temp(pdf, in, diags) && write_temp(&(buffer){NULL, 0}, out, diags) &&
            run_gs(gs, in, out, icc, diags);
  size_t len = 0;
  char *data = ok ? mb_read_file(out, MAX_PDF, &len, diags, mb_pos_file(NULL)) : NULL;
  unlink(in);
  unlink(out);
  free(in);
  free(out);
  free(gs);
  if (!data) return false;
  free(pdf->data);
  pdf->data = (unsigned char *)data;
  pdf->len = len;
  return true;
}

/* ---- writing ---- */

static bool write_file(const buffer *pdf, mb_outfile *f, mb_diags *diags) {
  if (fwrite(pdf->data, 1, pdf->len, f->fp) != pdf->len) {
    mb_io_error(diags, mb_pos_file(f->path), "cannot write: %s", strerror(errno));
    mb_outfile_abort(f);
    return false;
  }
  return mb_outfile_commit(f, diags);
}

/* Warns about links to headings that are on no page. */
static void check_links(const mb_book *book, mb_diags *diags) {
  mb_tagger *t = mb_tagger_new(book->doc);
  for (size_t i = 0; i < book->npages; i++) mb_tagger_add_page(t, &book->pages[i]);
  mb_tagger_check_links(t, book->doc, diags);
  mb_tagger_free(t);
}

/* Post-processes the drawn PDF, writes it and preflights a print master. */
static bool publish(const mb_book *book, mb_outfile *file, const mb_output *out, buffer *pdf,
                    const drawn *dr, bool ok, mb_diags *diags) {
  ok = ok && mb_pdf_libs_load(diags);
  bool print = out->preset == MB_PRESET_PRINT;
  char *path = mb_xstrdup(file->path);
  mb_pdf_print geometry = print_geometry(book, false);
  double start = mb_now_ms();
  bool check = print && out->preflight && strcmp(path, "-") != 0;
  /* The pages are checked as drawn while they are post-processed (a CMYK master's content
   * is rewritten by Ghostscript: it is checked from the file). */
  mb_preflight_run *pre =
      ok && check && !out->cmyk ? mb_preflight_start(pdf->data, pdf->len, &geometry) : NULL;
  ok = ok && finish(book, out, pdf, dr, print ? &geometry : NULL, diags);
  if (ok && print && out->cmyk) {
    mb_pdf_print cmyk = print_geometry(book, true);
    cmyk.crop_marks = cmyk.registration_marks = false; /* drawn already */
    drawn none = {0};
    ok = to_cmyk(pdf, diags) && finish(book, out, pdf, &none, &cmyk, diags);
  }
  ok = ok && write_file(pdf, file, diags);
  if (!ok && file->path) mb_outfile_abort(file);
  double written = mb_now_ms();
  if (ok && check)
    ok = pre ? mb_preflight_end(pre, path, stderr, diags) : mb_preflight(path, stderr, diags);
  else
    mb_preflight_abandon(pre);
  if (out->times) {
    out->times->post += written - start;
    out->times->preflight += mb_now_ms() - written;
  }
  free(path);
  free(pdf->data);
  free(dr->attrs);
  free(dr->targets);
  return ok;
}

/* A print master's output intent needs an ICC profile. */
static bool can_write(const mb_output *out, mb_outfile *file, mb_diags *diags) {
  if (out->preset != MB_PRESET_PRINT || mb_icc_find("srgb")) return true;
  mb_io_error(diags, mb_pos_file(NULL),
              "the print master needs an sRGB ICC profile (apt-get install icc-profiles-free)");
  mb_outfile_abort(file);
  return false;
}

bool mb_output_pdf(const mb_book *book, mb_fonts *fonts, mb_outfile *file, const mb_output *out,
                   mb_diags *diags) {
  if (out->preset == MB_PRESET_SCREEN) check_links(book, diags);
  if (!can_write(out, file, diags)) return false;
  buffer pdf = {0};
  drawn dr = {0};
  double start = mb_now_ms();
  bool ok = render(book, fonts, out, file->path, &pdf, &dr, diags);
  if (out->times) out->times->draw += mb_now_ms() - start;
  return publish(book, file, out, &pdf, &dr, ok, diags);
}

/* ---- drawing while the layout runs ---- */

struct mb_pdf_stream {
  canvas cv;
  mb_output out;
  mb_diags *diags; /* the drawing thread's own, merged when it is done */
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t more;
  MB_VEC(const mb_page *) queue; /* guarded by lock, with closed and cancelled */
  size_t taken;                  /* the drawing thread's */
  bool closed, cancelled;
  buffer pdf;
  drawn dr;
  bool ok;
  double busy_ms;
};

/* The next page to draw, waiting for the layout to finish one; NULL when there are no more. */
static const mb_page *next_page(mb_pdf_stream *s) {
  pthread_mutex_lock(&s->lock);
  while (s->taken == s->queue.len && !s->closed && !s->cancelled)
    pthread_cond_wait(&s->more, &s->lock);
  const mb_page *page =
      s->cancelled || s->taken == s->queue.len ? NULL : s->queue.items[s->taken++];
  pthread_mutex_unlock(&s->lock);
  return page;
}

static void *draw_pages(void *data) {
  mb_pdf_stream *s = data;
  for (const mb_page *page; (page = next_page(s));) {
    double start = mb_now_ms();
    mb_render_page(s->cv.dev, page);
    s->busy_ms += mb_now_ms() - start;
  }
  double start = mb_now_ms();
  s->ok = canvas_close(&s->cv, &s->pdf, &s->dr);
  s->busy_ms += mb_now_ms() - start;
  return NULL;
}

static void stream_free(mb_pdf_stream *s) {
  pthread_mutex_destroy(&s->lock);
  pthread_cond_destroy(&s->more);
  mb_diags_free(s->diags);
  free(s->queue.items);
  free(s);
}

static void drop_drawn(mb_pdf_stream *s) {
  free(s->pdf.data);
  free(s->dr.attrs);
  free(s->dr.targets);
}

mb_pdf_stream *mb_pdf_stream_start(const mb_doc *doc, const mb_layout *layout, mb_fonts *fonts,
                                   const mb_output *out, const char *path) {
  mb_pdf_stream *s = mb_xcalloc(1, sizeof(mb_pdf_stream));
  s->out = *out;
  s->diags = mb_diags_new();
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->more, NULL);
  if (!canvas_open(&s->cv, doc, layout, fonts, out, path, s->diags) ||
      !mb_thread_start(&s->thread, draw_pages, s)) {
    if (s->cv.dev) canvas_close(&s->cv, &s->pdf, &s->dr);
    drop_drawn(s);
    stream_free(s);
    return NULL; /* the caller draws after the layout instead */
  }
  return s;
}

void mb_pdf_stream_page(void *data, const mb_page *page) {
  mb_pdf_stream *s = data;
  pthread_mutex_lock(&s->lock);
  mb_vec_push(&s->queue, page);
  pthread_cond_signal(&s->more);
  pthread_mutex_unlock(&s->lock);
}

/* Tells the drawing thread that no page follows: it finishes the PDF (or stops, if cancel). */
static void stream_close(mb_pdf_stream *s, bool cancel) {
  pthread_mutex_lock(&s->lock);
  s->closed = true;
  s->cancelled = cancel;
  pthread_cond_signal(&s->more);
  pthread_mutex_unlock(&s->lock);
}

/* Lets the drawing thread finish (or stop, if cancel) and waits for it. */
static void stream_join(mb_pdf_stream *s, bool cancel) {
  stream_close(s, cancel);
  pthread_join(s->thread, NULL);
}

static void merge_diags(mb_diags *to, const mb_diags *from) {
  for (size_t i = 0; i < mb_diags_count(from); i++) {
    const mb_diag *d = mb_diags_at(from, i);
    mb_diag_add(to, d->severity, d->kind, d->pos, "%s", d->message);
  }
}

bool mb_output_pdf_stream(mb_pdf_stream *s, const mb_book *book, mb_outfile *file,
                          mb_diags *diags) {
  /* The layout is done: the drawing thread finishes the PDF (cairo writes its fonts) after
   * the last page without waiting for what follows. Meanwhile: check the links, open qpdf
   * and exempi, and poppler for a print master's preflight (a failure is reported where they
   * are used). */
  stream_close(s, false);
  if (s->out.preset == MB_PRESET_SCREEN) check_links(book, diags);
  mb_diags *ignored = mb_diags_new();
  mb_pdf_libs_load(ignored);
  if (s->out.preset == MB_PRESET_PRINT && s->out.preflight) mb_preflight_load(ignored);
  mb_diags_free(ignored);
  double start = mb_now_ms();
  stream_join(s, false);
  if (s->out.times) {
    s->out.times->draw += s->busy_ms;
    s->out.times->draw_wait += mb_now_ms() - start;
    s->out.times->streamed = true;
  }
  merge_diags(diags, s->diags);
  bool ok = can_write(&s->out, file, diags);
  if (ok)
    ok = publish(book, file, &s->out, &s->pdf, &s->dr, s->ok, diags); /* frees what was drawn */
  else
    drop_drawn(s);
  stream_free(s);
  return ok;
}

void mb_pdf_stream_cancel(mb_pdf_stream *s) {
  if (!s) return;
  stream_join(s, true);
  drop_drawn(s);
  stream_free(s);
}
