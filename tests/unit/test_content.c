/* Unit tests for src/content: Markdown with front matter and stats blocks into the document
 * model, and the errors hostile or mistaken input gets. */
#include "harness.h"

#include "content/content.h"
#include "util/file.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MD_PATH "content/en.md"

/* Checks diagnostic i of d: file, line, col and part of the message. */
#define CHECK_DIAG(d, i, file_, line_, col_, text_)                                                \
  do {                                                                                             \
    CHECK(mb_diags_count(d) > (size_t)(i));                                                        \
    if (mb_diags_count(d) > (size_t)(i)) {                                                         \
      const mb_diag *dg_ = mb_diags_at((d), (i));                                                  \
      CHECK_STR(dg_->pos.file, (file_));                                                           \
      CHECK_INT(dg_->pos.line, (line_));                                                           \
      CHECK_INT(dg_->pos.col, (col_));                                                             \
      CHECK_CONTAINS(dg_->message, (text_));                                                       \
      CHECK_INT(dg_->kind, MB_DIAG_INPUT);                                                         \
      CHECK_INT(dg_->severity, MB_ERROR);                                                          \
    }                                                                                              \
  } while (0)

#define CHECK_POS(pos, line_, col_)                                                                \
  do {                                                                                             \
    mb_pos p_ = (pos);                                                                             \
    CHECK_STR(p_.file, MD_PATH);                                                                   \
    CHECK_INT(p_.line, (line_));                                                                   \
    CHECK_INT(p_.col, (col_));                                                                     \
  } while (0)

/* Parses md as MD_PATH into a new finished document; *ok gets mb_content_parse's result. */
static mb_doc *parse(const char *md, mb_diags *d, bool *ok) {
  mb_doc *doc = mb_doc_new();
  *ok = mb_content_parse(doc, MD_PATH, md, strlen(md), d);
  mb_doc_finish(doc);
  return doc;
}

/* Parses md that must be valid: no diagnostics at all. */
static mb_doc *parse_ok(const char *md) {
  mb_diags *d = mb_diags_new();
  bool ok;
  mb_doc *doc = parse(md, d, &ok);
  if (!ok || mb_diags_count(d)) {
    fprintf(stderr, "unexpected diagnostics for:\n%s\n", md);
    mb_diags_print(d, stderr);
  }
  CHECK(ok);
  CHECK_INT(mb_diags_count(d), 0);
  CHECK_INT(doc->nsections, 1);
  mb_diags_free(d);
  return doc;
}

/* Parses len bytes that must be rejected; diagnostics go to d. */
static bool parse_bytes(const char *md, size_t len, mb_diags *d) {
  mb_doc *doc = mb_doc_new();
  bool ok = mb_content_parse(doc, MD_PATH, md, len, d);
  mb_doc_free(doc);
  return ok;
}

static bool parse_str(const char *md, mb_diags *d) {
  return parse_bytes(md, strlen(md), d);
}

static const mb_blocks *blocks(const mb_doc *doc) {
  return &doc->sections[0].blocks;
}

static const mb_block *block(const mb_doc *doc, size_t i) {
  static const mb_block none;
  const mb_blocks *b = blocks(doc);
  CHECK(i < b->len);
  return i < b->len ? &b->items[i] : &none;
}

/* Byte offset of word in text (which must contain it). */
static uint32_t offset_of(const mb_text *t, const char *word) {
  const char *at = strstr(t->str, word);
  CHECK(at != NULL);
  return at ? (uint32_t)(at - t->str) : 0;
}

/* ---- front matter ---- */

static const char front_all[] = "---\n"
                                "title: Global MIT\n"
                                "subtitle: Working with the world\n"
                                "lang: en\n"
                                "author: MIT Office of the Vice Provost\n"
                                "subject: International activities\n"
                                "date: 2024-05-01\n"
                                "running-head: Global MIT\n"
                                "template:   cover\n"
                                "keywords: [MIT, global, students]\n"
                                "---\n"
                                "\n"
                                "Body text.\n";

static void test_front_matter_fields(void) {
  mb_doc *doc = parse_ok(front_all);
  const mb_meta *m = &doc->sections[0].meta;
  CHECK_STR(m->title, "Global MIT");
  CHECK_POS(m->title_pos, 2, 8);
  CHECK_INT(m->nsubtitles, 1);
  if (m->nsubtitles == 1) CHECK_STR(m->subtitles[0], "Working with the world");
  CHECK_POS(m->subtitle_pos, 3, 11);
  CHECK_STR(m->lang, "en");
  CHECK_STR(m->author, "MIT Office of the Vice Provost");
  CHECK_STR(m->subject, "International activities");
  CHECK_STR(m->date, "2024-05-01");
  CHECK_STR(m->running_head, "Global MIT");
  CHECK_STR(m->template_name, "cover");
  CHECK_INT(doc->sections[0].template_kind, MB_TEMPLATE_COVER);
  CHECK_POS(m->template_pos, 9, 13);
  CHECK_INT(m->nkeywords, 3);
  if (m->nkeywords == 3) {
    CHECK_STR(m->keywords[0], "MIT");
    CHECK_STR(m->keywords[2], "students");
  }
  CHECK_STR(doc->meta.title, "Global MIT");
  CHECK_STR(doc->meta.lang, "en");
  CHECK_INT(doc->meta.nkeywords, 3);
  /* The front matter is not Markdown: the body is one paragraph on line 13. */
  CHECK_INT(blocks(doc)->len, 1);
  CHECK_STR(block(doc, 0)->u.text.str, "Body text.");
  CHECK_POS(block(doc, 0)->pos, 13, 1);
  mb_doc_free(doc);
}

static void test_front_matter_subtitle_list(void) {
  mb_doc *doc = parse_ok("---\n"
                         "subtitle:\n"
                         "  - First line\n"
                         "  - Second line\n"
                         "keywords: single\n"
                         "template: back\n"
                         "lang: hi-IN\n"
                         "...\n"
                         "Text\n");
  const mb_meta *m = &doc->sections[0].meta;
  CHECK(m->title == NULL);
  CHECK_INT(m->nsubtitles, 2);
  if (m->nsubtitles == 2) {
    CHECK_STR(m->subtitles[0], "First line");
    CHECK_STR(m->subtitles[1], "Second line");
  }
  CHECK_POS(m->subtitle_pos, 3, 3);
  CHECK_INT(m->nkeywords, 1);
  if (m->nkeywords == 1) CHECK_STR(m->keywords[0], "single");
  CHECK_INT(doc->sections[0].template_kind, MB_TEMPLATE_BACK);
  CHECK_STR(m->lang, "hi-IN");
  CHECK_INT(doc->meta.nsubtitles, 2);
  CHECK_INT(blocks(doc)->len, 1);
  CHECK_POS(block(doc, 0)->pos, 9, 1);
  mb_doc_free(doc);
}

static void test_front_matter_template_body(void) {
  mb_doc *doc = parse_ok("---\ntemplate: body\n---\nx\n");
  CHECK_INT(doc->sections[0].template_kind, MB_TEMPLATE_BODY);
  CHECK_STR(doc->sections[0].meta.template_name, "body");
  mb_doc_free(doc);
  doc = parse_ok("---\ntitle: No template\n---\nx\n");
  CHECK_INT(doc->sections[0].template_kind, MB_TEMPLATE_BODY);
  CHECK(doc->sections[0].meta.template_name == NULL);
  mb_doc_free(doc);
}

static void test_no_front_matter(void) {
  mb_doc *doc = parse_ok("# Hello\n\nText.\n");
  const mb_meta *m = &doc->sections[0].meta;
  CHECK(m->title == NULL && m->lang == NULL && m->nsubtitles == 0 && m->nkeywords == 0);
  CHECK_INT(doc->sections[0].template_kind, MB_TEMPLATE_BODY);
  CHECK_STR(doc->sections[0].path, MD_PATH);
  CHECK_INT(blocks(doc)->len, 2);
  CHECK_INT(doc->nblocks, 2);
  mb_doc_free(doc);
  doc = parse_ok("");
  CHECK_INT(blocks(doc)->len, 0);
  mb_doc_free(doc);
  doc = parse_ok("---\n---\nText\n"); /* empty front matter */
  CHECK(doc->sections[0].meta.title == NULL);
  CHECK_INT(blocks(doc)->len, 1);
  mb_doc_free(doc);
}

static void test_unclosed_front_matter_is_markdown(void) {
  mb_doc *doc = parse_ok("---\ntitle: x\n");
  CHECK(doc->sections[0].meta.title == NULL);
  const mb_blocks *b = blocks(doc);
  CHECK(b->len >= 1);
  if (b->len) {
    CHECK_INT(b->items[b->len - 1].kind, MB_BLOCK_PARA);
    CHECK_STR(b->items[b->len - 1].u.text.str, "title: x");
  }
  mb_doc_free(doc);
}

static void test_byte_order_mark(void) {
  mb_doc *doc = parse_ok("\xEF\xBB\xBF---\ntitle: With BOM\n---\n\nBody\n");
  CHECK_STR(doc->sections[0].meta.title, "With BOM");
  CHECK_INT(blocks(doc)->len, 1);
  CHECK_STR(block(doc, 0)->u.text.str, "Body");
  CHECK_POS(block(doc, 0)->pos, 5, 1);
  mb_doc_free(doc);
}

static void test_document_meta_first_wins(void) {
  mb_diags *d = mb_diags_new();
  mb_doc *doc = mb_doc_new();
  const char *a = "---\ntitle: First\n---\nA\n";
  const char *b = "---\ntitle: Second\nlang: hi\nkeywords: [k]\n---\nB\n";
  CHECK(mb_content_parse(doc, "a.md", a, strlen(a), d));
  CHECK(mb_content_parse(doc, "b.md", b, strlen(b), d));
  mb_doc_finish(doc);
  CHECK_INT(doc->nsections, 2);
  CHECK_STR(doc->meta.title, "First");
  CHECK_STR(doc->meta.lang, "hi");
  CHECK_INT(doc->meta.nkeywords, 1);
  CHECK_STR(doc->sections[1].meta.title, "Second");
  CHECK_INT(doc->nblocks, 2);
  CHECK_INT(doc->sections[1].blocks.items[0].id, 1);
  CHECK_INT(mb_diags_count(d), 0);
  mb_doc_free(doc);
  mb_diags_free(d);
}

/* ---- inline text ---- */

static void test_headings_and_paragraphs(void) {
  mb_doc *doc = parse_ok("# One\n\n### Three *em*\n\nFirst para\ncontinues.\n\nSecond para.\n");
  CHECK_INT(blocks(doc)->len, 4);
  const mb_block *h1 = block(doc, 0), *h3 = block(doc, 1);
  CHECK_INT(h1->kind, MB_BLOCK_HEADING);
  CHECK_INT(h1->u.heading.level, 1);
  CHECK_STR(h1->u.heading.text.str, "One");
  CHECK_INT(h3->u.heading.level, 3);
  CHECK_STR(h3->u.heading.text.str, "Three em");
  CHECK_INT(h3->u.heading.text.nspans, 1);
  CHECK_POS(h3->pos, 3, 1);
  CHECK_INT(block(doc, 2)->kind, MB_BLOCK_PARA);
  CHECK_STR(block(doc, 2)->u.text.str, "First para continues."); /* soft break: a space */
  CHECK_INT(block(doc, 2)->u.text.len, 21);
  CHECK_STR(block(doc, 3)->u.text.str, "Second para.");
  for (int i = 0; i < 4; i++) CHECK_INT(block(doc, (size_t)i)->id, i);
  mb_doc_free(doc);
}

#define CHECK_SPAN(t, i, start_, end_, flags_)                                                     \
  do {                                                                                             \
    CHECK((t)->nspans > (i));                                                                      \
    if ((t)->nspans > (i)) {                                                                       \
      CHECK_INT((t)->spans[i].start, (start_));                                                    \
      CHECK_INT((t)->spans[i].end, (end_));                                                        \
      CHECK_INT((t)->spans[i].flags, (flags_));                                                    \
    }                                                                                              \
  } while (0)

static void test_emphasis_strong_code(void) {
  mb_doc *doc = parse_ok("Plain **strong** and *emph* and `code` and ***both*** end\n");
  const mb_text *t = &block(doc, 0)->u.text;
  CHECK_STR(t->str, "Plain strong and emph and code and both end");
  CHECK_INT(t->nspans, 4);
  CHECK_SPAN(t, 0, 6, 12, MB_SPAN_STRONG);
  CHECK_SPAN(t, 1, 17, 21, MB_SPAN_EMPH);
  CHECK_SPAN(t, 2, 26, 30, MB_SPAN_CODE);
  CHECK_SPAN(t, 3, 35, 39, MB_SPAN_EMPH | MB_SPAN_STRONG);
  for (uint32_t i = 0; i < t->nspans; i++) CHECK(t->spans[i].href == NULL);
  mb_doc_free(doc);
}

static void test_links(void) {
  mb_doc *doc = parse_ok("See [the *MIT* site](https://mit.edu \"MIT\") and [x]() now.\n");
  const mb_text *t = &block(doc, 0)->u.text;
  CHECK_STR(t->str, "See the MIT site and x now.");
  CHECK_INT(t->nspans, 3); /* an empty link target makes no link span */
  CHECK_SPAN(t, 0, 4, 8, MB_SPAN_LINK);
  CHECK_SPAN(t, 1, 8, 11, MB_SPAN_LINK | MB_SPAN_EMPH);
  CHECK_SPAN(t, 2, 11, 16, MB_SPAN_LINK);
  for (uint32_t i = 0; i < t->nspans && i < 3; i++) CHECK_STR(t->spans[i].href, "https://mit.edu");
  mb_doc_free(doc);
}

static void test_hard_break(void) {
  mb_doc *doc = parse_ok("line one\\\nline two\n");
  CHECK_STR(block(doc, 0)->u.text.str, "line one\xE2\x80\xA8line two");
  mb_doc_free(doc);
}

static void test_spaces_collapse(void) {
  mb_doc *doc = parse_ok("a   b    c and `x   y`\n\n```\nkeep   these    spaces\n```\n");
  const mb_text *t = &block(doc, 0)->u.text;
  CHECK_STR(t->str, "a b c and x   y");
  CHECK_SPAN(t, 0, 10, 15, MB_SPAN_CODE);
  CHECK_INT(block(doc, 1)->kind, MB_BLOCK_CODE);
  CHECK_STR(block(doc, 1)->u.text.str, "keep   these    spaces");
  mb_doc_free(doc);
}

static void test_code_blocks(void) {
  mb_doc *doc = parse_ok("Intro\n\n```python\nx = 1\ny = 2\n```\n\n    indented\n");
  const mb_block *fenced = block(doc, 1), *indented = block(doc, 2);
  CHECK_INT(fenced->kind, MB_BLOCK_CODE);
  CHECK_STR(fenced->u.text.str, "x = 1\ny = 2");
  CHECK_POS(fenced->pos, 3, 1);
  CHECK_INT(fenced->u.text.nmarks, 1);
  if (fenced->u.text.nmarks) CHECK_POS(fenced->u.text.marks[0].pos, 4, 1); /* after the fence */
  CHECK_INT(indented->kind, MB_BLOCK_CODE);
  CHECK_STR(indented->u.text.str, "indented");
  if (indented->u.text.nmarks) CHECK_INT(indented->u.text.marks[0].pos.line, 8);
  mb_doc_free(doc);
}

/* The source position of word in t. */
static mb_pos word_pos(const mb_text *t, const char *word) {
  mb_pos none = {"none", -1, -1};
  return mb_text_pos(t, offset_of(t, word), none);
}

static void test_source_marks(void) {
  mb_doc *doc = parse_ok("---\ntitle: T\n---\n\nThe first line has a word\nand *the* second\n");
  const mb_text *t = &block(doc, 0)->u.text;
  CHECK_POS(word_pos(t, "The"), 5, 1);
  CHECK_POS(word_pos(t, "word"), 5, 22);
  CHECK_POS(word_pos(t, "and"), 6, 1);
  CHECK_POS(word_pos(t, "the"), 6, 6);
  CHECK_POS(word_pos(t, "second"), 6, 11);
  mb_doc_free(doc);
}

static void test_source_marks_devanagari(void) {
  /* ## नमस्ते दुनिया: दुनिया is the 11th character of the line (bytes 23..). */
  mb_doc *doc = parse_ok("Intro\n\n## \xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4"
                         "\xE0\xA5\x87 \xE0\xA4\xA6\xE0\xA5\x81\xE0\xA4\xA8\xE0\xA4\xBF\xE0\xA4\xAF"
                         "\xE0\xA4\xBE *x*\n");
  const mb_text *t = &block(doc, 1)->u.heading.text;
  CHECK_POS(word_pos(t, "\xE0\xA4\xA8"), 3, 4);
  CHECK_POS(word_pos(t, "\xE0\xA4\xA6"), 3, 11);
  CHECK_POS(word_pos(t, "x"), 3, 19);
  mb_pos fb = {"fallback", 9, 9};
  mb_text empty = {"", 0, NULL, 0, NULL, 0};
  CHECK_STR(mb_text_pos(&empty, 0, fb).file, "fallback");
  mb_doc_free(doc);
}

/* ---- blocks ---- */

static const mb_block *item_block(const mb_block *list, size_t item, size_t i) {
  static const mb_block none;
  if (item >= list->u.list.nitems || i >= list->u.list.items[item].len) return &none;
  return &list->u.list.items[item].items[i];
}

static void test_bullet_list(void) {
  mb_doc *doc = parse_ok("- alpha\n- beta\n  - nested\n- gamma\n");
  const mb_block *l = block(doc, 0);
  CHECK_INT(l->kind, MB_BLOCK_LIST);
  CHECK(!l->u.list.ordered);
  CHECK(l->u.list.tight);
  CHECK_INT(l->u.list.nitems, 3);
  CHECK_STR(item_block(l, 0, 0)->u.text.str, "alpha");
  CHECK_INT(l->u.list.items[1].len, 2);
  const mb_block *inner = item_block(l, 1, 1);
  CHECK_INT(inner->kind, MB_BLOCK_LIST);
  CHECK_STR(item_block(inner, 0, 0)->u.text.str, "nested");
  CHECK_POS(item_block(inner, 0, 0)->pos, 3, 5);
  CHECK_STR(item_block(l, 2, 0)->u.text.str, "gamma");
  CHECK_INT(item_block(l, 2, 0)->id, 5); /* ids follow reading order into lists */
  mb_doc_free(doc);
  doc = parse_ok("- loose\n\n- list\n");
  CHECK(!block(doc, 0)->u.list.tight);
  mb_doc_free(doc);
}

static void test_ordered_list(void) {
  mb_doc *doc = parse_ok("1. one\n2. two\n\nBetween.\n\n7. seven\n8. eight\n9. nine\n");
  const mb_block *a = block(doc, 0), *b = block(doc, 2);
  CHECK(a->u.list.ordered);
  CHECK_INT(a->u.list.start, 1);
  CHECK_INT(a->u.list.nitems, 2);
  CHECK(b->u.list.ordered);
  CHECK_INT(b->u.list.start, 7);
  CHECK_INT(b->u.list.nitems, 3);
  CHECK_STR(item_block(b, 2, 0)->u.text.str, "nine");
  mb_doc_free(doc);
}

static void test_block_quote(void) {
  mb_doc *doc = parse_ok("> Quoted *text*\n>\n> Second para.\n\nAfter.\n");
  const mb_block *q = block(doc, 0);
  CHECK_INT(q->kind, MB_BLOCK_QUOTE);
  CHECK_INT(q->u.quote.len, 2);
  if (q->u.quote.len == 2) {
    CHECK_STR(q->u.quote.items[0].u.text.str, "Quoted text");
    CHECK_STR(q->u.quote.items[1].u.text.str, "Second para.");
    CHECK_POS(q->u.quote.items[1].pos, 3, 3);
  }
  CHECK_INT(block(doc, 1)->kind, MB_BLOCK_PARA);
  mb_doc_free(doc);
}

static void test_thematic_break(void) {
  mb_doc *doc = parse_ok("Before\n\n---\n\nMiddle\n\n* * *\n\nAfter\n");
  CHECK_INT(blocks(doc)->len, 5);
  CHECK_INT(block(doc, 1)->kind, MB_BLOCK_PAGEBREAK);
  CHECK_POS(block(doc, 1)->pos, 3, 1);
  CHECK_INT(block(doc, 3)->kind, MB_BLOCK_PAGEBREAK);
  CHECK_STR(block(doc, 4)->u.text.str, "After");
  mb_doc_free(doc);
}

static void test_image_paragraph(void) {
  mb_doc *doc = parse_ok("![The *Great* Dome](img/dome.png \"Killian Court\")\n\n"
                         "![](/abs/photo.JPEG)\n\n"
                         "Text with ![inline](x.png) image.\n");
  const mb_block *img = block(doc, 0);
  CHECK_INT(img->kind, MB_BLOCK_IMAGE);
  CHECK_STR(img->u.image.src, "img/dome.png");
  CHECK_STR(img->u.image.path, "content/img/dome.png");
  CHECK_STR(img->u.image.alt, "The Great Dome");
  CHECK_STR(img->u.image.title, "Killian Court");
  CHECK_INT(img->u.image.format, MB_IMAGE_PNG);
  const mb_block *abs = block(doc, 1);
  CHECK_INT(abs->kind, MB_BLOCK_IMAGE);
  CHECK_STR(abs->u.image.path, "/abs/photo.JPEG");
  CHECK_INT(abs->u.image.format, MB_IMAGE_JPEG);
  CHECK(abs->u.image.title == NULL);
  CHECK_INT(block(doc, 2)->kind, MB_BLOCK_PARA);
  CHECK_STR(block(doc, 2)->u.text.str, "Text with inline image.");
  mb_doc_free(doc);
}

static void test_image_path_without_folder(void) {
  mb_diags *d = mb_diags_new();
  mb_doc *doc = mb_doc_new();
  const char *md = "![logo](art/logo.svg)\n";
  CHECK(mb_content_parse(doc, "en.md", md, strlen(md), d));
  const mb_block *img = &doc->sections[0].blocks.items[0];
  CHECK_INT(img->kind, MB_BLOCK_IMAGE);
  CHECK_STR(img->u.image.path, "./art/logo.svg");
  CHECK_INT(img->u.image.format, MB_IMAGE_SVG);
  mb_doc_free(doc);
  mb_diags_free(d);
}

/* ---- stats ---- */

static const char stats_md[] = "Intro\n"
                               "\n"
                               "```stats\n"
                               "- value: \"149\"\n"
                               "  label: countries our alumni come from\n"
                               "  note: global.mit.edu, 2024\n"
                               "- label: of faculty born abroad\n"
                               "  value: 43%\n"
                               "```\n";

static void test_stats_block(void) {
  mb_doc *doc = parse_ok(stats_md);
  const mb_block *b = block(doc, 1);
  CHECK_INT(b->kind, MB_BLOCK_STATS);
  CHECK_POS(b->pos, 3, 1);
  CHECK_INT(b->u.stats.len, 2);
  if (b->u.stats.len == 2) {
    const mb_stat *a = &b->u.stats.items[0], *c = &b->u.stats.items[1];
    CHECK_STR(a->value, "149");
    CHECK_STR(a->label, "countries our alumni come from");
    CHECK_STR(a->note, "global.mit.edu, 2024");
    CHECK_POS(a->pos, 4, 3);
    CHECK_POS(a->value_pos, 4, 10);
    CHECK_POS(a->label_pos, 5, 10);
    CHECK_POS(a->note_pos, 6, 9);
    CHECK_STR(c->value, "43%");
    CHECK(c->note == NULL);
    CHECK_POS(c->value_pos, 8, 10);
    CHECK_POS(c->label_pos, 7, 10);
  }
  mb_doc_free(doc);
}

static void test_stats_indented(void) {
  mb_doc *doc = parse_ok("  ```stats extra words\n  - value: 1\n    label: one\n  ```\n"
                         "```statsx\nnot stats\n```\n");
  const mb_block *b = block(doc, 0);
  CHECK_INT(b->kind, MB_BLOCK_STATS);
  CHECK_INT(b->u.stats.len, 1);
  if (b->u.stats.len) {
    CHECK_POS(b->u.stats.items[0].value_pos, 2, 12);
    CHECK_POS(b->u.stats.items[0].label_pos, 3, 12);
  }
  CHECK_INT(block(doc, 1)->kind, MB_BLOCK_CODE);
  CHECK_STR(block(doc, 1)->u.text.str, "not stats");
  mb_doc_free(doc);
}

/* ---- invalid input ---- */

static void test_unknown_front_matter_key(void) {
  mb_diags *d = mb_diags_new();
  CHECK(!parse_str("---\ntitle: T\nsubtitel: S\n---\nBody\n", d));
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK_DIAG(d, 0, MD_PATH, 3, 1,
             "unknown key 'subtitel' in front matter; did you mean 'subtitle'?");
  CHECK(!parse_str("---\nrunning-head: R\n\nruning-head: x\n---\n", d));
  CHECK_DIAG(d, 1, MD_PATH, 4, 1,
             "unknown key 'runing-head' in front matter; did you mean 'running-head'?");
  CHECK(!parse_str("---\n\n\nauthor: A\ncolour: red\n---\n", d));
  CHECK_DIAG(d, 2, MD_PATH, 5, 1, "unknown key 'colour' in front matter");
  mb_diags_free(d);
}

static void test_bad_template(void) {
  mb_diags *d = mb_diags_new();
  CHECK(!parse_str("---\ntitle: T\ntemplate: covr\n---\n", d));
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK_DIAG(d, 0, MD_PATH, 3, 11, "unknown template 'covr' (use cover, body or back)");
  CHECK_CONTAINS(mb_diags_at(d, 0)->message, "did you mean 'cover'?");
  CHECK(!parse_str("---\ntemplate: [cover]\n---\n", d));
  CHECK_DIAG(d, 1, MD_PATH, 2, 11, "front matter 'template' must be a string, not a list");
  mb_diags_free(d);
}

static void test_bad_lang(void) {
  static const char *const bad[] = {"english", "e", "en_US", "en-", "hi-abcdefghi", "1a"};
  mb_diags *d = mb_diags_new();
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char md[128];
    snprintf(md, sizeof md, "---\ntitle: T\nlang: %s\n---\n", bad[i]);
    CHECK(!parse_str(md, d));
    CHECK_DIAG(d, i, MD_PATH, 3, 7, "front matter 'lang' must be a language tag such as en or hi");
    CHECK_CONTAINS(mb_diags_at(d, i)->message, bad[i]);
  }
  CHECK_INT(mb_diags_count(d), sizeof bad / sizeof bad[0]);
  mb_diags_free(d);
}

static void test_front_matter_syntax_error(void) {
  mb_diags *d = mb_diags_new();
  CHECK(!parse_str("---\ntitle: x\n  bad: y\n---\n\nBody\n", d));
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK_DIAG(d, 0, MD_PATH, 3, 6, "YAML syntax error: mapping values are not allowed");
  CHECK(!parse_str("---\ntitle: x\nkeywords: [a, b\nlang: en\n---\n", d));
  CHECK_DIAG(d, 1, MD_PATH, 4, 5, "YAML syntax error: did not find expected ',' or ']'");
  CHECK(!parse_str("---\n- just\n- a list\n---\n", d));
  CHECK_DIAG(d, 2, MD_PATH, 2, 1, "front matter must be a mapping");
  mb_diags_free(d);
}

static void test_stats_errors(void) {
  mb_diags *d = mb_diags_new();
  CHECK(!parse_str("Text\n\n```stats\n- value: 1\n```\n", d));
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK_DIAG(d, 0, MD_PATH, 4, 3, "call-out item has no 'label'");
  CHECK(!parse_str("```stats\n- value: 1\n  label: x\n  size: big\n```\n", d));
  CHECK_DIAG(d, 1, MD_PATH, 4, 3, "unknown key 'size' in a call-out item");
  CHECK(!parse_str("```stats\n- value: 1\n  labels: x\n```\n", d));
  CHECK_DIAG(d, 2, MD_PATH, 3, 3, "unknown key 'labels' in a call-out item; did you mean 'label'");
  CHECK(!parse_str("```stats\n- value: \"\"\n  label: x\n```\n", d));
  CHECK_DIAG(d, 3, MD_PATH, 2, 10, "call-out 'value' is empty");
  CHECK(!parse_str("```stats\n- value: 1\n  label: [x]\n```\n", d));
  CHECK_DIAG(d, 4, MD_PATH, 3, 10, "call-out 'label' must be a string, not a list");
  CHECK(!parse_str("```stats\nvalue: 1\n```\n", d));
  CHECK_DIAG(d, 5, MD_PATH, 2, 1, "a stats block must be a list, not a mapping");
  CHECK(!parse_str("# H\n\n```stats\n- value: [1\n```\n", d));
  CHECK_DIAG(d, 6, MD_PATH, 5, 1, "YAML syntax error");
  CHECK_INT(mb_diags_count(d), 7);
  mb_diags_free(d);
}

static void test_stats_empty(void) {
  mb_diags *d = mb_diags_new();
  CHECK(!parse_str("Para\n\n```stats\n```\n", d));
  CHECK_DIAG(d, 0, MD_PATH, 3, 1, "empty stats block");
  CHECK(!parse_str("```stats\n[]\n```\n", d));
  CHECK_DIAG(d, 1, MD_PATH, 1, 1, "empty stats block");
  CHECK(!parse_str("```stats\n# nothing but a comment\n```\n", d));
  CHECK_DIAG(d, 2, MD_PATH, 1, 1, "empty stats block");
  CHECK_INT(mb_diags_count(d), 3);
  mb_diags_free(d);
}

static void test_invalid_utf8(void) {
  mb_diags *d = mb_diags_new();
  CHECK(!parse_str("# Title\n\nabc \xFF def\n", d));
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK_DIAG(d, 0, MD_PATH, 3, 5, "invalid UTF-8 (byte 0xFF at offset 13)");
  /* Columns count characters: two Devanagari letters (6 bytes) then a truncated sequence. */
  CHECK(!parse_str("x\n\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\n", d));
  CHECK_DIAG(d, 1, MD_PATH, 2, 3, "invalid UTF-8 (byte 0xE0 at offset 8)");
  CHECK(!parse_str("---\ntitle: \xC0\xAF\n---\n", d)); /* overlong, inside front matter */
  CHECK_DIAG(d, 2, MD_PATH, 2, 8, "byte 0xC0 at offset 11");
  CHECK_INT(mb_diags_count(d), 3);
  mb_diags_free(d);
}

static void test_nul_byte(void) {
  mb_diags *d = mb_diags_new();
  static const char md[] = "ab\ncd\0ef\n";
  CHECK(!parse_bytes(md, sizeof md - 1, d));
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK_DIAG(d, 0, MD_PATH, 2, 3, "NUL byte at offset 5");
  static const char both[] = "a\0b\xFF";
  CHECK(!parse_bytes(both, sizeof both - 1, d)); /* the first problem is reported */
  CHECK_DIAG(d, 1, MD_PATH, 1, 2, "NUL byte at offset 1");
  CHECK_INT(mb_diags_count(d), 2);
  mb_diags_free(d);
}

static void test_nesting_limit(void) {
  char md[200];
  memset(md, '>', 100);
  strcpy(md + 100, " deep\n");
  mb_diags *d = mb_diags_new();
  CHECK(!parse_str(md, d));
  CHECK(mb_diags_errors(d) >= 1);
  CHECK_CONTAINS(mb_diags_at(d, 0)->message, "nested deeper than 64 levels");
  CHECK_STR(mb_diags_at(d, 0)->pos.file, MD_PATH);
  CHECK_INT(mb_diags_at(d, 0)->pos.line, 1);
  mb_diags_free(d);
}

/* ---- loading files and folders ---- */

static void write_file(const char *dir, const char *name, const char *text) {
  char *path = mb_path_join(dir, name);
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f) {
    fputs(text, f);
    fclose(f);
  }
  free(path);
}

static void remove_file(const char *dir, const char *name) {
  char *path = mb_path_join(dir, name);
  unlink(path);
  free(path);
}

static char *temp_dir(void) {
  const char *base = getenv("TMPDIR");
  char *tmpl = mb_path_join(base && *base ? base : "/tmp", "mb-test-content-XXXXXX");
  if (!mkdtemp(tmpl)) {
    perror("mkdtemp");
    exit(2);
  }
  return tmpl;
}

/* Regression: a front matter value of the wrong type fails the parse. */
static void test_front_matter_wrong_type(void) {
  mb_diags *d = mb_diags_new();
  bool ok = parse_str("---\ntitle: [a, b]\n---\nText\n", d);
  CHECK(!ok);
  CHECK_DIAG(d, 0, MD_PATH, 2, 8, "front matter 'title' must be a string, not a list");
  mb_diags_free(d);
}

/* Regression: bytes that are not NUL-terminated are read only within their length. */
static void test_not_nul_terminated(void) {
  const char text[] = {'H', 'i', '\n'};
  char *copy = malloc(sizeof text);
  memcpy(copy, text, sizeof text);
  mb_diags *d = mb_diags_new();
  CHECK(parse_bytes(copy, sizeof text, d));
  CHECK_INT(mb_diags_count(d), 0);
  mb_diags_free(d);
  free(copy);
}

/* Regression: columns stay true after runs of spaces collapse. */
static void test_columns_after_collapsed_spaces(void) {
  mb_doc *doc = parse_ok("a   b    end\n");
  const mb_text *t = &block(doc, 0)->u.text;
  CHECK_STR(t->str, "a b end");
  CHECK_POS(mb_text_pos(t, 4, (mb_pos){0}), 1, 10);
  CHECK_POS(mb_text_pos(t, 2, (mb_pos){0}), 1, 5);
  mb_doc_free(doc);
}

/* Regression: a fenced block's text starts on the line after its fence, in quotes and lists. */
static void test_fenced_code_positions(void) {
  mb_doc *doc = parse_ok("> ```\n> code here\n> ```\n\n- ```\n  more code\n  ```\n");
  const mb_block *quote = block(doc, 0);
  CHECK_INT(quote->kind, MB_BLOCK_QUOTE);
  if (quote->kind == MB_BLOCK_QUOTE && quote->u.quote.len) {
    const mb_text *t = &quote->u.quote.items[0].u.text;
    CHECK_INT(mb_text_pos(t, 0, (mb_pos){0}).line, 2);
  }
  const mb_block *list = block(doc, 1);
  CHECK_INT(list->kind, MB_BLOCK_LIST);
  if (list->kind == MB_BLOCK_LIST && list->u.list.nitems && list->u.list.items[0].len) {
    const mb_text *t = &list->u.list.items[0].items[0].u.text;
    CHECK_STR(t->str, "more code");
    CHECK_INT(mb_text_pos(t, 0, (mb_pos){0}).line, 6);
  }
  mb_doc_free(doc);
}

static void test_html_comments_are_not_printed(void) {
  mb_doc *doc = parse_ok("Before <!-- a note --> after.\n\n<!-- a hidden\nblock -->\n\nEnd.\n");
  CHECK_INT(blocks(doc)->len, 2);
  CHECK_STR(block(doc, 0)->u.text.str, "Before after.");
  CHECK_STR(block(doc, 1)->u.text.str, "End.");
  mb_doc_free(doc);
}

static void test_load_directory(void) {
  char *dir = temp_dir();
  write_file(dir, "20-second.md", "---\ntitle: Second\nlang: hi\n---\n# B\n\nb\n");
  write_file(dir, "10-first.md", "---\ntitle: First\n---\n# A\n");
  write_file(dir, "notes.txt", "not \xFF markdown");
  write_file(dir, ".hidden.md", "\xFF");
  mb_diags *d = mb_diags_new();
  mb_doc *doc = mb_content_load(dir, d);
  CHECK(doc != NULL);
  CHECK_INT(mb_diags_count(d), 0);
  if (doc) {
    CHECK_INT(doc->nsections, 2);
    CHECK(mb_path_has_suffix(doc->sections[0].path, "/10-first.md"));
    CHECK(mb_path_has_suffix(doc->sections[1].path, "/20-second.md"));
    CHECK_STR(doc->meta.title, "First");
    CHECK_STR(doc->meta.lang, "hi");
    CHECK_INT(doc->nblocks, 3);
    CHECK_INT(doc->sections[1].blocks.items[1].id, 2);
  }
  mb_doc_free(doc);
  remove_file(dir, "20-second.md");
  remove_file(dir, "10-first.md");
  remove_file(dir, "notes.txt");
  remove_file(dir, ".hidden.md");
  rmdir(dir);
  free(dir);
  mb_diags_free(d);
}

static void test_load_directory_errors(void) {
  char *dir = temp_dir();
  mb_diags *d = mb_diags_new();
  CHECK(mb_content_load(dir, d) == NULL);
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK_STR(mb_diags_at(d, 0)->pos.file, dir);
  CHECK_CONTAINS(mb_diags_at(d, 0)->message, "no .md files");
  write_file(dir, "a.md", "# fine\n");
  write_file(dir, "b.md", "# H\n\n```stats\n```\n");
  char *bad = mb_path_join(dir, "b.md");
  CHECK(mb_content_load(dir, d) == NULL);
  CHECK_INT(mb_diags_errors(d), 2);
  CHECK_DIAG(d, 1, bad, 3, 1, "empty stats block");
  remove_file(dir, "a.md");
  remove_file(dir, "b.md");
  rmdir(dir);
  free(bad);
  free(dir);
  mb_diags_free(d);
}

static void test_load_file(void) {
  char *dir = temp_dir(), *path = mb_path_join(dir, "one.md");
  write_file(dir, "one.md", "---\ntitle: One\n---\n![pic](pic.png)\n");
  mb_diags *d = mb_diags_new();
  mb_doc *doc = mb_content_load(path, d);
  CHECK(doc != NULL);
  if (doc) {
    CHECK_INT(doc->nsections, 1);
    CHECK_STR(doc->sections[0].path, path);
    CHECK_STR(doc->meta.title, "One");
    char *pic = mb_path_join(dir, "pic.png");
    CHECK_STR(doc->sections[0].blocks.items[0].u.image.path, pic);
    free(pic);
  }
  mb_doc_free(doc);
  unlink(path);
  rmdir(dir);
  free(path);
  free(dir);
  mb_diags_free(d);
}

static void test_load_missing(void) {
  mb_diags *d = mb_diags_new();
  const char *path = "/nonexistent/mkbrochure/content.md";
  CHECK(mb_content_load(path, d) == NULL);
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK(mb_diags_has_kind(d, MB_DIAG_IO));
  CHECK(!mb_diags_has_kind(d, MB_DIAG_INPUT));
  CHECK_STR(mb_diags_at(d, 0)->pos.file, path);
  CHECK_CONTAINS(mb_diags_at(d, 0)->message, "cannot open");
  CHECK_CONTAINS(mb_diags_at(d, 0)->message, "No such file");
  mb_diags_free(d);
}

int main(void) {
  RUN(test_front_matter_fields);
  RUN(test_front_matter_subtitle_list);
  RUN(test_front_matter_template_body);
  RUN(test_no_front_matter);
  RUN(test_unclosed_front_matter_is_markdown);
  RUN(test_byte_order_mark);
  RUN(test_document_meta_first_wins);
  RUN(test_headings_and_paragraphs);
  RUN(test_emphasis_strong_code);
  RUN(test_links);
  RUN(test_hard_break);
  RUN(test_spaces_collapse);
  RUN(test_code_blocks);
  RUN(test_source_marks);
  RUN(test_source_marks_devanagari);
  RUN(test_bullet_list);
  RUN(test_ordered_list);
  RUN(test_block_quote);
  RUN(test_thematic_break);
  RUN(test_image_paragraph);
  RUN(test_image_path_without_folder);
  RUN(test_stats_block);
  RUN(test_stats_indented);
  RUN(test_unknown_front_matter_key);
  RUN(test_bad_template);
  RUN(test_bad_lang);
  RUN(test_front_matter_syntax_error);
  RUN(test_stats_errors);
  RUN(test_stats_empty);
  RUN(test_invalid_utf8);
  RUN(test_nul_byte);
  RUN(test_nesting_limit);
  RUN(test_front_matter_wrong_type);
  RUN(test_not_nul_terminated);
  RUN(test_columns_after_collapsed_spaces);
  RUN(test_fenced_code_positions);
  RUN(test_html_comments_are_not_printed);
  RUN(test_load_directory);
  RUN(test_load_directory_errors);
  RUN(test_load_file);
  RUN(test_load_missing);
  return harness_report();
}
