/* Line quality of justified body text: total-fit against Pango's greedy breaker.
 *
 * Sets every justified body paragraph of a document at the layout's column measure with both
 * paragraph builders and prints, per language and builder, the word-space ratio of every
 * justified line (the last line of a paragraph excluded): actual over natural width of its
 * word spaces. Reports the maximum and minimum, the 95th percentile of |ratio - 1|, the share
 * of lines stretched beyond 1.5x or shrunk below 0.8x, the hyphenated lines and the longest
 * run of them. A benchmark, not a test: run it with bench/typography.
 *
 * Usage: mb_typography CONTENT LAYOUT FONTS */
#include "content/content.h"
#include "layout/para.h"
#include "style/style.h"
#include "text/fonts.h"
#include "util/mem.h"

#include <math.h>
#include <pango/pango.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef MB_VEC(double) double_vec;

typedef struct stats {
  double_vec ratios;
  int lines, hyphenated, longest_run, run;
} stats;

/* The advance of a space in a run's font, in mb_len. */
static double space_width(mb_fonts *fonts, const mb_glyph_run *run) {
  hb_font_t *hb = pango_font_get_hb_font(mb_fonts_get(fonts, run->font));
  hb_codepoint_t g;
  int xs, ys;
  hb_font_get_scale(hb, &xs, &ys);
  if (!hb_font_get_nominal_glyph(hb, ' ', &g) || xs == 0) return 0;
  return (double)hb_font_get_glyph_h_advance(hb, g) / xs * run->size;
}

/* Actual and natural widths of the word spaces of a line (not those at its end). */
static void line_spaces(mb_fonts *fonts, const mb_line *line, double *actual, double *natural) {
  double pending_a = 0, pending_n = 0;
  *actual = *natural = 0;
  for (size_t r = 0; r < line->nruns; r++) {
    const mb_box *box = &line->runs[r];
    if (box->kind != MB_BOX_GLYPHS) continue;
    const mb_glyph_run *run = &box->u.glyphs.run;
    double nat = space_width(fonts, run);
    for (uint32_t i = 0; i < run->nglyphs; i++) {
      uint32_t c = run->glyphs[i].cluster;
      if (c < run->text_len && run->text[c] == ' ') {
        pending_a += run->glyphs[i].x_advance;
        pending_n += nat;
      } else { /* a space counts once something follows it on the line */
        *actual += pending_a;
        *natural += pending_n;
        pending_a = pending_n = 0;
      }
    }
  }
}

static bool is_space(char c) {
  return c == ' ' || c == '\t';
}

static void count_line(stats *st, mb_fonts *fonts, const mb_text *t, const mb_line *line) {
  bool hyphenated = line->end < t->len && line->end > 0 && !is_space(t->str[line->end - 1]) &&
                    !is_space(t->str[line->end]);
  st->hyphenated += hyphenated;
  st->run = hyphenated ? st->run + 1 : 0;
  if (st->run > st->longest_run) st->longest_run = st->run;
  double actual, natural;
  line_spaces(fonts, line, &actual, &natural);
  if (natural <= 0) return;
  mb_vec_push(&st->ratios, actual / natural);
  if (getenv("MB_TYPO_VERBOSE") && actual / natural > atof(getenv("MB_TYPO_VERBOSE")))
    fprintf(stderr, "%.2f |%.*s|\n", actual / natural, (int)(line->end - line->start),
            t->str + line->start);
  st->lines++;
}

typedef struct job {
  const mb_layout *layout;
  mb_fonts *fonts;
  mb_para_builder *builder;
  mb_len measure;
  const char *lang;
  stats *st;
  mb_arena *arena;
} job;

static void set_paragraph(job *j, const mb_block *blk, const char *lang) {
  const mb_text *t = &blk->u.text;
  const mb_style *style = mb_layout_style(j->layout, "body", mb_text_lang(t->str, t->len, lang));
  if (style->align != MB_ALIGN_JUSTIFY) return;
  mb_para_in in;
  memset(&in, 0, sizeof in);
  in.text = t;
  in.style = style;
  in.lang = lang;
  in.width = j->measure;
  in.first_indent = style->first_indent;
  in.link_color = style->color;
  in.pos = blk->pos;
  in.block = blk->id;
  in.hyphenate = style->hyphenate;
  mb_line *lines;
  size_t n;
  mb_diags *diags = mb_diags_new();
  if (j->builder->build(j->builder, &in, j->arena, &lines, &n, diags)) {
    j->st->run = 0;
    for (size_t k = 0; k + 1 < n; k++) count_line(j->st, j->fonts, t, &lines[k]);
  }
  mb_diags_free(diags);
}

static void set_section(job *j, const mb_section *sec) {
  const char *lang = sec->meta.lang ? sec->meta.lang : "en";
  if (strcmp(lang, j->lang) != 0 || sec->template_kind != MB_TEMPLATE_BODY) return;
  for (size_t i = 0; i < sec->blocks.len; i++)
    if (sec->blocks.items[i].kind == MB_BLOCK_PARA) set_paragraph(j, &sec->blocks.items[i], lang);
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double p95_deviation(const double_vec *r) {
  if (!r->len) return 0;
  double *d = mb_xcalloc(r->len, sizeof(double));
  for (size_t i = 0; i < r->len; i++) d[i] = fabs(r->items[i] - 1);
  qsort(d, r->len, sizeof(double), by_value);
  double v = d[(size_t)ceil(0.95 * (double)r->len) - 1];
  free(d);
  return v;
}

static void print_row(const char *lang, const char *breaker, const stats *st) {
  double max = 0, min = INFINITY;
  int loose = 0, tight = 0;
  for (size_t i = 0; i < st->ratios.len; i++) {
    double r = st->ratios.items[i];
    if (r > max) max = r;
    if (r < min) min = r;
    loose += r > 1.5;
    tight += r < 0.8;
  }
  int n = st->lines ? st->lines : 1;
  printf("| %-5s | %-9s | %5d | %5.2f | %5.2f | %5.3f | %5.1f%% | %5.1f%% | %4d | %3d |\n", lang,
         breaker, st->lines, max, st->lines ? min : 0, p95_deviation(&st->ratios),
         100.0 * loose / n, 100.0 * tight / n, st->hyphenated, st->longest_run);
}

static mb_len column_width(const mb_layout *l) {
  mb_rect area = mb_layout_body_area(l, 2);
  return (area.w - l->gutter * (l->columns - 1)) / l->columns;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s CONTENT LAYOUT FONTS\n", argv[0]);
    return 2;
  }
  mb_diags *diags = mb_diags_new();
  mb_doc *doc = mb_content_load(argv[1], diags);
  mb_layout *layout = mb_layout_load(argv[2], diags);
  mb_fonts *fonts = mb_fonts_new(argv[3], diags);
  if (!doc || !layout || !fonts) {
    mb_diags_print(diags, stderr);
    return 1;
  }
  printf("measure %.1f pt\n\n", mb_len_pt(column_width(layout)));
  printf(
      "| lang  | breaker   | lines |   max |   min | p95 |r-1| | >1.5x | <0.8x | hyph | run |\n");
  printf(
      "|-------|-----------|-------|-------|-------|-----------|-------|-------|------|-----|\n");
  static const char *const langs[] = {"en", "hi"};
  for (int l = 0; l < 2; l++)
    for (int b = 0; b < 2; b++) {
      stats st = {0};
      mb_para_builder *builder = b == 0 ? mb_para_tex_new(fonts) : mb_para_pango_new(fonts);
      job j = {layout, fonts, builder, column_width(layout), langs[l], &st, mb_arena_new()};
      for (size_t s = 0; s < doc->nsections; s++) set_section(&j, &doc->sections[s]);
      print_row(langs[l], b == 0 ? "total-fit" : "greedy", &st);
      mb_arena_free(j.arena);
      mb_para_builder_free(builder);
      free(st.ratios.items);
    }
  mb_fonts_free(fonts);
  mb_layout_free(layout);
  mb_doc_free(doc);
  mb_diags_free(diags);
  mb_fonts_shutdown();
  return 0;
}
