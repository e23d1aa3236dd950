/* Paragraph builder on PangoLayout: Pango itemises, shapes and breaks (greedily), then each
 * line's glyph items are copied out as glyph runs. */
#include "para.h"

#include "text/fonts.h"
#include "util/mem.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

typedef struct pango_builder {
  mb_para_builder base;
  mb_fonts *fonts;
} pango_builder;

static PangoFontDescription *style_font(const mb_style *s) {
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
    if (lang) add_attr(list, pango_attr_language_new(pango_language_from_string(lang)), a, b);
    if (in->style->tracking && script != PANGO_SCRIPT_DEVANAGARI)
      add_attr(list, pango_attr_letter_spacing_new(in->style->tracking), a, b);
  } while (pango_script_iter_next(it));
  pango_script_iter_free(it);
}

static PangoAttrList *build_attrs(const mb_para_in *in) {
  PangoAttrList *list = pango_attr_list_new();
  const mb_style *s = in->style;
  if (s->features) add_attr(list, pango_attr_font_features_new(s->features), 0, in->text->len);
  if (s->uppercase)
    add_attr(list, pango_attr_text_transform_new(PANGO_TEXT_TRANSFORM_UPPERCASE), 0, in->text->len);
  add_script_attrs(list, in);
  add_span_attrs(list, in);
  return list;
}

static PangoLayout *make_layout(pango_builder *pb, const mb_para_in *in) {
  PangoLayout *layout = pango_layout_new(mb_fonts_context(pb->fonts));
  PangoFontDescription *desc = style_font(in->style);
  PangoAttrList *attrs = build_attrs(in);
  pango_layout_set_text(layout, in->text->str, (int)in->text->len);
  pango_layout_set_font_description(layout, desc);
  pango_layout_set_attributes(layout, attrs);
  pango_layout_set_width(layout, in->width);
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_indent(layout, in->first_indent);
  static const PangoAlignment aligns[] = {PANGO_ALIGN_LEFT, PANGO_ALIGN_RIGHT, PANGO_ALIGN_CENTER,
                                          PANGO_ALIGN_LEFT};
  pango_layout_set_alignment(layout, aligns[in->style->align]);
  pango_layout_set_justify(layout, in->style->align == MB_ALIGN_JUSTIFY);
  pango_attr_list_unref(attrs);
  pango_font_description_free(desc);
  return layout;
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

typedef struct missing {
  uint32_t cp;
  uint32_t offset;
} missing;

typedef MB_VEC(missing) missing_vec;

static void report_missing(const mb_para_in *in, missing *m, size_t n, mb_diags *diags) {
  for (size_t i = 0; i < n; i++) {
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++) seen = m[k].cp == m[i].cp;
    if (seen) continue;
    char ch[8] = {0};
    mb_utf8_encode(m[i].cp, ch);
    char q[32];
    mb_warning(diags, mb_text_pos(in->text, m[i].offset, in->pos),
               "no bundled font has a glyph for U+%04X %s (style '%s', fonts '%s'): it would "
               "print as an empty box",
               m[i].cp, mb_quote(q, sizeof q, ch, strlen(ch), 1), in->style->name, in->style->font);
  }
}

/* Cluster starts, for every byte of the text: where its grapheme starts, and where its word
 * starts. Copy and search in PDF readers depend on them. A Devanagari mark drawn with an
 * offset (the matra of मै, the virama of ट्) leaves a gap that poppler and others read as a
 * space, and so does letter spacing; so glyphs of such text are mapped to whole words (cairo
 * then writes one ActualText span per word) and other glyphs to whole graphemes. */
typedef struct cluster_map {
  uint32_t *grapheme, *word;
} cluster_map;

static bool is_blank(gunichar c) {
  return g_unichar_isspace(c) || c == 0x00A0 || c == 0x2028;
}

static cluster_map cluster_starts(PangoLayout *layout, const mb_text *t) {
  int n;
  const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly(layout, &n);
  cluster_map m = {mb_xcalloc(t->len + 1, sizeof(uint32_t)),
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

/* Devanagari, and letter-spaced text, map glyphs to whole words (see cluster_starts). */
static bool whole_words(const PangoItem *item) {
  if (item->analysis.script == PANGO_SCRIPT_DEVANAGARI) return true;
  for (GSList *l = item->analysis.extra_attrs; l; l = l->next)
    if (((PangoAttribute *)l->data)->klass->type == PANGO_ATTR_LETTER_SPACING) return true;
  return false;
}

static mb_box glyph_run(pango_builder *pb, const mb_para_in *in, PangoGlyphItem *gi, mb_len x,
                        const cluster_map *clusters, mb_arena *arena, missing_vec *miss) {
  PangoItem *item = gi->item;
  PangoGlyphString *gs = gi->glyphs;
  mb_box box;
  memset(&box, 0, sizeof box);
  box.kind = MB_BOX_GLYPHS;
  box.frame = -1;
  box.block = in->block;
  mb_glyph_run *run = &box.u.glyphs.run;
  mb_glyph *glyphs = mb_arena_calloc(arena, (size_t)gs->num_glyphs, sizeof(mb_glyph));
  mb_len w = 0;
  const uint32_t *starts = whole_words(item) ? clusters->word : clusters->grapheme;
  for (int i = 0; i < gs->num_glyphs; i++) {
    PangoGlyphInfo *g = &gs->glyphs[i];
    glyphs[i].id = g->glyph;
    glyphs[i].x_advance = g->geometry.width;
    glyphs[i].x_offset = g->geometry.x_offset;
    glyphs[i].y_offset = g->geometry.y_offset;
    uint32_t at = starts[item->offset + gs->log_clusters[i]];
    glyphs[i].cluster = at > (uint32_t)item->offset ? at - (uint32_t)item->offset : 0;
    w += g->geometry.width;
    if ((g->glyph & PANGO_GLYPH_UNKNOWN_FLAG) && g->glyph != PANGO_GLYPH_EMPTY) {
      missing m = {g->glyph & ~PANGO_GLYPH_UNKNOWN_FLAG,
                   (uint32_t)(item->offset + gs->log_clusters[i])};
      mb_vec_push(miss, m);
    }
  }
  run->font = mb_fonts_intern(pb->fonts, item->analysis.font);
  run->size = in->style->size;
  run->color = run_color(item, in->style->color);
  run->text = mb_arena_strndup(arena, in->text->str + item->offset, (size_t)item->length);
  run->text_len = (uint32_t)item->length;
  run->text_offset = (uint32_t)item->offset;
  run->glyphs = glyphs;
  run->nglyphs = (uint32_t)gs->num_glyphs;
  run->lang = item->analysis.language ? pango_language_to_string(item->analysis.language) : NULL;
  box.x = x;
  box.w = w;
  return box;
}

/* The link a byte of the text is in, or NULL. */
static const char *link_at(const mb_text *t, uint32_t offset) {
  for (uint32_t i = 0; i < t->nspans; i++)
    if ((t->spans[i].flags & MB_SPAN_LINK) && offset >= t->spans[i].start &&
        offset < t->spans[i].end)
      return t->spans[i].href;
  return NULL;
}

/* The clickable area of a run of link text: the run's box. */
static mb_box link_box(const mb_box *run, const char *href) {
  mb_box b = *run;
  b.kind = MB_BOX_LINK;
  memset(&b.u, 0, sizeof b.u);
  b.u.href = href;
  return b;
}

static mb_len baseline_of(pango_builder *pb, const mb_para_in *in) {
  PangoFontDescription *desc = style_font(in->style);
  int ascent, descent;
  const char *lang = mb_text_lang(in->text->str, in->text->len, in->lang);
  mb_fonts_metrics(pb->fonts, desc, lang, &ascent, &descent);
  pango_font_description_free(desc);
  return (in->style->leading - (ascent + descent)) / 2 + ascent;
}

static bool pango_build(mb_para_builder *self, const mb_para_in *in, mb_arena *arena,
                        mb_line **lines_out, size_t *nlines_out, mb_diags *diags) {
  pango_builder *pb = (pango_builder *)self;
  PangoLayout *layout = make_layout(pb, in);
  int count = pango_layout_get_line_count(layout);
  mb_line *lines = mb_arena_calloc(arena, (size_t)count, sizeof(mb_line));
  mb_len baseline = baseline_of(pb, in);
  cluster_map clusters = cluster_starts(layout, in->text);
  missing_vec miss = {0};
  PangoLayoutIter *it = pango_layout_get_iter(layout);
  int n = 0;
  do {
    PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(it, NULL, &logical);
    mb_line *L = &lines[n++];
    L->x = logical.x;
    L->width = logical.width;
    L->height = in->style->leading;
    L->baseline = baseline;
    L->start = (uint32_t)line->start_index;
    L->end = (uint32_t)(line->start_index + line->length);
    /* At most one link box beside each glyph run. */
    L->runs = mb_arena_calloc(arena, 2 * g_slist_length(line->runs), sizeof(mb_box));
    mb_len x = 0;
    for (GSList *l = line->runs; l; l = l->next) {
      mb_box *run = &L->runs[L->nruns++];
      *run = glyph_run(pb, in, l->data, x, &clusters, arena, &miss);
      run->h = L->height;
      run->u.glyphs.baseline = baseline;
      const char *href = link_at(in->text, run->u.glyphs.run.text_offset);
      if (href) L->runs[L->nruns++] = link_box(run, href);
      x += run->w;
    }
  } while (pango_layout_iter_next_line(it) && n < count);
  pango_layout_iter_free(it);
  g_object_unref(layout);
  free(clusters.grapheme);
  free(clusters.word);
  report_missing(in, miss.items, miss.len, diags);
  free(miss.items);
  *lines_out = lines;
  *nlines_out = (size_t)n;
  return true;
}

static void pango_free(mb_para_builder *self) {
  free(self);
}

mb_para_builder *mb_para_pango_new(mb_fonts *fonts) {
  pango_builder *pb = mb_xcalloc(1, sizeof(pango_builder));
  pb->base.build = pango_build;
  pb->base.free = pango_free;
  pb->fonts = fonts;
  return &pb->base;
}

void mb_para_builder_free(mb_para_builder *builder) {
  if (builder) builder->free(builder);
}
