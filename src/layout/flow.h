/* Internal to layout: flow items (what the page builder stacks) and the two steps that make
 * and place them. Not a public interface. */
#ifndef MB_LAYOUT_FLOW_H
#define MB_LAYOUT_FLOW_H

#include "layout.h"

typedef enum { FLOW_LINE, FLOW_SPACE, FLOW_BLOCK, FLOW_SPAN, FLOW_BREAK } flow_kind;

/* One unit of vertical flow. Boxes are relative to the item's top-left corner. */
typedef struct flow_item {
  flow_kind kind;
  mb_len height;
  mb_len before, after; /* FLOW_SPAN: gaps above (dropped at a page top) and below */
  bool keep;            /* no column or page break between this item and the next */
  mb_box *boxes;
  size_t nboxes;
  mb_block_kind block_kind;
  int block, line, nlines;
  mb_pos pos;
} flow_item;

typedef MB_VEC(flow_item) flow;

/* What both steps need. */
typedef struct lctx {
  const mb_doc *doc;
  const mb_layout *spec;
  mb_para_builder *builder;
  mb_diags *diags;
  mb_arena *arena; /* the book's */
  const mb_section *section;
  const char *lang;      /* the section's language */
  const char *body_role; /* the style of plain paragraphs ("body", or a frame's style) */
  /* The language mb_flow_style last found for a text (its letters, of that length, in that
   * section), kept for the paragraph that follows. */
  const char *lang_str, *lang_section, *lang_found;
  size_t lang_len;
} lctx;

/* ---- build.c: blocks into flow items ---- */

/* Appends the flow of blocks set in columns col_w wide, spans full_w wide. */
void mb_flow_build(lctx *c, const mb_blocks *blocks, mb_len col_w, mb_len full_w, flow *out);
/* The same, calling each(data) after every top-level block. */
void mb_flow_build_each(lctx *c, const mb_blocks *blocks, mb_len col_w, mb_len full_w, flow *out,
                        void (*each)(void *data), void *data);

/* Appends one paragraph of plain styled text (a title, a subtitle) as lines. */
void mb_flow_add_text(lctx *c, flow *out, const mb_text *text, const mb_style *style, mb_len width,
                      mb_pos pos);

/* Lays out one paragraph of text in a style; lines in the book's arena. Without hyphenation
 * (headings, call-outs, furniture). */
bool mb_flow_para(lctx *c, const mb_text *text, const mb_style *style, mb_len width, int block,
                  mb_pos pos, mb_line **lines, size_t *nlines);
/* The same for prose: hyphenated if hyphenate and the style allows it. */
bool mb_flow_para_hyphenated(lctx *c, const mb_text *text, const mb_style *style, bool hyphenate,
                             mb_len width, int block, mb_pos pos, mb_line **lines, size_t *nlines);

/* A style for a role in the language of text (or of the section). */
const mb_style *mb_flow_style(lctx *c, const char *role, const mb_text *text);

/* A text that is just a string (front matter values, folios). */
mb_text mb_flow_plain(lctx *c, const char *s, mb_pos pos);

/* ---- pages.c: items into pages ---- */

typedef struct page_builder page_builder;

/* Adds the folio and running head to page index i, just before the page is final. */
typedef void (*mb_page_furnisher)(lctx *c, page_builder *pb, size_t i);

/* A page is final (furnished, moved into the book's arena, handed to the sink) as soon as
 * the next one is started; the last ones when the builder finishes. sink may be NULL. */
page_builder *mb_pages_new(lctx *c, mb_page_furnisher furnish, const mb_page_sink *sink);
/* The pages made so far, moved into the book's arena; frees the builder. */
void mb_pages_finish(page_builder *pb, mb_book *book);

/* Starts a page with a template; returns its number (1-based). */
int mb_pages_start(page_builder *pb, mb_template_kind kind, const char *section_head);
/* Flows items[i..] into the body areas of successive pages, starting on the current one;
 * returns the index of the first item not placed yet. Unless final (the items are all
 * there), it stops where what comes next could depend on items not made yet: call it again,
 * from the index returned, as more items are made. The pages come out the same either way. */
size_t mb_pages_flow_body(page_builder *pb, const flow *items, size_t i, bool final);
/* Flows items into one fixed area of the current page in ncols columns; returns how many
 * items were placed (the rest did not fit). valign shifts the content when it fits. */
size_t mb_pages_flow_area(page_builder *pb, const flow *items, mb_rect area, int ncols,
                          mb_len gutter, mb_valign valign);
/* Adds a box outside any frame (backgrounds, folios, running heads) to page index i. */
void mb_pages_add_furniture(page_builder *pb, size_t i, const mb_box *box);
size_t mb_pages_count(const page_builder *pb);
const mb_page *mb_pages_get(const page_builder *pb, size_t i);
/* Adds blank pages until the count is a multiple of `multiple`: before the last page when
 * keep_last (the back cover), else at the end. Renumbers the pages. */
void mb_pages_pad(page_builder *pb, int multiple, bool keep_last);

#endif
