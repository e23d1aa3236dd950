/* Unit tests for src/style: layout files into resolved page geometry, templates and styles,
 * and the file:line:col errors a wrong layout gets. */
#include "harness.h"

#include "style/style.h"
#include "util/file.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LAYOUT_PATH "layouts/test.yaml"
#define SHIPPED MB_SOURCE_DIR "/layouts/a4-booklet.yaml"

#define CHECK_PT(len, pt) CHECK(fabs(mb_len_pt(len) - (pt)) <= 0.01)
/* Lengths resolved from millimetres, to within one unit (1/1024 pt) of rounding. */
#define CHECK_MM(len, mm) CHECK(labs((long)(len) - (long)MB_MM(mm)) <= 1)

/* Checks that layout text is rejected, that every diagnostic is an input error, that there is
 * exactly one, and where it points and what it says. */
#define CHECK_LAYOUT_ERROR(yaml_, line_, col_, text_)                                              \
  do {                                                                                             \
    mb_diags *d_ = mb_diags_new();                                                                 \
    mb_layout *l_ = parse((yaml_), d_);                                                            \
    CHECK(l_ == NULL);                                                                             \
    mb_layout_free(l_);                                                                            \
    CHECK_INT(mb_diags_errors(d_), 1);                                                             \
    if (mb_diags_errors(d_) != 1) mb_diags_print(d_, stderr);                                      \
    CHECK(all_input_errors(d_));                                                                   \
    if (mb_diags_count(d_)) {                                                                      \
      const mb_diag *dg_ = mb_diags_at(d_, 0);                                                     \
      CHECK_STR(dg_->pos.file, LAYOUT_PATH);                                                       \
      CHECK_INT(dg_->pos.line, (line_));                                                           \
      CHECK_INT(dg_->pos.col, (col_));                                                             \
      CHECK_CONTAINS(dg_->message, (text_));                                                       \
    }                                                                                              \
    mb_diags_free(d_);                                                                             \
  } while (0)

static mb_layout *parse(const char *yaml, mb_diags *d) {
  return mb_layout_parse(LAYOUT_PATH, yaml, strlen(yaml), d);
}

static bool all_input_errors(const mb_diags *d) {
  for (size_t i = 0; i < mb_diags_count(d); i++)
    if (mb_diags_at(d, i)->kind != MB_DIAG_INPUT || mb_diags_at(d, i)->severity != MB_ERROR)
      return false;
  return true;
}

/* Parses a layout that must be valid (no diagnostics). */
static mb_layout *parse_ok(const char *yaml) {
  mb_diags *d = mb_diags_new();
  mb_layout *l = parse(yaml, d);
  if (!l || mb_diags_count(d)) {
    fprintf(stderr, "unexpected diagnostics for:\n%s\n", yaml);
    mb_diags_print(d, stderr);
  }
  CHECK(l != NULL);
  CHECK_INT(mb_diags_count(d), 0);
  mb_diags_free(d);
  return l;
}

static mb_layout *shipped(void) {
  mb_diags *d = mb_diags_new();
  mb_layout *l = mb_layout_load(SHIPPED, d);
  mb_diags_print(d, stderr);
  CHECK(l != NULL);
  CHECK_INT(mb_diags_count(d), 0);
  mb_diags_free(d);
  return l;
}

/* 1-based line of the first line of the shipped layout that contains text, or -1. */
static int shipped_line(const char *text) {
  mb_diags *d = mb_diags_new();
  char *buf = mb_read_file(SHIPPED, 1 << 20, NULL, d, mb_pos_file(NULL));
  mb_diags_free(d);
  const char *at = buf ? strstr(buf, text) : NULL;
  int line = -1;
  if (at) {
    line = 1;
    for (const char *c = buf; c < at; c++) line += *c == '\n';
  }
  free(buf);
  return line;
}

/* The style named name (which must exist). */
static const mb_style *style(const mb_layout *l, const char *name) {
  static mb_style none;
  const mb_style *s = mb_layout_find_style(l, name);
  if (!s) fprintf(stderr, "no style '%s'\n", name);
  CHECK(s != NULL);
  return s ? s : &none;
}

/* ---- the shipped layout ---- */

static void test_shipped_page(void) {
  mb_layout *l = shipped();
  if (!l) return;
  CHECK_STR(l->name, "A4 booklet");
  CHECK_STR(l->path, SHIPPED);
  CHECK_PT(l->page_w, 595.28);
  CHECK_PT(l->page_h, 841.89);
  CHECK_MM(l->bleed, 3);
  CHECK_MM(l->margin_top, 22);
  CHECK_MM(l->margin_bottom, 22);
  CHECK_MM(l->margin_inner, 20);
  CHECK_MM(l->margin_outer, 16);
  CHECK_INT(l->columns, 2);
  CHECK_MM(l->gutter, 7);
  CHECK_INT(l->page_multiple, 4);
  mb_layout_free(l);
}

static void test_shipped_styles(void) {
  mb_layout *l = shipped();
  if (!l) return;
  const mb_style *body = style(l, "body");
  CHECK_STR(body->font, "Noto Serif, Noto Serif Devanagari");
  CHECK(body->size > 0 && body->leading > body->size);
  CHECK_INT(body->color, 0x1d1d22FF);
  CHECK_INT(body->align, MB_ALIGN_JUSTIFY);
  CHECK(body->hyphenate);
  CHECK_INT(body->weight, 400);
  CHECK_STR(body->pos.file, SHIPPED);
  CHECK_INT(body->pos.line, shipped_line("\n  body:\n") + 2); /* the key after body: */
  CHECK_INT(body->pos.col, 5);
  const mb_style *value = style(l, "stat-value");
  CHECK_STR(value->features, "tnum, lnum");
  CHECK_INT(value->weight, 700);
  const mb_style *head = style(l, "running-head");
  CHECK(head->uppercase);
  CHECK_INT(head->tracking, MB_PT(0.8));
  CHECK(style(l, "quote")->italic);
  CHECK(style(l, "h1")->span);
  mb_layout_free(l);
}

/* Inheritance in the shipped layout, as relations (its values get tuned). */
static void test_shipped_inheritance(void) {
  mb_layout *l = shipped();
  if (!l) return;
  const mb_style *body = style(l, "body"), *hi = style(l, "body@hi");
  CHECK_STR(hi->font, "Noto Serif Devanagari, Noto Serif");
  CHECK_INT(hi->color, body->color); /* body@hi keeps body's ink */
  CHECK_INT(hi->color, 0x1d1d22FF);
  CHECK_INT(hi->align, body->align);
  CHECK_INT(hi->space_after, body->space_after);
  CHECK_INT(hi->weight, body->weight);
  CHECK(!hi->hyphenate && body->hyphenate);
  const mb_style *h1 = style(l, "h1"), *h1hi = style(l, "h1@hi");
  CHECK_INT(h1hi->weight, 700);
  CHECK_INT(h1hi->size, h1->size);
  CHECK_INT(h1hi->color, h1->color);
  CHECK_INT(h1hi->space_after, h1->space_after);
  CHECK(h1hi->leading != h1->leading);
  CHECK(h1->span && h1hi->span); /* Hindi titles span the columns too */
  const mb_style *h2 = style(l, "h2"), *h3 = style(l, "h3");
  CHECK_STR(h3->font, h2->font);
  CHECK_INT(h3->weight, h2->weight);
  CHECK_INT(h3->color, h2->color);
  CHECK_INT(h3->space_before, h2->space_before);
  CHECK(h3->size < h2->size);
  const mb_style *link = style(l, "link"); /* no based-on: body */
  CHECK_INT(link->color, 0xa31f34FF);
  CHECK_INT(link->size, body->size);
  CHECK_STR(link->font, body->font);
  mb_layout_free(l);
}

static void test_inheritance(void) {
  mb_layout *l = parse_ok("styles:\n"
                          "  body: {font: Serif, size: 10pt, leading: 14pt, color: '#111111',"
                          " align: justify, space-after: 5pt}\n"
                          "  body@hi: {font: Deva, leading: 16pt}\n"
                          "  h2: {font: Sans, weight: bold, size: 12pt, color: '#aa0000',"
                          " space-before: 9pt, hyphenate: no, keep-with-next: yes}\n"
                          "  h3: {based-on: h2, size: 10pt}\n"
                          "  h3@hi: {size: 11pt}\n"
                          "  quote: {italic: yes}\n");
  if (!l) return;
  const mb_style *hi = style(l, "body@hi");
  CHECK_STR(hi->font, "Deva");
  CHECK_INT(hi->size, MB_PT(10));
  CHECK_INT(hi->leading, MB_PT(16));
  CHECK_INT(hi->color, 0x111111FF);
  CHECK_INT(hi->align, MB_ALIGN_JUSTIFY);
  CHECK_INT(hi->space_after, MB_PT(5));
  const mb_style *h3 = style(l, "h3");
  CHECK_STR(h3->font, "Sans");
  CHECK_INT(h3->weight, 700);
  CHECK_INT(h3->size, MB_PT(10));
  CHECK(labs((long)h3->leading - MB_PT(14)) <= 1); /* h2's leading, scaled back to 10 pt */
  CHECK_INT(h3->color, 0xAA0000FF);
  CHECK_INT(h3->space_before, MB_PT(9));
  CHECK_INT(h3->align, MB_ALIGN_JUSTIFY); /* h2 has none: body's */
  CHECK(!h3->hyphenate);
  const mb_style *h3hi = style(l, "h3@hi");
  CHECK_INT(h3hi->size, MB_PT(11));
  CHECK_INT(h3hi->color, 0xAA0000FF);
  CHECK_INT(h3hi->weight, 700);
  CHECK(h3->keep_with_next && h3hi->keep_with_next);
  const mb_style *quote = style(l, "quote");
  CHECK(quote->italic && !style(l, "body")->italic);
  CHECK_STR(quote->font, "Serif");
  CHECK_INT(quote->leading, MB_PT(14));
  mb_layout_free(l);
}

static void test_shipped_templates(void) {
  mb_layout *l = shipped();
  if (!l) return;
  CHECK(l->cover.defined && l->body.defined && l->back.defined);
  CHECK_INT(l->cover.nfills, 2);
  CHECK_INT(l->cover.nframes, 3);
  if (l->cover.nfills == 2 && l->cover.nframes == 3) {
    const mb_fill *band = &l->cover.fills[0];
    CHECK_INT(band->rect.w, l->page_w);
    CHECK(labs((long)band->rect.h - lround(l->page_h * 0.64)) <= 1);
    CHECK_INT(band->color, 0xa31f34FF);
    const mb_frame_spec *title = &l->cover.frames[0];
    CHECK_INT(title->content, MB_FRAME_TITLE);
    CHECK_STR(title->style, "cover-title");
    CHECK_INT(title->valign, MB_VALIGN_BOTTOM);
    CHECK_MM(title->rect.x, 18);
    CHECK_MM(title->rect.y, 80);
    CHECK_MM(title->rect.w, 174);
    CHECK_INT(title->columns, 1);
    CHECK_INT(l->cover.frames[2].content, MB_FRAME_FLOW);
    CHECK_INT(title->pos.line, shipped_line("- {content: title, x: 18mm"));
    CHECK_INT(title->pos.col, 9);
  }
  CHECK(l->body.folio && l->body.running_head);
  CHECK_INT(l->body.nframes, 0);
  if (l->back.nframes == 2) CHECK_INT(l->back.frames[1].valign, MB_VALIGN_CENTER);
  mb_layout_free(l);
}

static void test_shipped_parts(void) {
  mb_layout *l = shipped();
  if (!l) return;
  CHECK_STR(l->folio.style, "folio");
  CHECK_MM(l->folio.baseline, 12);
  CHECK_INT(l->folio.side, MB_SIDE_OUTER);
  CHECK_STR(l->running_head.style, "running-head");
  CHECK_INT(l->running_head.rule_color, 0xc9c9cfFF);
  CHECK_INT(l->running_head.rule_weight, MB_PT(0.5));
  CHECK_INT(l->callouts.kind, MB_CALLOUT_BAND);
  CHECK_INT(l->callouts.columns, 4);
  CHECK_MM(l->callouts.padding, 3.5);
  CHECK_INT(l->callouts.background, 0xf6eceeFF);
  CHECK_STR(l->callouts.note_style, "stat-note");
  CHECK_INT(l->callouts.max_label_lines, 4);
  CHECK_INT(l->quotes.rule_color, 0xa31f34FF);
  CHECK_MM(l->quotes.indent, 5);
  CHECK_STR(l->lists.bullet, "\xE2\x80\xA2");
  mb_layout_free(l);
}

/* ---- style lookup ---- */

static void test_style_fallbacks(void) {
  mb_layout *l = shipped();
  if (!l) return;
  CHECK_STR(mb_layout_style(l, "h4", NULL)->name, "h3");
  CHECK_STR(mb_layout_style(l, "h6", NULL)->name, "h3");
  CHECK_STR(mb_layout_style(l, "no-such-role", NULL)->name, "body");
  CHECK_STR(mb_layout_style(l, "h1", "hi")->name, "h1@hi");
  CHECK_STR(mb_layout_style(l, "h1", "hi-IN")->name, "h1@hi");
  CHECK_STR(mb_layout_style(l, "h1", "en")->name, "h1");
  CHECK_STR(mb_layout_style(l, "h3", "hi")->name, "h3");
  CHECK_STR(mb_layout_style(l, "h5", "hi")->name, "h3");
  CHECK_STR(mb_layout_style(l, "stat-note", "hi")->name, "stat-note@hi");
  CHECK_STR(mb_layout_style(l, "caption", "hi")->name, "caption");
  CHECK_STR(mb_layout_style(l, "no-such-role", "hi")->name, "body@hi");
  CHECK_STR(mb_layout_style(l, "body", "fr")->name, "body");
  CHECK(mb_layout_find_style(l, "h4") == NULL);
  CHECK(mb_layout_find_style(l, "body@fr") == NULL);
  mb_layout_free(l);
}

static void test_style_fallback_chains(void) {
  mb_layout *l = parse_ok("styles:\n"
                          "  body: {size: 10pt}\n"
                          "  h1: {size: 20pt}\n"
                          "  stat-label: {size: 8pt}\n"
                          "  cover-title: {size: 40pt}\n"
                          "  list@hi: {size: 11pt}\n");
  if (!l) return;
  CHECK_STR(mb_layout_style(l, "h4", NULL)->name, "h1");
  CHECK_STR(mb_layout_style(l, "stat-note", NULL)->name, "stat-label");
  CHECK_STR(mb_layout_style(l, "stat-value", NULL)->name, "body");
  CHECK_STR(mb_layout_style(l, "cover-subtitle", NULL)->name, "body");
  CHECK_STR(mb_layout_style(l, "list", NULL)->name, "body");
  CHECK_STR(mb_layout_style(l, "list", "hi")->name, "list@hi");
  CHECK_INT(mb_layout_style(l, "list", "hi")->size, MB_PT(11));
  mb_layout_free(l);
}

static void test_style_values(void) {
  mb_layout *l = parse_ok("colors: {ink: '#123', glass: '#11223344', veil: '#0008'}\n"
                          "styles:\n"
                          "  body: {size: 10pt, leading: 1.5, color: ink, weight: semibold}\n"
                          "  big: {size: 20pt, color: glass, weight: 300, align: center}\n"
                          "  plain: {color: none, first-indent: -2mm, keep-with-next: yes}\n"
                          "  veiled: {color: veil, tracking: -0.5pt}\n"
                          "  hex: {color: '#A31F34', leading: 12pt}\n");
  if (!l) return;
  CHECK_INT(style(l, "body")->leading, MB_PT(15));
  CHECK_INT(style(l, "body")->color, 0x112233FF);
  CHECK_INT(style(l, "body")->weight, 600);
  CHECK_INT(style(l, "big")->leading, MB_PT(30)); /* scaled with the size */
  CHECK_INT(style(l, "big")->color, 0x11223344);
  CHECK_INT(style(l, "big")->weight, 300);
  CHECK_INT(style(l, "big")->align, MB_ALIGN_CENTER);
  CHECK_INT(style(l, "plain")->color, 0);
  CHECK_MM(style(l, "plain")->first_indent, -2);
  CHECK(style(l, "plain")->keep_with_next);
  CHECK_INT(style(l, "veiled")->color, 0x00000088);
  CHECK_INT(style(l, "veiled")->tracking, MB_PT(-0.5));
  CHECK_INT(style(l, "hex")->color, 0xA31F34FF);
  CHECK_INT(style(l, "hex")->leading, MB_PT(12));
  CHECK_INT(style(l, "hex")->size, MB_PT(10));
  mb_layout_free(l);
}

/* ---- page geometry ---- */

static void test_body_area(void) {
  mb_layout *l = shipped();
  if (!l) return;
  mb_rect right = mb_layout_body_area(l, 1), left = mb_layout_body_area(l, 2);
  CHECK_INT(right.x, l->margin_inner);
  CHECK_INT(left.x, l->margin_outer);
  CHECK_INT(right.y, l->margin_top);
  CHECK_INT(left.y, l->margin_top);
  CHECK_MM(right.w, 174);
  CHECK_INT(left.w, right.w);
  CHECK_MM(right.h, 253);
  CHECK_INT(left.h, right.h);
  /* Mirrored: the inner margin is on the spine side of both pages. */
  CHECK_INT(l->page_w - (left.x + left.w), l->margin_inner);
  CHECK_INT(l->page_w - (right.x + right.w), l->margin_outer);
  CHECK_INT(mb_layout_body_area(l, 3).x, right.x);
  CHECK_INT(mb_layout_body_area(l, 4).x, left.x);
  mb_layout_free(l);
}

static void check_page_size(const char *size, double w_pt, double h_pt) {
  char yaml[200];
  snprintf(yaml, sizeof yaml, "page: {size: \"%s\"}\nstyles: {body: {}}\n", size);
  mb_layout *l = parse_ok(yaml);
  if (!l) return;
  if (fabs(mb_len_pt(l->page_w) - w_pt) > 0.01 || fabs(mb_len_pt(l->page_h) - h_pt) > 0.01)
    fprintf(stderr, "page size '%s' is %g x %g pt\n", size, mb_len_pt(l->page_w),
            mb_len_pt(l->page_h));
  CHECK_PT(l->page_w, w_pt);
  CHECK_PT(l->page_h, h_pt);
  mb_layout_free(l);
}

static void test_page_sizes(void) {
  check_page_size("Letter", 612, 792);
  check_page_size("letter", 612, 792);
  check_page_size("A5", 419.53, 595.28);
  check_page_size("a4", 595.28, 841.89);
  check_page_size("148mm x 210mm", 419.53, 595.28);
  check_page_size("5.5in X 8.5in", 396, 612);
  check_page_size("210mm\303\227297mm", 595.28, 841.89); /* 210mm×297mm, octal escapes */
  check_page_size("200pt x 3in", 200, 216);
  mb_layout *l = parse_ok("styles: {body: {}}\n"); /* no page: A4 */
  if (l) CHECK_PT(l->page_w, 595.28);
  mb_layout_free(l);
}

static void test_bad_page_sizes(void) {
  CHECK_LAYOUT_ERROR("page:\n  size: A3\nstyles: {body: {}}\n", 2, 9,
                     "unknown page size 'A3': use A4, A5, Letter or WIDTHxHEIGHT");
  CHECK_LAYOUT_ERROR("page: {size: 148 x 210}\nstyles: {body: {}}\n", 1, 14, "missing unit");
  CHECK_LAYOUT_ERROR("page: {size: 10mm x 10mm}\nstyles: {body: {}}\n", 1, 14,
                     "pages must be at least 1 in");
  CHECK_LAYOUT_ERROR("page: {size: -148mm x 210mm}\nstyles: {body: {}}\n", 1, 14, "at least 1 in");
  CHECK_LAYOUT_ERROR("page: {size: 148mm x}\nstyles: {body: {}}\n", 1, 14,
                     "unknown page size '148mm x'");
  CHECK_LAYOUT_ERROR("page: {size: 148mm x 3 furlongs}\nstyles: {body: {}}\n", 1, 14,
                     "unknown unit");
  CHECK_LAYOUT_ERROR("page: {size: [148mm, 210mm]}\nstyles: {body: {}}\n", 1, 14,
                     "page size must be a string, not a list");
}

/* ---- errors ---- */

static void test_unknown_keys(void) {
  CHECK_LAYOUT_ERROR("styles:\n  body: {}\n  h1:\n    colour: red\n", 4, 5,
                     "unknown key 'colour' in style 'h1'; did you mean 'color'?");
  CHECK_LAYOUT_ERROR("name: x\nsyles: {body: {}}\n", 2, 1,
                     "unknown key 'syles' in the layout; did you mean 'styles'?");
  CHECK_LAYOUT_ERROR("page:\n  margin: {top: 1mm}\nstyles: {body: {}}\n", 2, 3,
                     "unknown key 'margin' in 'page'; did you mean 'margins'?");
  CHECK_LAYOUT_ERROR("page: {margins: {left: 1mm}}\nstyles: {body: {}}\n", 1, 18,
                     "unknown key 'left' in 'margins'");
  CHECK_LAYOUT_ERROR("styles: {body: {}}\nfolio: {style: body, sied: outer}\n", 2, 22,
                     "unknown key 'sied' in 'folio'; did you mean 'side'?");
}

static void test_wrong_units(void) {
  CHECK_LAYOUT_ERROR("styles:\n  body:\n    size: 12\n", 3, 11,
                     "'size' must be a length, not '12': missing unit");
  CHECK_LAYOUT_ERROR("styles:\n  body: {space-after: 3 furlongs}\n", 2, 23,
                     "'space-after' must be a length, not '3 furlongs': unknown unit");
  CHECK_LAYOUT_ERROR("page: {gutter: 5%}\nstyles: {body: {}}\n", 1, 16,
                     "a percentage is not allowed here");
  CHECK_LAYOUT_ERROR("styles:\n  body: {leading: 12}\n", 2, 19, "'leading' ratio 12 is too large");
}

static void test_bad_sizes(void) {
  CHECK_LAYOUT_ERROR("styles:\n  body: {size: -3pt}\n", 2, 16,
                     "'size' must be more than zero, not -3 pt");
  CHECK_LAYOUT_ERROR("styles:\n  body: {size: 0}\n", 2, 16, "'size' must be more than zero, not 0");
  CHECK_LAYOUT_ERROR("page:\n  margins: {top: -1mm}\nstyles: {body: {}}\n", 2, 18,
                     "'top' must be zero or more");
  CHECK_LAYOUT_ERROR("styles:\n  body: {size: 600pt}\n", 2, 9, "font size above 500 pt");
  CHECK_LAYOUT_ERROR("page: {bleed: 25mm}\nstyles: {body: {}}\n", 1, 15,
                     "'bleed' above 20 mm is not a bleed");
  CHECK_LAYOUT_ERROR("page: {columns: 13}\nstyles: {body: {}}\n", 1, 17,
                     "columns must be between 1 and 12, not 13");
}

static void test_no_room(void) {
  CHECK_LAYOUT_ERROR(
      "page:\n  size: A5\n  margins: {inner: 70mm, outer: 70mm}\nstyles: {body: {}}\n", 2, 3,
      "the margins, columns and gutter leave no room for text");
  CHECK_LAYOUT_ERROR("page: {columns: 12, gutter: 20mm}\nstyles: {body: {}}\n", 1, 7,
                     "leave no room for text");
  CHECK_LAYOUT_ERROR("page: {margins: {top: 150mm, bottom: 140mm}}\nstyles: {body: {}}\n", 1, 7,
                     "leave no room for text");
}

static const char frame_prefix[] = "styles:\n"
                                   "  body: {}\n"
                                   "  cover-title: {size: 40pt}\n"
                                   "templates:\n"
                                   "  cover:\n"
                                   "    frames:\n";

/* The prefix above followed by one frame line (line 7). */
static const char *frame_layout(const char *frame) {
  static char buf[600];
  snprintf(buf, sizeof buf, "%s      - %s\n", frame_prefix, frame);
  return buf;
}

static void test_frames(void) {
  mb_layout *l = parse_ok(frame_layout("{content: title, right: 10mm, w: 50%, bottom: 0, h: 10%,"
                                       " style: cover-title, columns: 2, gutter: 4mm}"));
  if (!l) return;
  CHECK_INT(l->cover.nframes, 1);
  if (l->cover.nframes == 1) {
    const mb_frame_spec *f = &l->cover.frames[0];
    CHECK_INT(f->rect.w, l->page_w / 2);
    CHECK(labs((long)f->rect.x - (long)(l->page_w - MB_MM(10) - l->page_w / 2)) <= 1);
    CHECK_INT(f->rect.y + f->rect.h, l->page_h);
    CHECK_INT(f->columns, 2);
    CHECK_MM(f->gutter, 4);
    CHECK_INT(f->pos.line, 7);
    CHECK_INT(f->pos.col, 9);
  }
  CHECK(!l->back.defined);
  mb_layout_free(l);
}

static void test_frame_errors(void) {
  CHECK_LAYOUT_ERROR(frame_layout("{x: 100mm, y: 0, w: 150mm, h: 10mm}"), 7, 9,
                     "frame does not fit the page: it spans 283.5..708.7");
  CHECK_LAYOUT_ERROR(frame_layout("{x: 0, y: 290mm, h: 10mm}"), 7, 9,
                     "frame does not fit the page");
  CHECK_LAYOUT_ERROR(frame_layout("{x: 210mm, y: 0}"), 7, 9, "frame has no area");
  CHECK_LAYOUT_ERROR(frame_layout("{content: title, style: cover-titel}"), 7, 33,
                     "unknown style 'cover-titel' in 'style'; did you mean 'cover-title'?");
  CHECK_LAYOUT_ERROR(frame_layout("{content: text}"), 7, 9,
                     "a frame with 'content: text' needs 'text'");
  CHECK_LAYOUT_ERROR(frame_layout("{content: body}"), 7, 19,
                     "'content' must be one of flow, title, subtitle, text, not 'body'");
  CHECK_LAYOUT_ERROR(frame_layout("{x: 0, width: 10mm}"), 7, 16, "unknown key 'width' in a frame");
}

static void test_unknown_style_references(void) {
  CHECK_LAYOUT_ERROR("styles:\n  body: {}\n  h2: {based-on: hedaing}\n", 3, 18,
                     "unknown style 'hedaing' in 'based-on'");
  CHECK_LAYOUT_ERROR("styles:\n  body: {}\n  h1: {}\n  h2: {based-on: h3}\n", 4, 18,
                     "unknown style 'h3' in 'based-on'; did you mean 'h1'?");
  CHECK_LAYOUT_ERROR("styles: {body: {}, folio: {}}\nfolio: {style: foli}\n", 2, 16,
                     "unknown style 'foli' in 'style'; did you mean 'folio'?");
  CHECK_LAYOUT_ERROR("styles: {body: {}}\ncallouts: {value-style: stat-value}\n", 2, 25,
                     "unknown style 'stat-value' in 'value-style'");
}

static void test_style_cycles(void) {
  CHECK_LAYOUT_ERROR("styles:\n  body: {based-on: body}\n", 2, 9,
                     "style 'body' is based on itself");
  mb_diags *d = mb_diags_new();
  mb_layout *l = parse("styles:\n  body: {}\n  a: {based-on: b}\n  b: {based-on: a}\n", d);
  CHECK(l == NULL);
  mb_layout_free(l);
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK(all_input_errors(d));
  if (mb_diags_count(d)) {
    CHECK_CONTAINS(mb_diags_at(d, 0)->message, "style 'a' is based on itself");
    CHECK_INT(mb_diags_at(d, 0)->pos.line, 3);
  }
  mb_diags_free(d);
}

static void test_colour_errors(void) {
  CHECK_LAYOUT_ERROR("colors: {ink: '#111111'}\nstyles:\n  body: {color: inc}\n", 3, 17,
                     "not 'inc'; did you mean 'ink'?");
  CHECK_LAYOUT_ERROR("styles:\n  body: {color: '#12345'}\n", 2, 17, "'color' must be a colour");
  CHECK_LAYOUT_ERROR("colors:\n  ink: '#12345g'\nstyles: {body: {}}\n", 2, 8,
                     "colour 'ink' must be #rrggbb");
  CHECK_LAYOUT_ERROR("styles: {body: {}}\nquotes: {rule: reddish}\n", 2, 16,
                     "'rule' must be a colour");
}

static void test_style_errors(void) {
  CHECK_LAYOUT_ERROR("styles:\n  h1: {size: 20pt}\n", 2, 3, "'styles' must define 'body'");
  CHECK_LAYOUT_ERROR("name: No styles\n", 1, 1, "the layout has no 'styles'");
  CHECK_LAYOUT_ERROR("styles:\n  body: {}\n  body: {}\n", 3, 3, "style 'body' defined twice");
  CHECK_LAYOUT_ERROR("styles:\n  body: {align: centre}\n", 2, 17,
                     "'align' must be one of left, right, center, justify, not 'centre'");
  CHECK_LAYOUT_ERROR("styles:\n  body: {weight: heavy}\n", 2, 18,
                     "'weight' must be regular, medium, semibold, bold, ... or 100 to 900");
  CHECK_LAYOUT_ERROR("styles:\n  body: {italic: sometimes}\n", 2, 18,
                     "italic must be yes or no, not 'sometimes'");
  CHECK_LAYOUT_ERROR("styles:\n  body: {}\n  h1: [a]\n", 3, 7, "style 'h1' must be a mapping");
}

static void test_syntax_errors(void) {
  CHECK_LAYOUT_ERROR("styles:\n  body: {size: 9pt\n", 3, 1, "YAML syntax error");
  CHECK_LAYOUT_ERROR("name: x\n  styles: y\n", 2, 9, "YAML syntax error: mapping values");
  CHECK_LAYOUT_ERROR("- a\n- b\n", 1, 1, "the layout must be a mapping");
}

static void test_invalid_utf8(void) {
  CHECK_LAYOUT_ERROR("name: caf\xC3\nstyles: {body: {}}\n", 1, 10,
                     "invalid UTF-8 (byte 0xC3 at offset 9)");
  CHECK_LAYOUT_ERROR("styles:\n  body: {font: \"\xE0\xA4\xB9\xED\xA0\x80\"}\n", 2, 18,
                     "invalid UTF-8 (byte 0xED at offset 27)");
}

static void test_empty_layout(void) {
  mb_diags *d = mb_diags_new();
  CHECK(parse("# nothing here\n", d) == NULL);
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK(all_input_errors(d));
  CHECK_STR(mb_diags_at(d, 0)->pos.file, LAYOUT_PATH);
  CHECK_INT(mb_diags_at(d, 0)->pos.line, 0);
  CHECK_CONTAINS(mb_diags_at(d, 0)->message, "the layout file is empty");
  mb_diags_free(d);
}

static void test_load_missing(void) {
  mb_diags *d = mb_diags_new();
  CHECK(mb_layout_load("/nonexistent/layout.yaml", d) == NULL);
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK(mb_diags_has_kind(d, MB_DIAG_IO));
  CHECK_STR(mb_diags_at(d, 0)->pos.file, "/nonexistent/layout.yaml");
  CHECK_CONTAINS(mb_diags_at(d, 0)->message, "cannot open");
  mb_diags_free(d);
}

/* Regressions from review: one error for a bad body style, limits and flow frames reported,
 * variants of undefined roles start from body, extends keeps what it does not set. */
static void test_review_regressions(void) {
  CHECK_LAYOUT_ERROR("styles:\n  body:\n    colour: red\n", 3, 5, "unknown key 'colour'");
  CHECK_LAYOUT_ERROR("styles:\n  body: {size: 9pt}\ntemplates:\n  body:\n    frames: []\n", 5, 5,
                     "unknown key 'frames' in template 'body'");
  CHECK_LAYOUT_ERROR("styles:\n  body: {size: 9pt}\ntemplates:\n  back:\n    frames:\n"
                     "      - {content: flow, x: 0, y: 0, w: 50mm, h: 50mm}\n"
                     "      - {content: flow, x: 0, y: 60mm, w: 50mm, h: 50mm}\n",
                     7, 9, "at most one frame with 'content: flow'");
  mb_layout *l =
      parse_ok("styles:\n  body: {size: 9pt, color: \"#123\"}\n  caption@hi: {italic: yes}\n");
  if (l) {
    const mb_style *c = mb_layout_find_style(l, "caption@hi");
    CHECK(c && c->size == MB_PT(9) && c->italic && c->color == 0x112233FF);
    mb_layout_free(l);
  }
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (!f) return;
  fputs(text, f);
  fclose(f);
}

/* extends: the base's values are the start, this file's win key by key. */
static void test_extends(void) {
  char dir[] = "/tmp/mb-extends-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char *base = mb_path_join(dir, "base.yml"), *child = mb_path_join(dir, "child.yaml");
  write_file(base, "page: {size: Letter, columns: 2}\ncolors: {accent: \"#ff0000\"}\n"
                   "styles:\n  body: {size: 9pt, color: accent}\n  h2: {size: 12pt}\n");
  write_file(child, "extends: base.yml\npage: {columns: 3}\ncolors: {accent: \"#0000ff\"}\n"
                    "styles:\n  h2: {color: accent}\n");
  mb_diags *d = mb_diags_new();
  mb_layout *l = mb_layout_load(child, d);
  CHECK(l != NULL);
  if (l) {
    CHECK_PT(l->page_w, 612); /* the base's size: the page block here gives none */
    CHECK_INT(l->columns, 3);
    const mb_style *body = mb_layout_find_style(l, "body"), *h2 = mb_layout_find_style(l, "h2");
    CHECK(body && body->color == 0xFF0000FF); /* read with the base's colours */
    CHECK(h2 && h2->size == MB_PT(12) && h2->color == 0x0000FFFF);
  }
  mb_layout_free(l);
  mb_diags_free(d);
  unlink(base);
  unlink(child);
  rmdir(dir);
  free(base);
  free(child);
}

int main(void) {
  RUN(test_extends);
  RUN(test_review_regressions);
  RUN(test_shipped_page);
  RUN(test_shipped_styles);
  RUN(test_shipped_inheritance);
  RUN(test_inheritance);
  RUN(test_shipped_templates);
  RUN(test_shipped_parts);
  RUN(test_style_fallbacks);
  RUN(test_style_fallback_chains);
  RUN(test_style_values);
  RUN(test_body_area);
  RUN(test_page_sizes);
  RUN(test_bad_page_sizes);
  RUN(test_unknown_keys);
  RUN(test_wrong_units);
  RUN(test_bad_sizes);
  RUN(test_no_room);
  RUN(test_frames);
  RUN(test_frame_errors);
  RUN(test_unknown_style_references);
  RUN(test_style_cycles);
  RUN(test_colour_errors);
  RUN(test_style_errors);
  RUN(test_syntax_errors);
  RUN(test_invalid_utf8);
  RUN(test_empty_layout);
  RUN(test_load_missing);
  return harness_report();
}
