/* Layout, checked on the box tree without rendering: boxes stay in their frames, no widows
 * or orphans, headings kept with the next two lines, call-out groups whole, columns balanced
 * at the end of a section, page count a multiple of 4, folios only on body pages.
 * Pages are final when handed out during layout, and flowing items as they are made gives the
 * pages flowing them all at once gives.
 * Random documents go through the fixed-advance builder; the real brochure through Pango. */
#include "harness.h"

#include "content/content.h"
#include "image/image.h"
#include "layout/flow.h"
#include "layout/layout.h"
#include "layout/para.h"
#include "style/style.h"
#include "text/fonts.h"
#include "util/file.h"

#include <stdlib.h>
#include <string.h>

static const mb_len TOLERANCE = MB_UNITS_PER_PT / 2;

/* ---- invariants over a book ---- */

/* hang: how far the box may run past the frame's right edge (hanging punctuation). */
static bool inside(const mb_rect *f, mb_len x, mb_len y, mb_len w, mb_len h, mb_len hang) {
  return x >= f->x - TOLERANCE && y >= f->y - TOLERANCE &&
         x + w <= f->x + f->w + TOLERANCE + hang && y + h <= f->y + f->h + TOLERANCE;
}

/* Punctuation at the end of a justified line hangs by at most 0.7 of its width: under 0.35 em
 * for a full stop, comma or hyphen. */
static mb_len allowed_hang(const mb_box *b) {
  if (b->kind == MB_BOX_GLYPHS) return (mb_len)(b->u.glyphs.run.size * 35 / 100);
  return b->kind == MB_BOX_LINK ? MB_PT(4) : 0;
}

static int boxes_outside_frames(const mb_book *book) {
  int bad = 0;
  for (size_t p = 0; p < book->npages; p++) {
    const mb_page *pg = &book->pages[p];
    for (size_t i = 0; i < pg->nboxes; i++) {
      const mb_box *b = &pg->boxes[i];
      mb_rect page = {-pg->bleed, -pg->bleed, pg->width + 2 * pg->bleed,
                      pg->height + 2 * pg->bleed};
      const mb_rect *f = b->frame >= 0 ? &pg->frames[b->frame].rect : &page;
      if (b->frame >= (int)pg->nframes || !inside(f, b->x, b->y, b->w, b->h, allowed_hang(b))) {
        if (bad < 5)
          fprintf(stderr,
                  "  page %d box %zu (kind %d, frame %d) at %.1f,%.1f %.1fx%.1f is outside\n",
                  pg->number, i, b->kind, b->frame, mb_len_pt(b->x), mb_len_pt(b->y),
                  mb_len_pt(b->w), mb_len_pt(b->h));
        bad++;
      }
    }
  }
  return bad;
}

/* Each piece of a split paragraph keeps at least two lines. */
static int widows_and_orphans(const mb_book *book) {
  int bad = 0, block = -1, run = 0, nlines = 0, frame = -1;
  size_t page = 0;
  for (size_t p = 0; p < book->npages; p++) {
    const mb_page *pg = &book->pages[p];
    for (size_t i = 0; i < pg->nplaced; i++) {
      const mb_placed *pl = &pg->placed[i];
      if (pl->kind != MB_ITEM_LINE || pl->block < 0) continue;
      bool same = pl->block == block && pl->frame == frame && p == page;
      if (pl->block == block && !same && (run < 2 || nlines - pl->line < 2)) {
        fprintf(stderr, "  block %d breaks after %d of %d lines (page %d)\n", block, pl->line,
                nlines, pg->number);
        bad++;
      }
      run = same ? run + 1 : 1;
      if (pl->block != block) run = 1;
      block = pl->block, frame = pl->frame, page = p, nlines = pl->nlines;
    }
  }
  return bad;
}

/* A heading is followed in its own frame (or, for a span, on its page) by two lines. */
static int lonely_headings(const mb_book *book) {
  int bad = 0;
  for (size_t p = 0; p < book->npages; p++) {
    const mb_page *pg = &book->pages[p];
    for (size_t i = 0; i < pg->nplaced; i++) {
      const mb_placed *pl = &pg->placed[i];
      if (pl->block_kind != MB_BLOCK_HEADING || pl->line + 1 < pl->nlines) continue;
      if (pl->kind == MB_ITEM_SPAN && pl->nlines > 1 && pl->line != 0) continue;
      int after = 0;
      for (size_t k = i + 1; k < pg->nplaced && after < 2; k++) {
        const mb_placed *next = &pg->placed[k];
        if (next->kind == MB_ITEM_SPAN && k == i + 1) after = 2; /* kept with a band */
        if (pl->kind == MB_ITEM_LINE && next->frame != pl->frame) break;
        after++;
      }
      /* A heading that ends its section has nothing to keep with. */
      const mb_page *next = p + 1 < book->npages ? &book->pages[p + 1] : NULL;
      bool ends_section = i + 1 + (size_t)after == pg->nplaced &&
                          (!next || next->blank || next->template_kind != MB_TEMPLATE_BODY ||
                           next->section != pg->section);
      if (after < 2 && !ends_section) {
        fprintf(stderr, "  heading block %d on page %d is followed by %d items\n", pl->block,
                pg->number, after);
        bad++;
      }
    }
  }
  return bad;
}

static int split_callouts(const mb_book *book) {
  int bad = 0;
  for (size_t p = 0; p < book->npages; p++) {
    const mb_page *pg = &book->pages[p];
    for (size_t i = 0; i < pg->nplaced; i++) {
      const mb_placed *a = &pg->placed[i];
      if (a->block_kind != MB_BLOCK_STATS) continue;
      if (a->kind == MB_ITEM_LINE) bad++;
      for (size_t q = p; q < book->npages; q++)
        for (size_t k = q == p ? i + 1 : 0; k < book->pages[q].nplaced; k++)
          bad += book->pages[q].placed[k].block == a->block;
    }
  }
  return bad;
}

/* Folios: numbers on body pages that are not blank, nothing below the text on covers. */
static int misplaced_folios(const mb_book *book) {
  int bad = 0;
  const mb_layout *l = book->layout;
  for (size_t p = 0; p < book->npages; p++) {
    const mb_page *pg = &book->pages[p];
    char num[16];
    snprintf(num, sizeof num, "%d", pg->number);
    int found = 0;
    for (size_t i = 0; i < pg->nboxes; i++) {
      const mb_box *b = &pg->boxes[i];
      if (b->kind == MB_BOX_GLYPHS && b->frame < 0 &&
          b->u.glyphs.baseline > l->page_h - l->margin_bottom &&
          b->u.glyphs.run.text_len == strlen(num) &&
          memcmp(b->u.glyphs.run.text, num, strlen(num)) == 0)
        found++;
    }
    bool wants = pg->template_kind == MB_TEMPLATE_BODY && !pg->blank && l->body.folio;
    if (found != (wants ? 1 : 0)) {
      fprintf(stderr, "  page %d has %d folios\n", pg->number, found);
      bad++;
    }
  }
  return bad;
}

/* The columns of the last region of a section's last page are balanced: their ends differ
 * by no more than the tallest unbreakable piece in them plus two lines (what widow and
 * orphan rules can move). */
static bool balanced(const mb_page *pg, mb_len line) {
  mb_len top = -1;
  for (size_t f = 0; f < pg->nframes; f++)
    if (pg->frames[f].kind == MB_PFRAME_COLUMN && pg->frames[f].rect.y > top)
      top = pg->frames[f].rect.y;
  mb_len lo = 0, hi = 0, chunk = 0, piece = 0;
  int columns = 0;
  for (size_t f = 0; f < pg->nframes; f++) {
    if (pg->frames[f].kind != MB_PFRAME_COLUMN || pg->frames[f].rect.y != top) continue;
    mb_len bottom = top;
    for (size_t i = 0; i < pg->nplaced; i++) {
      const mb_placed *pl = &pg->placed[i];
      if (pl->frame != (int)f) continue;
      if (pl->rect.y + pl->rect.h > bottom) bottom = pl->rect.y + pl->rect.h;
      piece += pl->rect.h;
      if (piece > chunk) chunk = piece;
      if (!pl->keep_with_next) piece = 0;
    }
    piece = 0;
    if (!columns || bottom < lo) lo = bottom;
    if (!columns || bottom > hi) hi = bottom;
    columns++;
  }
  if (columns < 2 || hi - lo <= chunk + 2 * line) return true;
  fprintf(stderr, "  page %d: columns end %.1f pt apart; the tallest piece is %.1f pt\n",
          pg->number, mb_len_pt(hi - lo), mb_len_pt(chunk));
  return false;
}

static void check_book(const mb_book *book) {
  CHECK_INT(book->npages % 4, 0);
  CHECK_INT(boxes_outside_frames(book), 0);
  CHECK_INT(widows_and_orphans(book), 0);
  CHECK_INT(lonely_headings(book), 0);
  CHECK_INT(split_callouts(book), 0);
  CHECK_INT(misplaced_folios(book), 0);
  for (size_t p = 0; p + 1 < book->npages; p++) {
    const mb_page *pg = &book->pages[p], *next = &book->pages[p + 1];
    bool section_end =
        pg->template_kind == MB_TEMPLATE_BODY && !pg->blank &&
        (next->template_kind != MB_TEMPLATE_BODY || next->blank || next->section != pg->section);
    if (section_end) CHECK(balanced(pg, mb_layout_style(book->layout, "body", NULL)->leading));
  }
}

/* ---- random documents through the fixed-advance builder ---- */

static const char *SMALL_LAYOUT =
    "page: {size: 100mm x 120mm, margins: {top: 10mm, bottom: 12mm, inner: 10mm, outer: 8mm},\n"
    "       columns: 2, gutter: 5mm}\n"
    "styles:\n"
    "  body: {size: 10pt, leading: 12pt, space-after: 3pt}\n"
    "  h1: {size: 14pt, leading: 16pt, span: yes, space-after: 6pt}\n"
    "  h2: {size: 10pt, leading: 12pt, space-before: 6pt, space-after: 2pt}\n"
    "  stat-value: {size: 12pt, leading: 14pt}\n"
    "  stat-label: {size: 6pt, leading: 7pt}\n"
    "templates:\n"
    "  back:\n"
    "    frames: [{content: flow, x: 10mm, y: 10mm, w: 80mm, h: 90mm}]\n"
    "callouts: {kind: band, columns: 3, gap: 2mm, padding: 1mm}\n";

static unsigned rng = 12345;

static unsigned next_random(unsigned n) {
  rng = rng * 1103515245u + 12345u;
  return (rng >> 16) % n;
}

typedef MB_VEC(char) char_vec;

static void add(char_vec *md, const char *s) {
  while (*s) mb_vec_push(md, *s++);
}

static void random_paragraph(char_vec *md) {
  unsigned words = 1 + next_random(60);
  for (unsigned w = 0; w < words; w++) {
    char word[12];
    unsigned len = 2 + next_random(6);
    for (unsigned i = 0; i < len; i++) word[i] = (char)('a' + next_random(26));
    word[len] = '\0';
    if (w) add(md, " ");
    add(md, word);
  }
  add(md, "\n\n");
}

static char *random_markdown(void) {
  char_vec md = {0};
  unsigned blocks = 5 + next_random(40);
  add(&md, "# Title of the section\n\n");
  for (unsigned b = 0; b < blocks; b++) {
    unsigned kind = next_random(10);
    if (kind == 0) {
      add(&md, "## A heading\n\n");
    } else if (kind == 1) {
      add(&md, "```stats\n- value: \"12\"\n  label: a thing\n- value: \"7%\"\n  label: "
               "another thing that is longer\n  note: 2024\n```\n\n");
    } else if (kind == 2) {
      add(&md, "- one item\n- another item that runs on for more words than fit\n\n");
    } else {
      random_paragraph(&md);
    }
  }
  mb_vec_push(&md, '\0');
  return md.items;
}

static mb_doc *parse_doc(const char *md, bool with_back, mb_diags *d) {
  mb_doc *doc = mb_doc_new();
  mb_content_parse(doc, "random.md", md, strlen(md), d);
  if (with_back) {
    const char *back = "---\ntemplate: back\n---\nThe back cover.\n";
    mb_content_parse(doc, "back.md", back, strlen(back), d);
  }
  mb_doc_finish(doc);
  return doc;
}

/* Runs check on n random documents (every other one with a back cover; with page_breaks,
 * every third one ends with a page break and a paragraph), stopping at the first failure. */
typedef void (*random_check)(const mb_doc *doc, const mb_layout *layout, mb_para_builder *builder,
                             int i, mb_diags *d);

static void on_random_documents(int n, bool page_breaks, random_check check) {
  mb_diags *d = mb_diags_new();
  mb_layout *layout = mb_layout_parse("small.yaml", SMALL_LAYOUT, strlen(SMALL_LAYOUT), d);
  CHECK(layout != NULL);
  if (!layout) return;
  mb_para_builder *builder = mb_para_mono_new();
  for (int i = 0; i < n; i++) {
    char *md = random_markdown();
    if (page_breaks && i % 3 == 0) {
      md = mb_xrealloc(md, strlen(md) + 40);
      strcat(md, "***\n\nAfter the break.\n\n");
    }
    mb_doc *doc = parse_doc(md, i % 2 == 0, d);
    int before = harness_failures;
    check(doc, layout, builder, i, d);
    if (harness_failures != before) fprintf(stderr, "  in random document %d:\n%s\n", i, md);
    mb_doc_free(doc);
    free(md);
    if (harness_failures > before) break;
  }
  CHECK_INT(mb_diags_errors(d), 0);
  mb_para_builder_free(builder);
  mb_layout_free(layout);
  mb_diags_free(d);
}

static void check_random_book(const mb_doc *doc, const mb_layout *layout, mb_para_builder *builder,
                              int i, mb_diags *d) {
  mb_book *book = mb_layout_run(doc, layout, builder, d);
  check_book(book);
  if (i % 2 == 0) CHECK_INT(book->pages[book->npages - 1].template_kind, MB_TEMPLATE_BACK);
  mb_book_free(book);
}

static void test_random_documents(void) {
  on_random_documents(300, false, check_random_book);
}

/* A paragraph that would leave one line at a column foot moves it (orphan); one that would
 * leave one line at a column head brings a second with it (widow). */
static void test_orphan_and_widow(void) {
  mb_diags *d = mb_diags_new();
  mb_layout *layout = mb_layout_parse("small.yaml", SMALL_LAYOUT, strlen(SMALL_LAYOUT), d);
  mb_para_builder *builder = mb_para_mono_new();
  /* Column: 98 mm = 277.8 pt = 23 lines of 12 pt. 21 characters per line. */
  char_vec md = {0};
  for (int i = 0; i < 22; i++) add(&md, "line\n\n"); /* 22 one-line paragraphs, 3pt apart */
  add(&md, "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll\n");
  mb_vec_push(&md, '\0');
  mb_doc *doc = parse_doc(md.items, false, d);
  mb_book *book = mb_layout_run(doc, layout, builder, d);
  const mb_page *pg = &book->pages[0];
  int last_block = doc->nblocks - 1, frames[2] = {-1, -1}, n = 0;
  for (size_t i = 0; i < pg->nplaced; i++)
    if (pg->placed[i].block == last_block && n < 2) frames[n++] = pg->placed[i].frame;
  CHECK_INT(n, 2);
  CHECK_INT(frames[0], frames[1]); /* both lines of the 3-line paragraph's start together */
  CHECK_INT(widows_and_orphans(book), 0);
  mb_book_free(book);
  mb_doc_free(doc);
  free(md.items);
  mb_para_builder_free(builder);
  mb_layout_free(layout);
  mb_diags_free(d);
}

/* ---- pages while the layout runs ---- */

static bool same_text(const mb_glyph_run *a, const mb_glyph_run *b) {
  return a->nglyphs == b->nglyphs && a->text_len == b->text_len &&
         (!a->text_len || memcmp(a->text, b->text, a->text_len) == 0);
}

static bool same_box(const mb_box *a, const mb_box *b) {
  return a->kind == b->kind && a->x == b->x && a->y == b->y && a->w == b->w && a->h == b->h &&
         a->frame == b->frame && a->block == b->block &&
         (a->kind != MB_BOX_GLYPHS || same_text(&a->u.glyphs.run, &b->u.glyphs.run));
}

static bool same_page(const mb_page *a, const mb_page *b) {
  if (a->number != b->number || a->nboxes != b->nboxes || a->nframes != b->nframes ||
      a->nplaced != b->nplaced || a->blank != b->blank || a->template_kind != b->template_kind)
    return false;
  for (size_t i = 0; i < a->nboxes; i++)
    if (!same_box(&a->boxes[i], &b->boxes[i])) return false;
  for (size_t i = 0; i < a->nframes; i++)
    if (memcmp(&a->frames[i].rect, &b->frames[i].rect, sizeof(mb_rect)) != 0) return false;
  for (size_t i = 0; i < a->nplaced; i++)
    if (a->placed[i].block != b->placed[i].block || a->placed[i].line != b->placed[i].line ||
        memcmp(&a->placed[i].rect, &b->placed[i].rect, sizeof(mb_rect)) != 0)
      return false;
  return true;
}

/* What a sink saw: a copy of each page as it was handed out. */
typedef struct seen_pages {
  MB_VEC(mb_page) pages;
  mb_arena *arena;
} seen_pages;

static void keep_page(void *data, const mb_page *page) {
  seen_pages *s = data;
  mb_page copy = *page;
  copy.boxes = mb_arena_memdup(s->arena, page->boxes, page->nboxes * sizeof(mb_box));
  copy.frames = mb_arena_memdup(s->arena, page->frames, page->nframes * sizeof(mb_page_frame));
  copy.placed = mb_arena_memdup(s->arena, page->placed, page->nplaced * sizeof(mb_placed));
  mb_vec_push(&s->pages, copy);
}

/* Every page reaches the sink once, in order, as it ends up in the book. */
static void check_sink(const mb_doc *doc, const mb_layout *layout, mb_para_builder *builder,
                       mb_diags *d) {
  seen_pages seen = {{0}, mb_arena_new()};
  mb_page_sink sink = {keep_page, &seen};
  mb_book *book = mb_layout_run_to(doc, layout, builder, &sink, d);
  CHECK_INT(seen.pages.len, book->npages);
  size_t differ = 0;
  for (size_t i = 0; i < seen.pages.len && i < book->npages; i++)
    differ += !same_page(&seen.pages.items[i], &book->pages[i]);
  CHECK_INT(differ, 0);
  mb_book_free(book);
  free(seen.pages.items);
  mb_arena_free(seen.arena);
}

/* The first section's body flow, all items at once (step 0) or step items at a time. */
static mb_book *flow_section(const mb_doc *doc, const mb_layout *layout, mb_para_builder *builder,
                             size_t step, mb_diags *d) {
  mb_book *book = mb_xcalloc(1, sizeof(mb_book));
  book->arena = mb_arena_new();
  book->doc = doc;
  book->layout = layout;
  lctx c = {doc, layout, builder, d, book->arena, &doc->sections[0], NULL, "body"};
  page_builder *pb = mb_pages_new(&c, NULL, NULL);
  mb_pages_start(pb, MB_TEMPLATE_BODY, "head");
  mb_rect area = mb_layout_body_area(layout, 1);
  mb_len col_w = (area.w - (layout->columns - 1) * layout->gutter) / layout->columns;
  flow items = {0};
  mb_flow_build(&c, &doc->sections[0].blocks, col_w, area.w, &items);
  size_t next = 0;
  for (size_t made = step; step && made < items.len + step; made += step) {
    flow some = items;
    some.len = made < items.len ? made : items.len;
    next = mb_pages_flow_body(pb, &some, next, false);
  }
  mb_pages_flow_body(pb, &items, next, true);
  mb_pages_finish(pb, book);
  free(items.items);
  return book;
}

static size_t different_pages(const mb_book *a, const mb_book *b) {
  size_t differ = a->npages > b->npages ? a->npages - b->npages : b->npages - a->npages;
  for (size_t i = 0; i < a->npages && i < b->npages; i++)
    differ += !same_page(&a->pages[i], &b->pages[i]);
  return differ;
}

static void check_flow_steps(const mb_doc *doc, const mb_layout *layout, mb_para_builder *builder,
                             mb_diags *d) {
  mb_book *whole = flow_section(doc, layout, builder, 0, d);
  static const size_t steps[] = {1, 2, 5, 13};
  for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
    mb_book *part = flow_section(doc, layout, builder, steps[k], d);
    CHECK_INT(different_pages(whole, part), 0);
    mb_book_free(part);
  }
  mb_book_free(whole);
}

static void check_random_flow(const mb_doc *doc, const mb_layout *layout, mb_para_builder *builder,
                              int i, mb_diags *d) {
  (void)i;
  check_sink(doc, layout, builder, d);
  check_flow_steps(doc, layout, builder, d);
}

static void test_pages_while_laying_out(void) {
  on_random_documents(400, true, check_random_flow);
}

/* ---- the real brochure through Pango ---- */

static void check_real(const char *layout_name, bool greedy) {
  mb_diags *d = mb_diags_new();
  char *content = mb_path_join(MB_SOURCE_DIR, "content/globalmit");
  char *fonts_dir = mb_path_join(MB_SOURCE_DIR, "fonts");
  char name[128];
  snprintf(name, sizeof name, "layouts/%s.yaml", layout_name);
  char *layout_path = mb_path_join(MB_SOURCE_DIR, name);
  mb_layout *layout = mb_layout_load(layout_path, d);
  mb_doc *doc = mb_content_load(content, d);
  mb_fonts *fonts = mb_fonts_new(fonts_dir, d);
  CHECK(layout && doc && fonts);
  if (layout && doc && fonts) {
    mb_image_probe(doc, content, false, d);
    mb_para_builder *builder = greedy ? mb_para_pango_new(fonts) : mb_para_tex_new(fonts);
    mb_book *book = mb_layout_run(doc, layout, builder, d);
    check_book(book);
    check_sink(doc, layout, builder, d);
    CHECK_INT(book->pages[0].template_kind, MB_TEMPLATE_COVER);
    CHECK_INT(book->pages[book->npages - 1].template_kind, MB_TEMPLATE_BACK);
    for (size_t p = 0; p < book->npages; p++) CHECK(!book->pages[p].blank);
    mb_book_free(book);
    mb_para_builder_free(builder);
  }
  if (mb_diags_count(d)) mb_diags_print(d, stderr);
  CHECK_INT(mb_diags_count(d), 0);
  mb_fonts_free(fonts);
  mb_doc_free(doc);
  mb_layout_free(layout);
  mb_diags_free(d);
  free(content);
  free(fonts_dir);
  free(layout_path);
}

static void test_default_brochure(void) {
  check_real("a4-booklet", false);
}

static void test_letter_brochure(void) {
  check_real("letter-booklet", false);
}

static void test_default_brochure_greedy(void) {
  check_real("a4-booklet", true);
}

/* The language of a text: the one with the most letters, by script; the section's for its
 * own script; spaces, digits and punctuation count for none. */
static const char *lang_of(const char *text, const char *section) {
  return mb_text_lang(text, strlen(text), section);
}

static void test_text_language(void) {
  CHECK_STR(lang_of("एमआईटी (MIT) की स्थापना 1861 में हुई।", "en"), "hi");
  CHECK_STR(lang_of("The Massachusetts Institute of Technology (एमआईटी)", "hi"), "en");
  CHECK_STR(lang_of("ab दे fg हि jk", NULL), "en"); /* 6 Latin letters, 4 Devanagari */
  CHECK_STR(lang_of("a देखो b हिंदी c", NULL), "hi");
  CHECK_STR(lang_of("1861 – 2025, 3,432!", "hi"), "hi"); /* no letters: the section's */
  CHECK(lang_of("", NULL) == NULL);
  CHECK_STR(lang_of("Grüße aus München", "de"), "de"); /* Latin in a German section */
  CHECK_STR(lang_of("Grüße aus München und देखो", "de"), "de");
  CHECK_STR(lang_of("Ελληνικά και λίγα English", NULL), "el");
}

int main(void) {
  RUN(test_text_language);
  RUN(test_orphan_and_widow);
  RUN(test_random_documents);
  RUN(test_pages_while_laying_out);
  RUN(test_default_brochure);
  RUN(test_letter_brochure);
  RUN(test_default_brochure_greedy);
  return harness_report();
}
