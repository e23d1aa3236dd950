/* The box tree: what layout produces and the renderers read. Plain data, no cairo or Pango.
 *
 * A book is a list of pages; a page holds positioned boxes (glyph runs, filled rectangles,
 * rules, images, links) in trim coordinates (origin at the trim's top-left corner, y down,
 * mb_len units), the frames the boxes were placed in, and a record of every flow item placed
 * (for tests and --dump-layout). Everything lives in the book's arena. */
#ifndef MB_LAYOUT_BOX_H
#define MB_LAYOUT_BOX_H

#include "doc/doc.h"
#include "style/style.h"

typedef enum { MB_BOX_GLYPHS, MB_BOX_FILL, MB_BOX_RULE, MB_BOX_IMAGE, MB_BOX_LINK } mb_box_kind;

/* PANGO_GLYPH_EMPTY: a glyph that draws nothing (a space's zero-width companion, a soft
 * hyphen not at a line end). */
#define MB_GLYPH_EMPTY 0x0FFFFFFFu
/* Set on a glyph id when the font has no glyph for the character (Pango's unknown flag). */
#define MB_GLYPH_UNKNOWN 0x10000000u

typedef struct mb_glyph {
  uint32_t id;
  mb_len x_advance, x_offset, y_offset;
  uint32_t cluster; /* byte offset into the run's text of the cluster this glyph belongs to */
} mb_glyph;

typedef struct mb_glyph_run {
  int font; /* id in the font set; -1 for the fixed-advance test shaper */
  mb_len size;
  mb_color color;
  const char *text; /* the characters these glyphs show (not NUL-terminated) */
  uint32_t text_len;
  const mb_glyph *glyphs;
  uint32_t nglyphs;
  const char *lang;     /* BCP 47 tag, e.g. "hi" */
  uint32_t text_offset; /* where text starts in the block's text */
} mb_glyph_run;

typedef struct mb_box {
  mb_box_kind kind;
  mb_len x, y, w, h; /* bounding rectangle; for glyph runs x is the pen start, y the line top */
  int frame;         /* index into the page's frames; -1 for page furniture and backgrounds */
  int block;         /* the document block it shows; -1 for none */
  union {
    struct {
      mb_glyph_run run;
      mb_len baseline; /* absolute y of the baseline */
    } glyphs;
    mb_color fill;
    struct {
      mb_color color;
      mb_len weight; /* the rule runs from (x, y) to (x + w, y + h), w or h being 0 */
    } rule;
    struct {
      const char *path;
      mb_image_format format;
    } image;
    const char *href; /* MB_BOX_LINK */
  } u;
} mb_box;

typedef enum {
  MB_PFRAME_COLUMN,
  MB_PFRAME_SPAN,
  MB_PFRAME_FIXED,
  MB_PFRAME_FURNITURE
} mb_pframe_kind;

typedef struct mb_page_frame {
  mb_pframe_kind kind;
  mb_rect rect;
} mb_page_frame;

typedef enum { MB_ITEM_LINE, MB_ITEM_BLOCK, MB_ITEM_SPAN } mb_item_kind;

/* One flow item as placed: a line of a paragraph, a call-out group, an image, ... */
typedef struct mb_placed {
  mb_item_kind kind;
  mb_block_kind block_kind;
  int block;        /* document block id, -1 for generated content */
  int line, nlines; /* line index within its paragraph and the paragraph's line count */
  int frame;
  mb_rect rect;
  bool keep_with_next;
} mb_placed;

typedef struct mb_page {
  int number; /* 1-based */
  mb_template_kind template_kind;
  bool blank; /* padding page */
  mb_len width, height, bleed;
  const char *section; /* the section's running head text, or NULL */
  const char *lang;    /* the section's language, or NULL */
  mb_box *boxes;
  size_t nboxes;
  mb_page_frame *frames;
  size_t nframes;
  mb_placed *placed;
  size_t nplaced;
} mb_page;

typedef struct mb_book {
  mb_arena *arena;
  mb_page *pages;
  size_t npages;
  const mb_doc *doc;       /* borrowed */
  const mb_layout *layout; /* borrowed */
} mb_book;

void mb_book_free(mb_book *book);

#endif
