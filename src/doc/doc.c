#include "doc.h"

#include <stdlib.h>

void mb_doc_free(mb_doc *doc) {
  if (!doc) return;
  mb_arena_free(doc->arena);
  free(doc);
}

mb_pos mb_text_pos(const mb_text *text, uint32_t offset, mb_pos fallback) {
  const mb_srcmark *best = NULL;
  size_t lo = 0, hi = text->nmarks;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (text->marks[mid].offset <= offset) {
      best = &text->marks[mid];
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (!best) return fallback;
  mb_pos p = best->pos;
  /* Marks give the start of a text node; count characters up to the offset on the same line. */
  for (uint32_t i = best->offset; i < offset && i < text->len; i++)
    if (((unsigned char)text->str[i] & 0xC0) != 0x80) p.col++;
  return p;
}

static void walk_blocks(mb_blocks *blocks, int depth, mb_block_fn fn, void *data) {
  for (size_t i = 0; i < blocks->len; i++) {
    mb_block *b = &blocks->items[i];
    fn(b, depth, data);
    if (b->kind == MB_BLOCK_LIST)
      for (size_t k = 0; k < b->u.list.nitems; k++)
        walk_blocks(&b->u.list.items[k], depth + 1, fn, data);
    else if (b->kind == MB_BLOCK_QUOTE)
      walk_blocks(&b->u.quote, depth + 1, fn, data);
  }
}

void mb_doc_walk(mb_doc *doc, mb_block_fn fn, void *data) {
  for (size_t i = 0; i < doc->nsections; i++) walk_blocks(&doc->sections[i].blocks, 0, fn, data);
}
