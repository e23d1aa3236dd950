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

struct mb_shape_cache {
  entry **slots;
  size_t cap, count; /* cap: a power of two */
  GByteArray *key;   /* the key being looked up: settings, then the text */
  mb_arena *arena;
};

mb_shape_cache *mb_shape_cache_new(void) {
  mb_shape_cache *c = mb_xcalloc(1, sizeof(mb_shape_cache));
  c->cap = 1024;
  c->slots = mb_xcalloc(c->cap, sizeof(entry *));
  c->key = g_byte_array_new();
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
  g_byte_array_unref(cache->key);
  mb_arena_free(cache->arena);
  free(cache);
}

static uint64_t hash_bytes(const unsigned char *b, size_t n) {
  uint64_t h = 14695981039346656037u; /* FNV-1a */
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

static void add(GByteArray *key, const void *data, size_t len) {
  g_byte_array_append(key, data, (guint)len);
}

static void settings_key(GByteArray *key, const PangoItem *item) {
  const PangoAnalysis *a = &item->analysis;
  settings st;
  memset(&st, 0, sizeof st);
  st.font = a->font;
  st.language = a->language;
  st.script = a->script;
  st.level = a->level;
  st.flags = a->flags;
  g_byte_array_set_size(key, 0);
  add(key, &st, sizeof st);
  for (GSList *l = a->extra_attrs; l; l = l->next) {
    const PangoAttribute *attr = l->data;
    int type = (int)attr->klass->type;
    if (type == PANGO_ATTR_FONT_FEATURES) {
      const char *f = ((const PangoAttrFontFeatures *)attr)->features;
      add(key, &type, sizeof type);
      add(key, f, strlen(f) + 1);
    } else if (type == PANGO_ATTR_LETTER_SPACING || type == PANGO_ATTR_TEXT_TRANSFORM ||
               type == PANGO_ATTR_SHOW) {
      add(key, &type, sizeof type);
      add(key, &((const PangoAttrInt *)attr)->value, sizeof(int));
    } /* colours and the like: no effect on shaping */
  }
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

static const PangoGlyphString *lookup(mb_shape_cache *c, guint prefix, const PangoItem *item,
                                      int start, int end, const char *text, int len,
                                      const PangoLogAttr *attrs, const int *cidx) {
  GByteArray *key = c->key;
  g_byte_array_set_size(key, prefix);
  char edges[2] = {start == 0, end == len}; /* HarfBuzz's start and end of text */
  add(key, edges, 2);
  add(key, text + start, (size_t)(end - start));
  uint64_t hash = hash_bytes(key->data, key->len);
  entry **s = slot(c, hash, key->data, key->len);
  if (!*s) {
    entry *e = mb_arena_calloc(c->arena, 1, sizeof(entry));
    e->hash = hash;
    e->key = mb_arena_memdup(c->arena, key->data, key->len);
    e->key_len = key->len;
    e->font = g_object_ref(item->analysis.font);
    e->glyphs = shape_piece(item, start, end, text, len, attrs, cidx);
    *s = e;
    if (++c->count * 2 > c->cap) grow(c);
    return e->glyphs;
  }
  return (*s)->glyphs;
}

static void append(PangoGlyphString *out, const PangoGlyphString *piece, int shift) {
  int base = out->num_glyphs;
  pango_glyph_string_set_size(out, base + piece->num_glyphs);
  memcpy(out->glyphs + base, piece->glyphs, (size_t)piece->num_glyphs * sizeof(PangoGlyphInfo));
  for (int i = 0; i < piece->num_glyphs; i++)
    out->log_clusters[base + i] = piece->log_clusters[i] + shift;
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
  pango_glyph_string_set_size(out, 0);
  settings_key(cache->key, item);
  guint prefix = cache->key->len;
  for (int b = item->offset; b < end;) {
    int e = piece_end(text, b, end);
    const PangoGlyphString *piece = lookup(cache, prefix, item, b, e, text, len, attrs, cidx);
    append(out, piece, b - item->offset);
    b = e;
  }
}
