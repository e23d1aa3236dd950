#include "pango_common.h"

#include "text/fonts.h"
#include "util/mem.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

PangoFontDescription *mb_pc_font(const mb_style *s) {
  PangoFontDescription *d = pango_font_description_new();
  pango_font_description_set_family(d, s->font);
  pango_font_description_set_weight(d, (PangoWeight)s->weight);
  pango_font_description_set_style(d, s->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  pango_font_description_set_absolute_size(d, s->size);
  return d;
}

static void add_attr(PangoAttrList *list, PangoAttribute *a, uint32_t start, uint32_t end) {
  a->start_index = start;
  a->end_index = end;
  pango_attr_list_insert(list, a);
}

static void add_span_attrs(PangoAttrList *list, const mb_para_in *in) {
  const mb_text *t = in->text;
  for (uint32_t i = 0; i < t->nspans; i++) {
    const mb_span *s = &t->spans[i];
    if (s->flags & MB_SPAN_STRONG) {
      int w = in->style->weight + 300;
      add_attr(list, pango_attr_weight_new((PangoWeight)(w > 900 ? 900 : w)), s->start, s->end);
    }
    if (s->flags & MB_SPAN_EMPH)
      add_attr(list,
               pango_attr_style_new(in->style->italic ? PANGO_STYLE_NORMAL : PANGO_STYLE_ITALIC),
               s->start, s->end);
    if (s->flags & MB_SPAN_CODE)
      add_attr(list, pango_attr_family_new(in->code_font ? in->code_font : in->style->font),
               s->start, s->end);
    if (s->flags & MB_SPAN_LINK) {
      mb_color c = in->link_color;
      add_attr(list,
               pango_attr_foreground_new((guint16)(((c >> 24) & 0xFF) * 257),
                                         (guint16)(((c >> 16) & 0xFF) * 257),
                                         (guint16)(((c >> 8) & 0xFF) * 257)),
               s->start, s->end);
    }
  }
}

/* Language by script run; letter spacing only where the script is not Devanagari. */
static void add_script_attrs(PangoAttrList *list, const mb_para_in *in) {
  const mb_text *t = in->text;
  PangoScriptIter *it = pango_script_iter_new(t->str, (int)t->len);
  do {
    const char *start, *end;
    PangoScript script;
    pango_script_iter_get_range(it, &start, &end, &script);
    uint32_t a = (uint32_t)(start - t->str), b = (uint32_t)(end - t->str);
    const char *lang = mb_lang_for_script(script, in->lang);
    if (!lang) lang = in->lang;
    if (lang) add_attr(list, pango_attr_language_new(pango_language_from_string(lang)), a, b);
    if (in->style->tracking && script != PANGO_SCRIPT_DEVANAGARI)
      add_attr(list, pango_attr_letter_spacing_new(in->style->tracking), a, b);
  } while (pango_script_iter_next(it));
  pango_script_iter_free(it);
}

PangoAttrList *mb_pc_attrs(const mb_para_in *in) {
  PangoAttrList *list = pango_attr_list_new();
  const mb_style *s = in->style;
  if (s->features) add_attr(list, pango_attr_font_features_new(s->features), 0, in->text->len);
  if (s->uppercase)
    add_attr(list, pango_attr_text_transform_new(PANGO_TEXT_TRANSFORM_UPPERCASE), 0, in->text->len);
  add_script_attrs(list, in);
  add_span_attrs(list, in);
  return list;
}

static bool is_blank(gunichar c) {
  return g_unichar_isspace(c) || c == 0x00A0 || c == 0x2028;
}

mb_pc_clusters mb_pc_clusters_new(const PangoLogAttr *attrs, int n, const mb_text *t) {
  mb_pc_clusters m = {mb_xcalloc(t->len + 1, sizeof(uint32_t)),
                      mb_xcalloc(t->len + 1, sizeof(uint32_t))};
  uint32_t grapheme = 0, word = 0;
  bool in_word = false;
  int ci = 0;
  for (uint32_t i = 0; i < t->len; ci++) {
    if (ci < n && attrs[ci].is_cursor_position) grapheme = i;
    bool blank = is_blank(g_utf8_get_char(t->str + i));
    if (blank || !in_word) word = i;
    in_word = !blank;
    uint32_t next = (uint32_t)(g_utf8_next_char(t->str + i) - t->str);
    if (next > t->len) next = t->len;
    for (uint32_t k = i; k < next; k++) {
      m.grapheme[k] = grapheme;
      m.word[k] = word;
    }
    i = next;
  }
  m.grapheme[t->len] = m.word[t->len] = t->len;
  return m;
}

void mb_pc_clusters_free(mb_pc_clusters *c) {
  free(c->grapheme);
  free(c->word);
  c->grapheme = c->word = NULL;
}

int mb_pc_letter_spacing(const PangoItem *item) {
  for (GSList *l = item->analysis.extra_attrs; l; l = l->next) {
    const PangoAttribute *a = l->data;
    if (a->klass->type == PANGO_ATTR_LETTER_SPACING) return ((const PangoAttrInt *)a)->value;
  }
  return 0;
}

/* Devanagari, and letter-spaced text, map glyphs to whole words (see mb_pc_clusters); plain
 * Devanagari words then go back to their own clusters (map_plain_words). */
static bool whole_words(const PangoItem *item) {
  return item->analysis.script == PANGO_SCRIPT_DEVANAGARI || mb_pc_letter_spacing(item) != 0;
}

static mb_color run_color(const PangoItem *item, mb_color fallback) {
  for (GSList *l = item->analysis.extra_attrs; l; l = l->next) {
    PangoAttribute *a = l->data;
    if (a->klass->type == PANGO_ATTR_FOREGROUND) {
      PangoColor c = ((PangoAttrColor *)a)->color;
      return (mb_color)((uint32_t)(c.red >> 8) << 24 | (uint32_t)(c.green >> 8) << 16 |
                        (uint32_t)(c.blue >> 8) << 8 | 0xFFu);
    }
  }
  return fallback;
}

/* The cluster of glyph i, as a byte offset from the run's start. */
static uint32_t cluster_of(const mb_pc_source *src, int i, const uint32_t *starts) {
  uint32_t at = (uint32_t)(src->item->offset + src->glyphs->log_clusters[i]);
  if (starts) at = starts[at];
  return at > src->start ? at - src->start : 0;
}

/* Whether the word of glyphs [from, to) can be read glyph by glyph: each glyph is a cluster
 * of its own, in text order, with an advance and no offset. */
static bool plain_word(const mb_pc_source *src, int from, int to) {
  const PangoGlyphInfo *g = src->glyphs->glyphs;
  const int *log = src->glyphs->log_clusters;
  for (int i = from; i < to; i++) {
    const PangoGlyphGeometry *geo = &g[i].geometry;
    if (geo->x_offset || geo->y_offset || geo->width <= 0) return false;
    if (i > from && log[i] <= log[i - 1]) return false;
  }
  return true;
}

/* Plain words of a run mapped to whole words go back to their own clusters (see
 * mb_pc_clusters): glyphs[k] is glyph src->from + k. */
static void map_plain_words(const mb_pc_source *src, mb_glyph *glyphs, int n) {
  for (int a = 0, b; a < n; a = b) {
    for (b = a + 1; b < n && glyphs[b].cluster == glyphs[a].cluster;) b++;
    if (!plain_word(src, src->from + a, src->from + b)) continue;
    for (int k = a; k < b; k++) glyphs[k].cluster = cluster_of(src, src->from + k, NULL);
  }
}

mb_box mb_pc_run(mb_fonts *fonts, const mb_para_in *in, const mb_pc_source *src, mb_len x,
                 mb_arena *arena, mb_pc_missing_vec *missing) {
  const PangoItem *item = src->item;
  const PangoGlyphString *gs = src->glyphs;
  mb_box box;
  memset(&box, 0, sizeof box);
  box.kind = MB_BOX_GLYPHS;
  box.frame = -1;
  box.block = in->block;
  int n = src->to - src->from;
  mb_glyph *glyphs = mb_arena_calloc(arena, (size_t)(n > 0 ? n : 1), sizeof(mb_glyph));
  const uint32_t *starts = !src->clusters      ? NULL
                           : whole_words(item) ? src->clusters->word
                                               : src->clusters->grapheme;
  mb_len w = 0;
  for (int i = src->from; i < src->to; i++) {
    const PangoGlyphInfo *g = &gs->glyphs[i];
    mb_glyph *o = &glyphs[i - src->from];
    o->id = g->glyph;
    o->x_advance = g->geometry.width;
    o->x_offset = g->geometry.x_offset;
    o->y_offset = g->geometry.y_offset;
    o->cluster = cluster_of(src, i, starts);
    w += g->geometry.width;
    if (missing && (g->glyph & PANGO_GLYPH_UNKNOWN_FLAG) && g->glyph != PANGO_GLYPH_EMPTY) {
      mb_pc_missing m = {g->glyph & ~PANGO_GLYPH_UNKNOWN_FLAG,
                         src->para_offset + (uint32_t)(item->offset + gs->log_clusters[i]) -
                             src->start};
      mb_vec_push(missing, m);
    }
  }
  if (starts && item->analysis.script == PANGO_SCRIPT_DEVANAGARI && !mb_pc_letter_spacing(item))
    map_plain_words(src, glyphs, n);
  mb_glyph_run *run = &box.u.glyphs.run;
  run->font = mb_fonts_intern(fonts, item->analysis.font);
  run->size = in->style->size;
  run->color = run_color(item, in->style->color);
  run->text = mb_arena_strndup(arena, src->text + src->start, src->end - src->start);
  run->text_len = src->end - src->start;
  run->text_offset = src->para_offset;
  run->glyphs = glyphs;
  run->nglyphs = (uint32_t)(n > 0 ? n : 0);
  run->lang = item->analysis.language ? pango_language_to_string(item->analysis.language) : NULL;
  box.x = x;
  box.w = w;
  return box;
}

const char *mb_pc_link_at(const mb_text *t, uint32_t offset) {
  for (uint32_t i = 0; i < t->nspans; i++)
    if ((t->spans[i].flags & MB_SPAN_LINK) && offset >= t->spans[i].start &&
        offset < t->spans[i].end)
      return t->spans[i].href;
  return NULL;
}

mb_box mb_pc_link_box(const mb_box *run, const char *href) {
  mb_box b = *run;
  b.kind = MB_BOX_LINK;
  memset(&b.u, 0, sizeof b.u);
  b.u.href = href;
  return b;
}

void mb_pc_report_missing(const mb_para_in *in, const mb_pc_missing_vec *missing, mb_diags *diags) {
  for (size_t i = 0; i < missing->len; i++) {
    const mb_pc_missing *m = &missing->items[i];
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++) seen = missing->items[k].cp == m->cp;
    if (seen) continue;
    char ch[8] = {0}, q[32];
    mb_utf8_encode(m->cp, ch);
    mb_warning(diags, mb_text_pos(in->text, m->offset, in->pos),
               "no bundled font has a glyph for U+%04X %s (style '%s', fonts '%s'): it would "
               "print as an empty box",
               m->cp, mb_quote(q, sizeof q, ch, strlen(ch), 1), in->style->name, in->style->font);
  }
}

const char *mb_pc_text_lang(const mb_para_in *in) {
  return in->text_lang ? in->text_lang : mb_text_lang(in->text->str, in->text->len, in->lang);
}

mb_len mb_pc_baseline(mb_fonts *fonts, const mb_para_in *in) {
  PangoFontDescription *desc = mb_pc_font(in->style);
  int ascent, descent;
  mb_fonts_metrics(fonts, desc, mb_pc_text_lang(in), &ascent, &descent);
  pango_font_description_free(desc);
  return (in->style->leading - (ascent + descent)) / 2 + ascent;
}
