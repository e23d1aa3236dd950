/* Proof of correct Hindi shaping.
 *
 * Every string of tests/data/hindi-strings.txt (conjuncts, reph, pre-base matras, nukta,
 * ZWJ/ZWNJ forms, candrabindu, anusvara, visarga, vocalic r, digits, danda) and every distinct
 * word of the seed article is set as its own paragraph through the whole pipeline (Markdown,
 * itemisation, language, total-fit line breaking, justification) in each bundled Devanagari
 * font. The glyph ids and advances the box tree holds for it must equal what hb_shape gives
 * for the same string, font file, size and language hi; no dotted circle (U+25CC) may appear
 * in either. */
#include "harness.h"

#include "content/content.h"
#include "layout/layout.h"
#include "style/style.h"
#include "text/fonts.h"
#include "util/file.h"
#include "util/mem.h"

#include <glib.h>
#include <hb.h>
#include <stdlib.h>
#include <string.h>

typedef MB_VEC(char *) str_vec;
typedef MB_VEC(char) char_vec;
typedef MB_VEC(mb_glyph) mb_glyph_vec;

static const mb_len SIZE = MB_PT(10);
static hb_codepoint_t space_glyph; /* of the reference font */

/* ---- the strings ---- */

static void add_unique(str_vec *v, GHashTable *seen, const char *s, size_t len) {
  char *copy = g_strndup(s, len);
  if (g_hash_table_contains(seen, copy)) {
    g_free(copy);
    return;
  }
  g_hash_table_add(seen, copy);
  mb_vec_push(v, copy);
}

static void read_table(str_vec *v, GHashTable *seen) {
  char *path = mb_path_join(MB_TEST_DATA, "hindi-strings.txt");
  gchar *text = NULL;
  CHECK(g_file_get_contents(path, &text, NULL, NULL));
  for (char *line = text, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    size_t len = next ? (size_t)(next - line) : strlen(line);
    if (next) next++;
    if (len && line[0] != '#') add_unique(v, seen, line, len);
  }
  g_free(text);
  free(path);
}

static bool in_word(gunichar c) {
  return (c >= 0x0900 && c <= 0x097F) || (c >= 0xA8E0 && c <= 0xA8FF) || c == 0x200C || c == 0x200D;
}

/* Maximal runs of Devanagari of the seed article; returns how many distinct ones. */
static size_t read_words(str_vec *v, GHashTable *seen) {
  GHashTable *words = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  char *path = mb_path_join(MB_TEST_DATA, "seeds/004_f3544e220a8ca9cb.txt");
  gchar *text = NULL;
  CHECK(g_file_get_contents(path, &text, NULL, NULL));
  const char *start = NULL;
  for (const char *p = text;; p = g_utf8_next_char(p)) {
    bool letter = *p && in_word(g_utf8_get_char(p));
    if (letter && !start) start = p;
    if (!letter && start) {
      g_hash_table_add(words, g_strndup(start, (size_t)(p - start)));
      add_unique(v, seen, start, (size_t)(p - start));
      start = NULL;
    }
    if (!*p) break;
  }
  size_t n = g_hash_table_size(words);
  g_hash_table_destroy(words);
  g_free(text);
  free(path);
  return n;
}

/* ---- the pipeline ---- */

typedef struct font_case {
  const char *file, *family, *weight;
} font_case;

static const font_case FONTS[] = {
    {"NotoSerifDevanagari-Regular.ttf", "Noto Serif Devanagari", "regular"},
    {"NotoSerifDevanagari-Bold.ttf", "Noto Serif Devanagari", "bold"},
    {"NotoSansDevanagari-Regular.ttf", "Noto Sans Devanagari", "regular"},
    {"NotoSansDevanagari-Bold.ttf", "Noto Sans Devanagari", "bold"},
};

static mb_layout *proof_layout(const font_case *fc, mb_diags *d) {
  char yaml[512];
  snprintf(yaml, sizeof yaml,
           "page: {size: A4, margins: {top: 10mm, bottom: 10mm, inner: 10mm, outer: 10mm},\n"
           "       columns: 1, page-multiple: 1}\n"
           "styles:\n"
           "  body: {font: %s, weight: %s, size: 10pt, leading: 15pt, align: justify}\n",
           fc->family, fc->weight);
  return mb_layout_parse("proof.yaml", yaml, strlen(yaml), d);
}

static mb_doc *proof_doc(const str_vec *strings, mb_diags *d) {
  char_vec md = {0};
  const char *head = "---\nlang: hi\n---\n\n";
  for (const char *s = head; *s; s++) mb_vec_push(&md, *s);
  for (size_t i = 0; i < strings->len; i++) {
    for (const char *s = strings->items[i]; *s; s++) mb_vec_push(&md, *s);
    mb_vec_push(&md, '\n');
    mb_vec_push(&md, '\n');
  }
  mb_doc *doc = mb_doc_new();
  mb_content_parse(doc, "proof.md", md.items, md.len, d);
  mb_doc_finish(doc);
  free(md.items);
  return doc;
}

/* The glyphs a block's runs hold, in order. */
typedef struct placed_glyphs {
  MB_VEC(mb_glyph) glyphs;
  int runs;
} placed_glyphs;

static placed_glyphs *collect(const mb_book *book, int nblocks) {
  placed_glyphs *out = mb_xcalloc((size_t)nblocks, sizeof(placed_glyphs));
  for (size_t p = 0; p < book->npages; p++)
    for (size_t i = 0; i < book->pages[p].nboxes; i++) {
      const mb_box *b = &book->pages[p].boxes[i];
      if (b->kind != MB_BOX_GLYPHS || b->block < 0 || b->block >= nblocks) continue;
      placed_glyphs *pg = &out[b->block];
      pg->runs++;
      for (uint32_t g = 0; g < b->u.glyphs.run.nglyphs; g++)
        mb_vec_push(&pg->glyphs, b->u.glyphs.run.glyphs[g]);
    }
  return out;
}

/* ---- the reference ---- */

static hb_font_t *reference_font(const font_case *fc, hb_codepoint_t *dotted) {
  char name[128];
  snprintf(name, sizeof name, "fonts/%s", fc->file);
  char *path = mb_path_join(MB_SOURCE_DIR, name);
  hb_blob_t *blob = hb_blob_create_from_file(path);
  hb_face_t *face = hb_face_create(blob, 0);
  hb_font_t *font = hb_font_create(face);
  hb_font_set_scale(font, SIZE, SIZE);
  if (!hb_font_get_nominal_glyph(font, 0x25CC, dotted)) *dotted = (hb_codepoint_t)-1;
  if (!hb_font_get_nominal_glyph(font, ' ', &space_glyph)) space_glyph = (hb_codepoint_t)-1;
  hb_face_destroy(face);
  hb_blob_destroy(blob);
  free(path);
  return font;
}

static hb_buffer_t *reference_shape(hb_font_t *font, const char *s) {
  hb_buffer_t *buf = hb_buffer_create();
  hb_buffer_add_utf8(buf, s, -1, 0, -1);
  hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
  hb_buffer_set_script(buf, HB_SCRIPT_DEVANAGARI);
  hb_buffer_set_language(buf, hb_language_from_string("hi", -1));
  hb_shape(font, buf, NULL, 0);
  return buf;
}

/* A ZWJ or ZWNJ: HarfBuzz leaves the font's space glyph, zero wide, in its place; Pango marks
 * the glyph empty (drawn as nothing). Both mean the same, so they compare equal. */
static bool invisible(const char *s, const hb_glyph_info_t *info, const hb_glyph_position_t *pos,
                      const mb_glyph *g) {
  bool joiner = strstr(s, "\u200C") || strstr(s, "\u200D");
  return joiner && info->codepoint == space_glyph && pos->x_advance == 0 &&
         g->id == MB_GLYPH_EMPTY && g->x_advance == 0;
}

/* Compares one string; returns true when its glyphs match. */
static bool same_glyphs(const char *s, const placed_glyphs *pg, hb_buffer_t *buf,
                        hb_codepoint_t dotted, int *dotted_seen) {
  unsigned n;
  hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
  hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
  bool same = pg->glyphs.len == n;
  for (unsigned i = 0; i < n; i++) {
    if (info[i].codepoint == dotted) (*dotted_seen)++;
    if (i < pg->glyphs.len && pg->glyphs.items[i].id == dotted) (*dotted_seen)++;
    if (!same || invisible(s, &info[i], &pos[i], &pg->glyphs.items[i])) continue;
    same = pg->glyphs.items[i].id == info[i].codepoint &&
           pg->glyphs.items[i].x_advance == pos[i].x_advance;
  }
  return same;
}

static void report(const char *font, const char *s, const placed_glyphs *pg, hb_buffer_t *buf) {
  unsigned n;
  hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
  hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
  fprintf(stderr, "  %s: '%s'\n    layout:", font, s);
  for (size_t i = 0; i < pg->glyphs.len; i++)
    fprintf(stderr, " %u/%d", pg->glyphs.items[i].id, pg->glyphs.items[i].x_advance);
  fprintf(stderr, "\n    hb_shape:");
  for (unsigned i = 0; i < n; i++) fprintf(stderr, " %u/%d", info[i].codepoint, pos[i].x_advance);
  fprintf(stderr, "\n");
}

static void check_font(const font_case *fc, const str_vec *strings, mb_fonts *fonts) {
  mb_diags *d = mb_diags_new();
  mb_layout *layout = proof_layout(fc, d);
  mb_doc *doc = proof_doc(strings, d);
  CHECK(layout && doc);
  CHECK_INT(doc->nblocks, (long long)strings->len); /* one paragraph per string */
  mb_para_builder *builder = mb_para_tex_new(fonts);
  mb_book *book = mb_layout_run(doc, layout, builder, d);
  if (mb_diags_count(d)) mb_diags_print(d, stderr);
  CHECK_INT(mb_diags_count(d), 0); /* no missing glyph, no overfull line */
  placed_glyphs *placed = collect(book, doc->nblocks);
  hb_codepoint_t dotted;
  hb_font_t *ref = reference_font(fc, &dotted);
  int wrong = 0, dotted_seen = 0, split = 0;
  for (size_t i = 0; i < strings->len && (int)i < doc->nblocks; i++) {
    hb_buffer_t *buf = reference_shape(ref, strings->items[i]);
    if (!same_glyphs(strings->items[i], &placed[i], buf, dotted, &dotted_seen) && wrong++ < 5)
      report(fc->file, strings->items[i], &placed[i], buf);
    hb_buffer_destroy(buf);
  }
  for (int b = 0; b < doc->nblocks; b++)
    split += placed[b].runs > 1 && !strchr(strings->items[b], ' ');
  fprintf(stderr, "  %s: %zu strings, %d differ\n", fc->file, strings->len, wrong);
  CHECK_INT(wrong, 0);
  CHECK_INT(dotted_seen, 0);
  CHECK_INT(split, 0); /* a word is one run: one font, one item */
  for (int b = 0; b < doc->nblocks; b++) free(placed[b].glyphs.items);
  free(placed);
  hb_font_destroy(ref);
  mb_book_free(book);
  mb_para_builder_free(builder);
  mb_doc_free(doc);
  mb_layout_free(layout);
  mb_diags_free(d);
}

/* ---- justified lines ---- */

/* The line's glyphs, without its word spaces, and its text. */
static void line_glyphs(const mb_page *pg, size_t *i, mb_glyph_vec *out, char_vec *text) {
  const mb_box *first = &pg->boxes[*i];
  for (; *i < pg->nboxes; (*i)++) {
    const mb_box *b = &pg->boxes[*i];
    if (b->kind != MB_BOX_GLYPHS || b->y != first->y || b->block != first->block) break;
    const mb_glyph_run *run = &b->u.glyphs.run;
    for (uint32_t g = 0; g < run->nglyphs; g++)
      if (run->text[run->glyphs[g].cluster] != ' ') mb_vec_push(out, run->glyphs[g]);
    for (uint32_t k = 0; k < run->text_len; k++) mb_vec_push(text, run->text[k]);
  }
  mb_vec_push(text, '\0');
}

/* hb_shape of each word of text, one after the other. */
static void words_glyphs(hb_font_t *font, char *text, mb_glyph_vec *out) {
  for (char *w = strtok(text, " "); w; w = strtok(NULL, " ")) {
    hb_buffer_t *buf = reference_shape(font, w);
    unsigned n;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
    for (unsigned k = 0; k < n; k++) {
      mb_glyph g = {info[k].codepoint, pos[k].x_advance, 0, 0, 0};
      mb_vec_push(out, g);
    }
    hb_buffer_destroy(buf);
  }
}

static bool same_line(const mb_glyph_vec *a, const mb_glyph_vec *b) {
  if (a->len != b->len) return false;
  for (size_t k = 0; k < a->len; k++)
    if (a->items[k].id != b->items[k].id || a->items[k].x_advance != b->items[k].x_advance)
      return false;
  return true;
}

/* Words set together in justified multi-line paragraphs keep the glyphs and advances each
 * word has alone: breaking and justification change only the spaces. */
static void check_justified(const str_vec *words, mb_fonts *fonts) {
  const font_case *fc = &FONTS[0];
  str_vec paras = {0};
  for (size_t i = 0; i + 40 <= words->len; i += 40) {
    char_vec p = {0};
    for (size_t k = i; k < i + 40; k++) {
      for (const char *c = words->items[k]; *c; c++) mb_vec_push(&p, *c);
      mb_vec_push(&p, k + 1 < i + 40 ? ' ' : '\0');
    }
    mb_vec_push(&paras, p.items);
  }
  mb_diags *d = mb_diags_new();
  mb_layout *layout = proof_layout(fc, d);
  mb_doc *doc = proof_doc(&paras, d);
  mb_para_builder *builder = mb_para_tex_new(fonts);
  mb_book *book = mb_layout_run(doc, layout, builder, d);
  hb_codepoint_t dotted;
  hb_font_t *ref = reference_font(fc, &dotted);
  int lines = 0, wrong = 0;
  for (size_t p = 0; p < book->npages; p++) {
    const mb_page *pg = &book->pages[p];
    for (size_t i = 0; i < pg->nboxes;) {
      if (pg->boxes[i].kind != MB_BOX_GLYPHS || pg->boxes[i].block < 0) {
        i++;
        continue;
      }
      mb_glyph_vec placed = {0}, expected = {0};
      char_vec text = {0};
      line_glyphs(pg, &i, &placed, &text);
      words_glyphs(ref, text.items, &expected);
      lines++;
      wrong += !same_line(&placed, &expected);
      free(placed.items);
      free(expected.items);
      free(text.items);
    }
  }
  fprintf(stderr, "  %d justified lines of %zu paragraphs, %d differ\n", lines, paras.len, wrong);
  CHECK(lines >= 2 * (int)paras.len); /* the paragraphs did break into lines */
  CHECK_INT(wrong, 0);
  hb_font_destroy(ref);
  mb_book_free(book);
  mb_para_builder_free(builder);
  mb_doc_free(doc);
  mb_layout_free(layout);
  mb_diags_free(d);
  for (size_t i = 0; i < paras.len; i++) free(paras.items[i]);
  free(paras.items);
}

/* ---- clusters ---- */

/* A plain word (one glyph per cluster, in text order, advances and no offsets) maps its glyphs
 * one by one; a word with an offset matra (के) or a pre-base matra (कि) maps all its glyphs to
 * its start, and PDF readers then read it from one ActualText span. Noto Serif Devanagari. */
static void check_word_clusters(mb_fonts *fonts) {
  static const char *const words[] = {"और के कि की"};
  static const uint32_t expected[] = {0, 3, 6, 7, 7, 13, 14, 14, 20, 21, 24};
  enum { N = sizeof expected / sizeof expected[0] };
  str_vec paras = {(char **)words, 1, 0};
  mb_diags *d = mb_diags_new();
  mb_layout *layout = proof_layout(&FONTS[0], d);
  mb_doc *doc = proof_doc(&paras, d);
  mb_para_builder *builder = mb_para_tex_new(fonts);
  mb_book *book = mb_layout_run(doc, layout, builder, d);
  placed_glyphs *placed = collect(book, doc->nblocks);
  CHECK_INT(placed[0].runs, 1);
  CHECK_INT(placed[0].glyphs.len, N);
  for (size_t i = 0; i < N && i < placed[0].glyphs.len; i++)
    CHECK_INT(placed[0].glyphs.items[i].cluster, expected[i]);
  free(placed[0].glyphs.items);
  free(placed);
  mb_book_free(book);
  mb_para_builder_free(builder);
  mb_doc_free(doc);
  mb_layout_free(layout);
  mb_diags_free(d);
}

static str_vec strings;
static size_t table_size, article_words;
static mb_fonts *fonts;

static void test_table_size(void) {
  CHECK(table_size >= 120);
  CHECK(article_words >= 1900); /* the article's distinct words, all of them in strings */
}

static void test_serif_regular(void) {
  check_font(&FONTS[0], &strings, fonts);
}

static void test_serif_bold(void) {
  check_font(&FONTS[1], &strings, fonts);
}

static void test_sans_regular(void) {
  check_font(&FONTS[2], &strings, fonts);
}

static void test_sans_bold(void) {
  check_font(&FONTS[3], &strings, fonts);
}

static void test_word_clusters(void) {
  check_word_clusters(fonts);
}

static void test_justified_lines(void) {
  str_vec words = {strings.items + table_size, strings.len - table_size, 0};
  check_justified(&words, fonts);
}

int main(void) {
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  read_table(&strings, seen);
  table_size = strings.len;
  article_words = read_words(&strings, seen);
  mb_diags *d = mb_diags_new();
  char *dir = mb_path_join(MB_SOURCE_DIR, "fonts");
  fonts = mb_fonts_new(dir, d);
  CHECK(fonts != NULL);
  RUN(test_table_size);
  if (fonts) {
    RUN(test_serif_regular);
    RUN(test_serif_bold);
    RUN(test_sans_regular);
    RUN(test_sans_bold);
    RUN(test_word_clusters);
    RUN(test_justified_lines);
  }
  mb_fonts_free(fonts);
  mb_fonts_shutdown();
  free(dir);
  mb_diags_free(d);
  free(strings.items); /* the strings belong to the table */
  g_hash_table_destroy(seen);
  return harness_report();
}
