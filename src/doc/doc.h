/* The document model: what the content says, independent of how it is laid out.
 *
 * A document is a list of sections (one per Markdown file), each with its front matter and
 * blocks. Inline text is flattened: a UTF-8 string plus spans (emphasis, strong, code, link)
 * over byte ranges, and marks that map byte offsets back to source positions.
 * Everything hangs off the document's arena; mb_doc_free releases it all. */
#ifndef MB_DOC_DOC_H
#define MB_DOC_DOC_H

#include "util/diag.h"
#include "util/mem.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { MB_SPAN_EMPH = 1, MB_SPAN_STRONG = 2, MB_SPAN_CODE = 4, MB_SPAN_LINK = 8 };

typedef struct mb_span {
  uint32_t start, end; /* byte range in the text */
  unsigned flags;
  const char *href; /* for MB_SPAN_LINK */
} mb_span;

/* Text from byte offset `offset` on comes from source position `pos`. */
typedef struct mb_srcmark {
  uint32_t offset;
  mb_pos pos;
} mb_srcmark;

typedef struct mb_text {
  const char *str; /* NUL-terminated */
  uint32_t len;
  const mb_span *spans;
  uint32_t nspans;
  const mb_srcmark *marks; /* sorted by offset */
  uint32_t nmarks;
} mb_text;

typedef enum {
  MB_BLOCK_PARA,
  MB_BLOCK_HEADING,
  MB_BLOCK_LIST,
  MB_BLOCK_QUOTE,
  MB_BLOCK_CODE,
  MB_BLOCK_IMAGE,
  MB_BLOCK_STATS,
  MB_BLOCK_PAGEBREAK
} mb_block_kind;

typedef struct mb_stat {
  const char *value, *label, *note; /* note may be NULL */
  mb_pos pos, value_pos, label_pos, note_pos;
} mb_stat;

typedef enum { MB_IMAGE_UNKNOWN, MB_IMAGE_PNG, MB_IMAGE_JPEG, MB_IMAGE_SVG } mb_image_format;

typedef struct mb_block mb_block;

typedef struct mb_blocks {
  mb_block *items;
  size_t len;
} mb_blocks;

struct mb_block {
  mb_block_kind kind;
  mb_pos pos;
  int id; /* unique in the document, in reading order */
  union {
    mb_text text; /* PARA, CODE */
    struct {
      int level;
      mb_text text;
    } heading;
    struct {
      bool ordered, tight;
      int start;
      mb_blocks *items;
      size_t nitems;
    } list;
    mb_blocks quote;
    struct {
      const char *src;  /* as written */
      const char *path; /* resolved against the content file's folder */
      const char *alt, *title;
      mb_image_format format;
      double width, height; /* intrinsic size in pt, set by mb_image_probe */
      int pixel_width, pixel_height;
    } image;
    struct {
      mb_stat *items;
      size_t len;
    } stats;
  } u;
};

typedef enum { MB_TEMPLATE_BODY, MB_TEMPLATE_COVER, MB_TEMPLATE_BACK } mb_template_kind;

/* Front matter. Strings may be NULL when absent. */
typedef struct mb_meta {
  const char *title, *lang, *author, *subject, *date, *running_head, *template_name;
  const char **subtitles;
  size_t nsubtitles;
  const char **keywords;
  size_t nkeywords;
  mb_pos title_pos, subtitle_pos, template_pos;
} mb_meta;

typedef struct mb_section {
  const char *path;
  mb_meta meta;
  mb_template_kind template_kind;
  mb_blocks blocks;
} mb_section;

typedef struct mb_doc {
  mb_arena *arena;
  mb_section *sections;
  size_t nsections;
  mb_meta meta; /* document metadata: the first value each key has across sections */
  int nblocks;  /* ids run from 0 to nblocks - 1 */
} mb_doc;

void mb_doc_free(mb_doc *doc);

/* The source position of byte offset `offset` of text (the block's position if unknown). */
mb_pos mb_text_pos(const mb_text *text, uint32_t offset, mb_pos fallback);

/* Calls fn for every block in reading order, descending into lists and quotes. */
typedef void (*mb_block_fn)(mb_block *block, int depth, void *data);
void mb_doc_walk(mb_doc *doc, mb_block_fn fn, void *data);

#endif
