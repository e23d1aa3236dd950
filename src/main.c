/* mkbrochure: wires the stages together. content + layout + fonts → layout → render.
 * Only main prints diagnostics and chooses the exit status. */
#include "content/content.h"
#include "pdf/output.h"
#include "image/image.h"
#include "layout/layout.h"
#include "render/device.h"
#include "style/style.h"
#include "text/fonts.h"
#include "text/hyphen.h"
#include "util/file.h"
#include "util/text.h"

#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

typedef struct options {
  const char *output, *content, *layout, *fonts, *png_dir, *print_master, *preflight;
  double dpi;
  mb_preset preset;
  int breaker; /* -1: the layout's */
  bool dump, strict, quiet, timings, cmyk, no_preflight, allow_outside;
} options;

/* --timings: the time each stage took, on stderr. */
typedef struct timings {
  bool on;
  struct timespec last, start;
  mb_output_times out; /* filled by the PDF writer */
} timings;

static void timings_start(timings *t, bool on) {
  memset(t, 0, sizeof *t);
  t->on = on;
  clock_gettime(CLOCK_MONOTONIC, &t->start);
  t->last = t->start;
}

static double ms_between(struct timespec a, struct timespec b) {
  return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

static void print_stage(const char *stage, double ms) {
  fprintf(stderr, "mkbrochure: timing: %-11s %8.2f ms\n", stage, ms);
}

/* The time since the last lap; printed under stage unless stage is NULL. */
static double lap(timings *t, const char *stage) {
  if (!t->on) return 0;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double ms = ms_between(t->last, now);
  if (stage) print_stage(stage, ms);
  t->last = now;
  return ms;
}

static void usage(FILE *out) {
  fputs("Usage: mkbrochure [OPTION]...\n"
        "Typeset a brochure from Markdown content and a layout description into a PDF.\n"
        "With no options, renders the Global MIT brochure to globalmit.pdf.\n"
        "\n"
        "  -o, --output=FILE     write the PDF to FILE ('-' for standard output)\n"
        "      --preset=PRESET   screen (default: small, linked, for reading and email) or\n"
        "                        print (PDF/X-4 print master with bleed and crop marks)\n"
        "      --print-master=FILE  also write the print master to FILE, from the same layout\n"
        "      --cmyk            convert print masters to CMYK with Ghostscript\n"
        "      --preflight=FILE  check FILE for print (fonts, safe zone, image resolution,\n"
        "                        page count, bleed) and exit; print renders are checked too\n"
        "      --no-preflight    do not check print masters after writing them\n"
        "  -c, --content=PATH    a Markdown file or a folder of them (default: globalmit)\n"
        "  -l, --layout=LAYOUT   a layout file, or the name of a shipped layout\n"
        "                        (default: a4-booklet; also letter-booklet)\n"
        "      --fonts=DIR       the font folder (default: the bundled fonts)\n"
        "      --breaker=BREAKER total-fit (default: Knuth-Plass, hyphenated) or greedy\n"
        "                        (Pango's line-by-line breaking); overrides the layout\n"
        "      --png=DIR         also write a PNG preview of every page into DIR\n"
        "      --dpi=N           resolution of the PNG previews (default: 96)\n"
        "      --dump-layout     print every page, frame and box instead of writing a PDF\n"
        "      --timings         print the time of each stage (parse, fonts, shape, break,\n"
        "                        flow, draw, post-process, preflight) to standard error\n"
        "      --allow-outside   let content use images outside its own folder\n"
        "      --strict          treat warnings as errors\n"
        "  -q, --quiet           do not print warnings\n"
        "  -h, --help            show this help and exit\n"
        "  -V, --version         show the version and exit\n"
        "\n"
        "Exit status: 0 success, 1 invalid input, 2 usage error, 3 I/O or resource failure.\n"
        "Diagnostics are printed as FILE:LINE:COLUMN: error|warning: MESSAGE.\n",
        out);
}

static int usage_error(const char *fmt, const char *arg) {
  fputs("mkbrochure: error: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\nTry 'mkbrochure --help' for more information.\n", stderr);
  return EXIT_USAGE;
}

static int parse_args(int argc, char **argv, options *o) {
  enum {
    OPT_FONTS = 256,
    OPT_PNG,
    OPT_DPI,
    OPT_DUMP,
    OPT_STRICT,
    OPT_TIMINGS,
    OPT_PRESET,
    OPT_MASTER,
    OPT_CMYK,
    OPT_PREFLIGHT,
    OPT_NO_PREFLIGHT,
    OPT_ALLOW_OUTSIDE,
    OPT_BREAKER
  };
  static const struct option longs[] = {{"output", required_argument, NULL, 'o'},
                                        {"content", required_argument, NULL, 'c'},
                                        {"layout", required_argument, NULL, 'l'},
                                        {"fonts", required_argument, NULL, OPT_FONTS},
                                        {"png", required_argument, NULL, OPT_PNG},
                                        {"dpi", required_argument, NULL, OPT_DPI},
                                        {"dump-layout", no_argument, NULL, OPT_DUMP},
                                        {"strict", no_argument, NULL, OPT_STRICT},
                                        {"timings", no_argument, NULL, OPT_TIMINGS},
                                        {"preset", required_argument, NULL, OPT_PRESET},
                                        {"print-master", required_argument, NULL, OPT_MASTER},
                                        {"cmyk", no_argument, NULL, OPT_CMYK},
                                        {"preflight", required_argument, NULL, OPT_PREFLIGHT},
                                        {"no-preflight", no_argument, NULL, OPT_NO_PREFLIGHT},
                                        {"allow-outside", no_argument, NULL, OPT_ALLOW_OUTSIDE},
                                        {"breaker", required_argument, NULL, OPT_BREAKER},
                                        {"quiet", no_argument, NULL, 'q'},
                                        {"help", no_argument, NULL, 'h'},
                                        {"version", no_argument, NULL, 'V'},
                                        {NULL, 0, NULL, 0}};
  memset(o, 0, sizeof *o);
  o->dpi = 96;
  o->breaker = -1;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, ":o:c:l:qhV", longs, NULL)) != -1) {
    switch (c) {
    case 'o': o->output = optarg; break;
    case 'c': o->content = optarg; break;
    case 'l': o->layout = optarg; break;
    case OPT_FONTS: o->fonts = optarg; break;
    case OPT_PNG: o->png_dir = optarg; break;
    case OPT_DPI: {
      char *end;
      o->dpi = strtod(optarg, &end);
      if (*end || o->dpi < 10 || o->dpi > 1200)
        return usage_error("--dpi must be a number from 10 to 1200, not '%s'", optarg);
      break;
    }
    case OPT_DUMP: o->dump = true; break;
    case OPT_STRICT: o->strict = true; break;
    case OPT_TIMINGS: o->timings = true; break;
    case OPT_PRESET:
      if (strcmp(optarg, "screen") == 0)
        o->preset = MB_PRESET_SCREEN;
      else if (strcmp(optarg, "print") == 0)
        o->preset = MB_PRESET_PRINT;
      else
        return usage_error("--preset must be screen or print, not '%s'", optarg);
      break;
    case OPT_MASTER: o->print_master = optarg; break;
    case OPT_CMYK: o->cmyk = true; break;
    case OPT_PREFLIGHT: o->preflight = optarg; break;
    case OPT_NO_PREFLIGHT: o->no_preflight = true; break;
    case OPT_ALLOW_OUTSIDE: o->allow_outside = true; break;
    case OPT_BREAKER:
      if (strcmp(optarg, "total-fit") == 0)
        o->breaker = MB_BREAKER_TOTAL_FIT;
      else if (strcmp(optarg, "greedy") == 0)
        o->breaker = MB_BREAKER_GREEDY;
      else
        return usage_error("--breaker must be total-fit or greedy, not '%s'", optarg);
      break;
    case 'q': o->quiet = true; break;
    case 'h': usage(stdout); return 0;
    case 'V': printf("mkbrochure %s\n", MB_VERSION); return 0;
    case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
    default: return usage_error("unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return usage_error("unexpected argument '%s'", argv[optind]);
  return -1;
}

/* ---- finding the shipped data ---- */

static bool is_data_dir(const char *dir) {
  char *layouts = mb_path_join(dir, "layouts");
  bool ok = mb_is_dir(layouts);
  free(layouts);
  return ok;
}

/* Where content/, fonts/ and layouts/ are: $MKBROCHURE_DATADIR, beside an installed binary,
 * the install prefix, or the source tree the binary was built from. Caller frees. */
static char *find_data_dir(void) {
  const char *env = getenv("MKBROCHURE_DATADIR");
  if (env && *env) return mb_xstrdup(env);
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *bin = mb_path_dir(exe);
    char *share = mb_path_join(bin, "../share/mkbrochure");
    free(bin);
    if (is_data_dir(share)) return share;
    free(share);
  }
  if (is_data_dir(MB_INSTALL_DATADIR)) return mb_xstrdup(MB_INSTALL_DATADIR);
  return mb_xstrdup(MB_SOURCE_DIR);
}

static char *layout_path(const char *data, const char *arg) {
  if (strchr(arg, '/') || mb_path_has_suffix(arg, ".yaml") || mb_path_has_suffix(arg, ".yml"))
    return mb_xstrdup(arg);
  char name[512];
  snprintf(name, sizeof name, "layouts/%s.yaml", arg);
  return mb_path_join(data, name);
}

/* ---- checks across stages ---- */

/* Every family a style names must be in the font folder. */
static void check_families(const mb_layout *layout, mb_fonts *fonts, mb_diags *diags) {
  for (size_t i = 0; i < layout->nstyles; i++) {
    const mb_style *s = &layout->styles[i];
    const char *p = s->font;
    while (*p) {
      size_t n = strcspn(p, ",");
      char family[256];
      const char *a = p, *b = p + n;
      while (a < b && *a == ' ') a++;
      while (b > a && b[-1] == ' ') b--;
      snprintf(family, sizeof family, "%.*s", (int)(b - a), a);
      if (*family && !mb_fonts_has_family(fonts, family)) {
        const char *hint = mb_suggest(family, mb_fonts_families(fonts));
        mb_error(diags, s->pos,
                 "style '%s' names font family '%s', which fonts/ does not have%s%s%s", s->name,
                 family, hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
      }
      p += n;
      if (*p == ',') p++;
    }
  }
}

/* ---- output ---- */

/* The PDF's dates: SOURCE_DATE_EPOCH, else the front matter's date (YYYY-MM-DD), else now. */
static void iso_date(const mb_meta *meta, char *buf, size_t size) {
  time_t t = time(NULL);
  const char *epoch = getenv("SOURCE_DATE_EPOCH");
  int y, m, d;
  char extra;
  if (epoch && *epoch) {
    char *end;
    long long v = strtoll(epoch, &end, 10);
    if (!*end && v >= 0) t = (time_t)v;
  } else if (meta->date && sscanf(meta->date, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3 &&
             y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
    snprintf(buf, size, "%04d-%02d-%02dT00:00:00Z", y, m, d);
    return;
  }
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static char *join_keywords(const mb_meta *m) {
  if (!m->nkeywords) return NULL;
  size_t len = 1;
  for (size_t i = 0; i < m->nkeywords; i++) len += strlen(m->keywords[i]) + 2;
  char *s = mb_xcalloc(1, len);
  for (size_t i = 0; i < m->nkeywords; i++) {
    if (i) strcat(s, ", ");
    strcat(s, m->keywords[i]);
  }
  return s;
}

/* How to write a PDF of doc; keywords is the joined keyword string it points to (free it after
 * the write). */
static mb_output output_of(const mb_doc *doc, mb_preset preset, const options *o,
                           mb_output_times *times, char *date, size_t date_size, char **keywords) {
  const mb_meta *m = &doc->meta;
  iso_date(m, date, date_size);
  *keywords = join_keywords(m);
  mb_output out = {preset,
                   o->cmyk,
                   !o->no_preflight,
                   {m->title, m->author, m->subject, *keywords, "mkbrochure " MB_VERSION, date},
                   times};
  return out;
}

static bool write_pdf(const mb_book *book, mb_fonts *fonts, mb_outfile *file, mb_preset preset,
                      const options *o, mb_output_times *times, mb_diags *diags) {
  char date[32], *keywords;
  mb_output out = output_of(book->doc, preset, o, times, date, sizeof date, &keywords);
  bool ok = mb_output_pdf(book, fonts, file, &out, diags);
  free(keywords);
  return ok;
}

static bool write_png(const mb_book *book, mb_fonts *fonts, const options *o, mb_diags *diags) {
  mkdir(o->png_dir, 0755);
  if (!mb_is_dir(o->png_dir)) {
    mb_io_error(diags, mb_pos_file(o->png_dir), "cannot create the PNG folder");
    return false;
  }
  mb_device *dev = mb_png_device_new(o->png_dir, o->dpi, fonts, diags);
  bool ok = mb_render(book, dev);
  mb_device_free(dev);
  return ok;
}

/* ---- signals ---- */

static void on_signal(int sig) {
  mb_outfile_remove_pending();
  signal(sig, SIG_DFL);
  raise(sig);
}

static int exit_status(const mb_diags *diags) {
  if (mb_diags_has_kind(diags, MB_DIAG_IO)) return EXIT_IO;
  if (mb_diags_errors(diags)) return EXIT_INPUT;
  return 0;
}

static int finish(mb_diags *diags, const options *o) {
  if (o->strict) mb_diags_promote_warnings(diags);
  mb_diags_print_some(diags, stderr, o->quiet);
  return exit_status(diags);
}

/* ---- the run ---- */

typedef struct run {
  char *data, *layout_file, *content, *fonts_dir;
  mb_layout *layout;
  mb_doc *doc;
  mb_fonts *fonts;
  mb_hyphenator *hyphenator; /* until the builder adopts it */
  mb_para_builder *builder;
  mb_book *book;
  mb_outfile main_out, master_out; /* opened before the work, committed after it */
  bool main_open, master_open;
  mb_pdf_stream *stream;    /* drawing the main PDF while the layout runs */
  char date[32], *keywords; /* the stream's document information */
} run;

static void run_free(run *r) {
  mb_pdf_stream_cancel(r->stream);
  free(r->keywords);
  if (r->main_open) mb_outfile_abort(&r->main_out);
  if (r->master_open) mb_outfile_abort(&r->master_out);
  mb_book_free(r->book);
  mb_para_builder_free(r->builder);
  mb_hyphenator_free(r->hyphenator);
  mb_fonts_free(r->fonts);
  mb_doc_free(r->doc);
  mb_layout_free(r->layout);
  free(r->data);
  free(r->layout_file);
  free(r->content);
  free(r->fonts_dir);
}

static char *default_output(const char *content) {
  const char *base = mb_path_base(content);
  size_t n = strlen(base);
  while (n > 0 && base[n - 1] == '/') n--;
  if (n > 3 && strncmp(base + n - 3, ".md", 3) == 0) n -= 3;
  char name[512];
  snprintf(name, sizeof name, "%.*s.pdf", (int)(n ? n : 8), n ? base : "brochure");
  return mb_xstrdup(name);
}

/* The output files are created (as temporary files beside their names) before any work, so
 * a destination that cannot be written is reported at once, and an interrupted run leaves
 * nothing behind. */
static bool open_outputs(run *r, const options *o, mb_diags *diags) {
  r->data = find_data_dir();
  r->content = o->content ? mb_xstrdup(o->content) : mb_path_join(r->data, "content/globalmit");
  if (o->dump) return true;
  char *path = o->output ? mb_xstrdup(o->output) : default_output(r->content);
  r->main_open = mb_outfile_open(&r->main_out, path, diags);
  free(path);
  if (o->print_master) r->master_open = mb_outfile_open(&r->master_out, o->print_master, diags);
  return r->main_open && (!o->print_master || r->master_open);
}

static bool load_inputs(run *r, const options *o, timings *t, mb_diags *diags) {
  r->layout_file = layout_path(r->data, o->layout ? o->layout : "a4-booklet");
  r->fonts_dir = o->fonts ? mb_xstrdup(o->fonts) : mb_path_join(r->data, "fonts");
  if (!o->layout || strchr(o->layout, '/') || mb_is_file(r->layout_file))
    r->layout = mb_layout_load(r->layout_file, diags);
  else
    mb_io_error(diags, mb_pos_file(o->layout),
                "no such layout (shipped: a4-booklet, letter-booklet)");
  r->doc = mb_content_load(r->content, diags);
  if (r->doc) mb_image_probe(r->doc, r->content, o->allow_outside, diags);
  lap(t, "parse");
  r->fonts = mb_fonts_new(r->fonts_dir, diags);
  if (r->fonts && r->layout) check_families(r->layout, r->fonts, diags);
  lap(t, "fonts");
  return mb_diags_errors(diags) == 0;
}

static void write_outputs(run *r, const options *o, timings *t, mb_diags *diags) {
  if (o->dump) {
    mb_device *dev = mb_trace_device_new(stdout);
    mb_render(r->book, dev);
    mb_device_free(dev);
  } else {
    r->main_open = false; /* mb_output_pdf commits or aborts it */
    if (r->stream)
      mb_output_pdf_stream(r->stream, r->book, &r->main_out, diags);
    else
      write_pdf(r->book, r->fonts, &r->main_out, o->preset, o, &t->out, diags);
    r->stream = NULL;
    if (r->master_open) {
      r->master_open = false;
      write_pdf(r->book, r->fonts, &r->master_out, MB_PRESET_PRINT, o, &t->out, diags);
    }
  }
  lap(t, o->dump ? "dump" : NULL);
  if (t->on && !o->dump) {
    print_stage("draw", t->out.draw);
    if (t->out.streamed) print_stage("draw-wait", t->out.draw_wait);
    print_stage("post-process", t->out.post);
    if (t->out.preflight > 0.005) print_stage("preflight", t->out.preflight);
  }
  if (o->png_dir && mb_diags_errors(diags) == 0) {
    write_png(r->book, r->fonts, o, diags);
    lap(t, "png");
  }
}

static void run_all(run *r, const options *o, timings *t, mb_diags *diags) {
  if (!open_outputs(r, o, diags)) return;
  r->hyphenator = mb_hyphenator_new(NULL); /* loads while the inputs and fonts are read */
  if (!load_inputs(r, o, t, diags)) return;
  int breaker = o->breaker >= 0 ? o->breaker : (int)r->layout->breaker;
  if (breaker == MB_BREAKER_GREEDY) {
    r->builder = mb_para_pango_new(r->fonts);
  } else {
    r->builder = mb_para_tex_adopt(r->fonts, r->hyphenator);
    r->hyphenator = NULL;
  }
  /* The PDF is drawn on a second thread as the layout finishes its pages. */
  if (!o->dump) {
    mb_output out = output_of(r->doc, o->preset, o, &t->out, r->date, sizeof r->date, &r->keywords);
    r->stream = mb_pdf_stream_start(r->doc, r->layout, r->fonts, &out, r->main_out.path);
  }
  mb_page_sink sink = {mb_pdf_stream_page, r->stream};
  r->book = mb_layout_run_to(r->doc, r->layout, r->builder, r->stream ? &sink : NULL, diags);
  double layout_ms = lap(t, NULL);
  if (t->on) {
    print_stage("shape", r->builder->shape_ms);
    print_stage("break", r->builder->break_ms);
    print_stage("flow", layout_ms - r->builder->shape_ms - r->builder->break_ms);
  }
  /* Nothing lays out text after this: free the shaping caches while the last pages are
   * still being drawn. */
  mb_para_builder_free(r->builder);
  r->builder = NULL;
  if (o->strict) mb_diags_promote_warnings(diags);
  if (mb_diags_errors(diags) == 0) write_outputs(r, o, t, diags);
}

/* glibc grows each thread's malloc arena a page or two at a time, one mprotect call each (656
 * a run: the drawing thread, the hyphenation loader), and the main heap by brk calls; on a
 * virtual machine each is an expensive trip to the kernel. With 4 MB of padding a thread's
 * arena starts with room for what a brochure needs, and the heap grows in 4 MB steps: about
 * 70 mprotects and 6 brks, 3% less time on the benchmark machine (bench/PROFILE.md). Pages
 * are still only touched when used (peak RSS +0.5 MB). Set before any thread starts. */
static void tune_malloc(void) {
#ifdef M_TOP_PAD
  mallopt(M_TOP_PAD, 4 * 1024 * 1024);
#endif
}

int main(int argc, char **argv) {
  options o;
  int st = parse_args(argc, argv, &o);
  if (st >= 0) return st;
  tune_malloc();
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGHUP, on_signal);
  signal(SIGXFSZ, SIG_IGN); /* a full disk or file size limit: write() fails, we clean up */

  timings t;
  timings_start(&t, o.timings);
  mb_diags *diags = mb_diags_new();
  if (o.preflight) {
    mb_preflight(o.preflight, stdout, diags);
  } else {
    run r;
    memset(&r, 0, sizeof r);
    run_all(&r, &o, &t, diags);
    run_free(&r);
    mb_fonts_shutdown();
  }
  st = finish(diags, &o);
  mb_diags_free(diags);
  if (t.on) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    print_stage("total", ms_between(t.start, now));
  }
  return st;
}
