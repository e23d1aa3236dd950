/* Fixed-advance paragraph builder for tests and fuzzers: every character is half an em wide,
 * its glyph id is its code point, lines break greedily at spaces (or anywhere in a word longer
 * than the measure). Exact, fast and independent of fonts. */
#include "para.h"

#include "util/text.h"

#include <stdlib.h>
#include <string.h>

typedef struct mono_char {
  uint32_t offset, len, cp;
} mono_char;

typedef MB_VEC(mono_char) char_vec;
typedef MB_VEC(mb_line) line_vec;

static bool is_space(uint32_t cp) {
  return cp == ' ' || cp == '\t';
}

static bool is_newline(uint32_t cp) {
  return cp == '\n' || cp == 0x2028;
}

static mb_box mono_run(const mb_para_in *in, const mono_char *chars, size_t from, size_t to,
                       mb_len advance, mb_arena *arena) {
  mb_box box;
  memset(&box, 0, sizeof box);
  box.kind = MB_BOX_GLYPHS;
  box.frame = -1;
  box.block = in->block;
  size_t n = to - from;
  mb_glyph *g = mb_arena_calloc(arena, n ? n : 1, sizeof(mb_glyph));
  uint32_t base = n ? chars[from].offset : 0;
  uint32_t end = n ? chars[to - 1].offset + chars[to - 1].len : 0;
  for (size_t i = 0; i < n; i++) {
    g[i].id = chars[from + i].cp;
    g[i].x_advance = advance;
    g[i].cluster = chars[from + i].offset - base;
  }
  mb_glyph_run *run = &box.u.glyphs.run;
  run->font = -1;
  run->size = in->style->size;
  run->color = in->style->color;
  run->text = mb_arena_strndup(arena, in->text->str + base, end - base);
  run->text_len = end - base;
  run->text_offset = base;
  run->glyphs = g;
  run->nglyphs = (uint32_t)n;
  run->lang = in->lang;
  box.w = advance * (mb_len)n;
  box.h = in->style->leading;
  box.u.glyphs.baseline = in->style->leading * 3 / 4;
  return box;
}

static void add_line(const mb_para_in *in, const mono_char *chars, size_t from, size_t to,
                     mb_len advance, mb_arena *arena, line_vec *lines) {
  /* Trailing spaces hang past the measure and are not drawn. */
  size_t end = to;
  while (end > from && is_space(chars[end - 1].cp)) end--;
  mb_line *L = mb_vec_add(lines);
  L->x = lines->len == 1 ? in->first_indent : 0;
  L->height = in->style->leading;
  L->baseline = in->style->leading * 3 / 4;
  L->start = from < to ? chars[from].offset : in->text->len;
  L->end = from < to ? chars[to - 1].offset + chars[to - 1].len : in->text->len;
  L->nruns = 1;
  L->runs = mb_arena_alloc(arena, sizeof(mb_box));
  L->runs[0] = mono_run(in, chars, from, end, advance, arena);
  L->width = L->runs[0].w;
  mb_len room = in->width - L->x;
  if (in->style->align == MB_ALIGN_RIGHT) L->x += room - L->width;
  if (in->style->align == MB_ALIGN_CENTER) L->x += (room - L->width) / 2;
}

static bool mono_build(mb_para_builder *self, const mb_para_in *in, mb_arena *arena,
                       mb_line **lines_out, size_t *nlines_out, mb_diags *diags) {
  (void)self, (void)diags;
  const mb_text *t = in->text;
  char_vec chars = {0};
  for (uint32_t i = 0; i < t->len;) {
    size_t n;
    uint32_t cp = mb_utf8_decode(t->str + i, t->len - i, &n);
    mono_char c = {i, (uint32_t)n, cp};
    mb_vec_push(&chars, c);
    i += (uint32_t)n;
  }
  mb_len advance = in->style->size / 2;
  line_vec lines = {0};
  size_t start = 0, last_break = 0;
  mb_len x = in->first_indent;
  for (size_t i = 0; i < chars.len; i++) {
    uint32_t cp = chars.items[i].cp;
    if (is_newline(cp)) {
      add_line(in, chars.items, start, i, advance, arena, &lines);
      start = last_break = i + 1;
      x = 0;
      continue;
    }
    if (!is_space(cp) && x + advance > in->width && i > start) {
      size_t cut = last_break > start ? last_break : i;
      add_line(in, chars.items, start, cut, advance, arena, &lines);
      start = last_break = cut;
      x = advance * (mb_len)(i - cut);
    }
    x += advance;
    if (is_space(cp)) last_break = i + 1;
  }
  if (start < chars.len || lines.len == 0)
    add_line(in, chars.items, start, chars.len, advance, arena, &lines);
  free(chars.items);
  *nlines_out = lines.len;
  *lines_out = mb_arena_memdup(arena, lines.items, lines.len * sizeof(mb_line));
  free(lines.items);
  return true;
}

static void mono_free(mb_para_builder *self) {
  free(self);
}

mb_para_builder *mb_para_mono_new(void) {
  mb_para_builder *b = mb_xcalloc(1, sizeof(mb_para_builder));
  b->build = mono_build;
  b->free = mono_free;
  return b;
}
