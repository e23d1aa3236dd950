#include "shape_cache.h"

#include "util/mem.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* An open-addressing table of entries; keys and entries live in the cache's arena. */
typedef struct entry {
  uint64_t hash;
  const unsigned char *key;
  size_t key_len;
  PangoFont *font; /* a reference: no other font can take its address while cached */
  PangoGlyphString *glyphs;
} entry;

/* A piece of the item being shaped: its glyphs and where its text starts in the item. */
typedef struct part {
  const PangoGlyphString *glyphs;
  int shift;
} part;

struct mb_shape_cache {
  entry **slots;
  size_t cap, count;         /* cap: a power of two */
  MB_VEC(unsigned char) key; /* the key being looked up: settings, then the text */
  uint64_t prefix_hash;      /* the hash of the key's settings */
  mb_arena *arena;
  MB_VEC(part) parts; /* the item's pieces, in order */
};

mb_shape_cache *mb_shape_cache_new(void) {
  mb_shape_cache *c = mb_xcalloc(1, sizeof(mb_shape_cache));
  c->cap = 1024;
  c->slots = mb_xcalloc(c->cap, sizeof(entry *));
  c->arena = mb_arena_new();
  return c;
}

void mb_shape_cache_free(mb_shape_cache *cache) {
  if (!cache) return;
  for (size_t i = 0; i < cache->cap; i++) {
    entry *e = cache->slots[i];
    if (!e) continue;
    g_object_unref(e->font);
    pango_glyph_string_free(e->glyphs);
  }
  free(cache->slots);
  free(cache->key.items);
  mb_arena_free(cache->arena);
  free(cache->parts.items);
  free(cache);
}

#define FNV_BASIS UINT64_C(14695981039346656037)

/* FNV-1a of b, continued from h: hashing a key in two parts gives the hash of the whole. */
static uint64_t hash_bytes(uint64_t h, const unsigned char *b, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211u;
  return h;
}

/* The slot of key: its entry, or the empty slot where it goes. */
static entry **slot(mb_shape_cache *c, uint64_t hash, const unsigned char *key, size_t len) {
  size_t i = (size_t)hash & (c->cap - 1);
  for (entry **s; *(s = &c->slots[i]); i = (i + 1) & (c->cap - 1)) {
    const entry *e = *s;
    if (e->hash == hash && e->key_len == len && memcmp(e->key, key, len) == 0) return s;
  }
  return &c->slots[i];
}

static void grow(mb_shape_cache *c) {
  entry **old = c->slots;
  size_t old_cap = c->cap;
  c->cap *= 2;
  c->slots = mb_xcalloc(c->cap, sizeof(entry *));
  for (size_t i = 0; i < old_cap; i++)
    if (old[i]) *slot(c, old[i]->hash, old[i]->key, old[i]->key_len) = old[i];
  free(old);
}

/* What shaping depends on besides the text: font, language, script, flags (an inserted
 * hyphen) and the attributes HarfBuzz sees; then paragraph start and end (set per piece). */
typedef struct settings {
  const void *font, *language;
  int script, level, flags;
} settings;

static void add(mb_shape_cache *c, const void *data, size_t len) {
  mb_vec_grow((void **)&c->key.items, &c->key.cap, c->key.len + len, 1);
  memcpy(c->key.items + c->key.len, data, len);
  c->key.len += len;
}

/* Starts the key with the settings of item and hashes them. */
static void settings_key(mb_shape_cache *c, const PangoItem *item) {
  const PangoAnalysis *a = &item->analysis;
  settings st;
  memset(&st, 0, sizeof st);
  st.font = a->font;
  st.language = a->language;
  st.script = a->script;
  st.level = a->level;
  st.flags = a->flags;
  c->key.len = 0;
  add(c, &st, sizeof st);
  for (GSList *l = a->extra_attrs; l; l = l->next) {
    const PangoAttribute *attr = l->data;
    int type = (int)attr->klass->type;
    if (type == PANGO_ATTR_FONT_FEATURES) {
      const char *f = ((const PangoAttrFontFeatures *)attr)->features;
      add(c, &type, sizeof type);
      add(c, f, strlen(f) + 1);
    } else if (type == PANGO_ATTR_LETTER_SPACING || type == PANGO_ATTR_TEXT_TRANSFORM ||
               type == PANGO_ATTR_SHOW) {
      add(c, &type, sizeof type);
      add(c, &((const PangoAttrInt *)attr)->value, sizeof(int));
    } /* colours and the like: no effect on shaping */
  }
  c->prefix_hash = hash_bytes(FNV_BASIS, c->key.items, c->key.len);
}

static PangoGlyphString *shape_piece(const PangoItem *item, int start, int end, const char *text,
                                     int len, const PangoLogAttr *attrs, const int *cidx) {
  PangoItem *piece = pango_item_copy((PangoItem *)item);
  piece->offset = start;
  piece->length = end - start;
  piece->num_chars = cidx[end] - cidx[start];
  PangoGlyphString *gs = pango_glyph_string_new();
  pango_shape_item(piece, text, len, (PangoLogAttr *)attrs + cidx[start], gs, PANGO_SHAPE_NONE);
  pango_item_free(piece);
  return gs;
}

static const PangoGlyphString *lookup(mb_shape_cache *c, size_t prefix, const PangoItem *item,
                                      int start, int end, const char *text, int len,
                                      const PangoLogAttr *attrs, const int *cidx) {
  c->key.len = prefix;
  char edges[2] = {start == 0, end == len}; /* HarfBuzz's start and end of text */
  add(c, edges, 2);
  add(c, text + start, (size_t)(end - start));
  const unsigned char *key = c->key.items;
  size_t key_len = c->key.len;
  uint64_t hash = hash_bytes(c->prefix_hash, key + prefix, key_len - prefix);
  entry **s = slot(c, hash, key, key_len);
  if (!*s) {
    entry *e = mb_arena_calloc(c->arena, 1, sizeof(entry));
    e->hash = hash;
    e->key = mb_arena_memdup(c->arena, key, key_len);
    e->key_len = key_len;
    e->font = g_object_ref(item->analysis.font);
    e->glyphs = shape_piece(item, start, end, text, len, attrs, cidx);
    *s = e;
    if (++c->count * 2 > c->cap) grow(c);
    return e->glyphs;
  }
  return (*s)->glyphs;
}

/* Puts the pieces together in out, sized once. */
static void assemble(const mb_shape_cache *c, PangoGlyphString *out) {
  int total = 0;
  for (size_t k = 0; k < c->parts.len; k++) total += c->parts.items[k].glyphs->num_glyphs;
  pango_glyph_string_set_size(out, total);
  int base = 0;
  for (size_t k = 0; k < c->parts.len; k++) {
    const PangoGlyphString *g = c->parts.items[k].glyphs;
    int shift = c->parts.items[k].shift;
    memcpy(out->glyphs + base, g->glyphs, (size_t)g->num_glyphs * sizeof(PangoGlyphInfo));
    for (int i = 0; i < g->num_glyphs; i++)
      out->log_clusters[base + i] = g->log_clusters[i] + shift;
    base += g->num_glyphs;
  }
}

/* Pieces are words and runs of spaces: a piece ends where a space meets a non-space, except
 * before a combining mark, which sits on the space before it and is shaped with it. */
static bool splits(const char *text, int i) {
  bool before = text[i - 1] == ' ', here = text[i] == ' ';
  if (before == here) return false;
  return here || !g_unichar_ismark(g_utf8_get_char(text + i));
}

static int piece_end(const char *text, int b, int end) {
  int i = (int)(g_utf8_next_char(text + b) - text);
  while (i < end && !splits(text, i)) i = (int)(g_utf8_next_char(text + i) - text);
  return i < end ? i : end;
}

void mb_shape_words(mb_shape_cache *cache, const PangoItem *item, const char *text, int len,
                    const PangoLogAttr *attrs, const int *cidx, PangoGlyphString *out) {
  int end = item->offset + item->length;
  settings_key(cache, item);
  size_t prefix = cache->key.len;
  cache->parts.len = 0;
  for (int b = item->offset; b < end;) {
    int e = piece_end(text, b, end);
    part pc = {lookup(cache, prefix, item, b, e, text, len, attrs, cidx), b - item->offset};
    mb_vec_push(&cache->parts, pc);
    b = e;
  }
  assemble(cache, out);
}
