/* Paragraph builder with total-fit line breaking (kp.h) over text shaped once.
 *
 * A paragraph is itemised and shaped once with HarfBuzz (through Pango); every byte gets the
 * advance of the cluster that starts there. Break opportunities come from Pango's log
 * attributes (UAX #14), tailored: a space before a danda or closing punctuation is no break, a
 * number and its unit are tied, English words get libhyphen's hyphenation points, and a word
 * wider than the measure gets emergency breaks between clusters. Knuth–Plass chooses the
 * breaks; each line copies its glyphs out of the paragraph's shaping, reshaping only the word
 * fragments on either side of a hyphenated break, and stretches or shrinks its word spaces
 * (never letters) to the measure, with punctuation hanging into the right margin. */
#include "kp.h"
#include "pango_common.h"
#include "shape_cache.h"

#include "text/fonts.h"
#include "text/hyphen.h"
#include "util/clock.h"
#include "util/mem.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  HYPHEN_PENALTY = 50, /* TeX's \hyphenpenalty and \exhyphenpenalty */
  TIE_PENALTY = 5000,  /* a number and its unit: only when nothing else fits */
  EMERGENCY_PENALTY = 1000,
  MAX_HYPHEN_POINTS = 16,
};

typedef struct tex_builder {
  mb_para_builder base;
  mb_fonts *fonts;
  mb_hyphenator *hyphenator; /* owned */
  mb_shape_cache *words;     /* owned: shaped words, for the builder's life */
  bool warned;               /* about the missing patterns */
} tex_builder;

typedef MB_VEC(kp_item) kp_vec;

/* A paragraph being set. */
typedef struct para {
  tex_builder *tb;
  const mb_para_in *in;
  const char *s;
  uint32_t len;
  PangoAttrList *attrs;
  PangoLogAttr *la; /* per character, plus one past the end */
  int nchars;
  int *cidx; /* per byte: index of the character it is in */
  PangoItem **items;
  PangoGlyphString **glyphs;
  mb_len *hyphen_w; /* per item, -1 until needed */
  size_t nitems;
  int *item_of;  /* per byte: the item it is in */
  int *glyph_at; /* per byte: first glyph of the cluster starting there, or -1 */
  int64_t *pre;  /* prefix sums of advances: width of [a, b) is pre[b] - pre[a] */
  mb_pc_clusters clusters;
  kp_vec kp;
  mb_len min_measure;
  bool justify;
  /* English words get hyphenation points only when the first pass finds no breaks without
   * them (as in TeX): most paragraphs never wait for the patterns, nor look words up. */
  bool hyphenate; /* the items being built have them */
  bool deferred;  /* some word would have had them */
  mb_pc_missing_vec missing;
  mb_diags *diags;
} para;

/* ---- characters ---- */

static uint32_t cp_at(const para *p, uint32_t b) {
  return g_utf8_get_char(p->s + b);
}

static uint32_t next_byte(const para *p, uint32_t b) {
  uint32_t n = (uint32_t)(g_utf8_next_char(p->s + b) - p->s);
  return n > p->len ? p->len : n;
}

static uint32_t prev_byte(const para *p, uint32_t b) {
  return (uint32_t)(g_utf8_prev_char(p->s + b) - p->s);
}

/* A word space: breakable, stretchable. No-break spaces and line separators are not. */
static bool is_space(uint32_t c) {
  return c == ' ' || c == '\t' ||
         (g_unichar_type(c) == G_UNICODE_SPACE_SEPARATOR && c != 0x00A0 && c != 0x202F &&
          c != 0x2007);
}

static bool is_forced(uint32_t c) {
  return c == 0x2028 || c == 0x2029 || c == '\n';
}

/* Characters no line may start with, even after a space: danda, double danda, closing
 * brackets and quotes, and punctuation that belongs to the word before it. */
static bool is_closing(uint32_t c) {
  static const uint32_t set[] = {0x0964, 0x0965, ',',    '.',    ';',    ':',    '!',    '?',   ')',
                                 ']',    '}',    0x201D, 0x2019, 0x00BB, 0x203A, 0x3001, 0x3002};
  for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
    if (set[i] == c) return true;
  return false;
}

/* How far a character at the end of a justified line hangs into the margin, in thousandths of
 * its width (microtype's defaults for Latin text). */
static int protrusion(uint32_t c) {
  switch (c) {
  case '.':
  case '-':
  case 0x2010:
  case 0x00AD: return 700;
  case ',':
  case ':':
  case 0x201D:
  case 0x2019:
  case '"':
  case '\'': return 500;
  case 0x2014: return 400;
  case ';':
  case 0x2013: return 300;
  case '!':
  case '?': return 200;
  default: return 0;
  }
}

/* ---- shaping ---- */

static PangoAttrList *para_attrs(const mb_para_in *in) {
  PangoAttrList *list = mb_pc_attrs(in);
  PangoFontDescription *desc = mb_pc_font(in->style);
  PangoAttribute *a = pango_attr_font_desc_new(desc);
  a->start_index = 0;
  a->end_index = in->text->len;
  pango_attr_list_insert_before(list, a); /* lowest priority: spans override it */
  pango_font_description_free(desc);
  return list;
}

/* Shapes text[item] (one item, or a fragment of one) into a new glyph string. */
static PangoGlyphString *shape(para *p, PangoItem *item) {
  PangoGlyphString *gs = pango_glyph_string_new();
  mb_shape_words(p->tb->words, item, p->s, (int)p->len, p->la, p->cidx, gs);
  int spacing = mb_pc_letter_spacing(item);
  if (spacing) {
    PangoGlyphItem gi = {item, gs, 0, 0, 0};
    pango_glyph_item_letter_space(&gi, p->s, p->la + p->cidx[item->offset], spacing);
  }
  return gs;
}

static void index_bytes(para *p) {
  p->cidx = mb_xcalloc(p->len + 1, sizeof(int));
  int c = 0;
  for (uint32_t b = 0; b < p->len; c++) {
    uint32_t n = next_byte(p, b);
    for (; b < n; b++) p->cidx[b] = c;
  }
  p->cidx[p->len] = c;
  p->nchars = c;
}

static void index_glyphs(para *p, size_t k) {
  const PangoItem *item = p->items[k];
  const PangoGlyphString *gs = p->glyphs[k];
  for (int b = item->offset; b < item->offset + item->length; b++) p->item_of[b] = (int)k;
  for (int i = 0; i < gs->num_glyphs; i++) {
    int b = item->offset + gs->log_clusters[i];
    if (p->glyph_at[b] < 0) p->glyph_at[b] = i;
    p->pre[b + 1] += gs->glyphs[i].geometry.width; /* made cumulative below */
  }
}

static void shape_paragraph(para *p) {
  PangoContext *ctx = mb_fonts_context(p->tb->fonts);
  GList *list = pango_itemize(ctx, p->s, 0, (int)p->len, p->attrs, NULL);
  p->nitems = g_list_length(list);
  p->items = mb_xcalloc(p->nitems + 1, sizeof(PangoItem *));
  p->glyphs = mb_xcalloc(p->nitems + 1, sizeof(PangoGlyphString *));
  p->hyphen_w = mb_xcalloc(p->nitems + 1, sizeof(mb_len));
  p->item_of = mb_xcalloc(p->len + 1, sizeof(int));
  p->glyph_at = mb_xcalloc(p->len + 1, sizeof(int));
  p->pre = mb_xcalloc(p->len + 1, sizeof(int64_t));
  for (uint32_t b = 0; b <= p->len; b++) p->glyph_at[b] = -1;
  size_t k = 0;
  for (GList *l = list; l; l = l->next, k++) {
    p->items[k] = l->data;
    p->hyphen_w[k] = -1;
    p->glyphs[k] = shape(p, p->items[k]);
    index_glyphs(p, k);
  }
  g_list_free(list);
  for (uint32_t b = 0; b < p->len; b++) p->pre[b + 1] += p->pre[b];
}

static mb_len width_of(const para *p, uint32_t a, uint32_t b) {
  return (mb_len)(p->pre[b] - p->pre[a]);
}

static const char *lang_at(const para *p, uint32_t b) {
  const PangoItem *item = p->items[p->item_of[b]];
  return item->analysis.language ? pango_language_to_string(item->analysis.language) : "";
}

/* The advance of a hyphen in the font of the item at byte b (shaped once per item). */
static mb_len hyphen_width(para *p, uint32_t b) {
  int k = p->item_of[b];
  if (p->hyphen_w[k] < 0) {
    PangoGlyphString *gs = pango_glyph_string_new();
    pango_shape("-", 1, &p->items[k]->analysis, gs);
    p->hyphen_w[k] = gs->num_glyphs ? gs->glyphs[0].geometry.width : 0;
    pango_glyph_string_free(gs);
  }
  return p->hyphen_w[k];
}

/* ---- break opportunities ---- */

static void push(para *p, kp_kind kind, mb_len w, mb_len stretch, mb_len shrink, int penalty,
                 uint32_t at) {
  kp_item it = {.kind = kind,
                .width = w,
                .stretch = stretch,
                .shrink = shrink,
                .penalty = penalty,
                .start = at};
  mb_vec_push(&p->kp, it);
}

static void push_box(para *p, uint32_t a, uint32_t b) {
  if (b > a) push(p, KP_BOX, width_of(p, a, b), 0, 0, 0, a);
}

/* The hang of a break after byte range [.., b): the last character's protrusion. */
static mb_len hang_before(const para *p, uint32_t b) {
  if (!p->justify || b == 0) return 0;
  uint32_t a = prev_byte(p, b);
  int f = protrusion(cp_at(p, a));
  if (!f || strncmp(lang_at(p, a), "en", 2) != 0) return 0;
  return (mb_len)((int64_t)width_of(p, a, b) * f / 1000);
}

static void push_hyphen_break(para *p, uint32_t at, mb_len hyphen) {
  push(p, KP_PENALTY, hyphen, 0, 0, HYPHEN_PENALTY, at);
  p->kp.items[p->kp.len - 1].flagged = true;
  p->kp.items[p->kp.len - 1].hang = p->justify ? hyphen * protrusion(0x2010) / 1000 : 0;
}

/* A token of the text: no spaces, no forced breaks. */
static uint32_t token_end(const para *p, uint32_t b) {
  while (b < p->len && !is_space(cp_at(p, b)) && !is_forced(cp_at(p, b))) b = next_byte(p, b);
  return b;
}

static uint32_t token_start(const para *p, uint32_t b) {
  while (b > 0) {
    uint32_t a = prev_byte(p, b);
    if (is_space(cp_at(p, a)) || is_forced(cp_at(p, a))) break;
    b = a;
  }
  return b;
}

/* A URL, an e-mail address, a path or a link: never hyphenated. */
static bool url_like(const para *p, uint32_t a, uint32_t b) {
  if (mb_pc_link_at(p->in->text, a)) return true;
  for (uint32_t i = a; i < b; i++)
    if (p->s[i] == '/' || p->s[i] == '@' || p->s[i] == '_' ||
        (p->s[i] == '.' && i + 1 < b && g_ascii_isalnum(p->s[i + 1])))
      return true;
  return false;
}

/* Hyphenation points of the English word in [a, b), pushed as boxes and flagged penalties. */
static bool hyphenate_word(para *p, uint32_t a, uint32_t b) {
  if (!p->in->hyphenate || strncmp(lang_at(p, a), "en", 2) != 0) return false;
  if (!p->hyphenate) {
    p->deferred = true;
    return false;
  }
  if (!mb_hyphenator_ready(p->tb->hyphenator)) {
    if (!p->tb->warned)
      mb_warning(p->diags, mb_pos_file(MB_HYPHEN_PATTERNS),
                 "cannot read the hyphenation patterns: English text is set without "
                 "hyphenation (install the Debian package hyphen-en-us)");
    p->tb->warned = true;
    return false;
  }
  uint32_t t0 = token_start(p, a), t1 = token_end(p, a);
  if (url_like(p, t0, t1)) return false;
  uint32_t w0 = a, w1 = b; /* the letters, without surrounding punctuation */
  while (w0 < w1 && !g_ascii_isalpha(p->s[w0])) w0++;
  while (w1 > w0 && !g_ascii_isalpha(p->s[w1 - 1])) w1--;
  uint32_t points[MAX_HYPHEN_POINTS];
  size_t n = mb_hyphenate(p->tb->hyphenator, p->s + w0, w1 - w0, points, MAX_HYPHEN_POINTS);
  if (!n) return false;
  mb_len hyphen = hyphen_width(p, a);
  uint32_t from = a;
  for (size_t i = 0; i < n; i++) { /* inside a ligature too: both sides are reshaped */
    uint32_t at = w0 + points[i];
    push_box(p, from, at);
    push_hyphen_break(p, at, hyphen);
    from = at;
  }
  push_box(p, from, b);
  return true;
}

/* A break between two clusters of a word too wide for the measure. */
static bool emergency_point(const para *p, uint32_t b) {
  return p->glyph_at[b] >= 0 && p->la[p->cidx[b]].is_cursor_position;
}

static void split_wide_word(para *p, uint32_t a, uint32_t b) {
  char q[96];
  uint32_t t0 = token_start(p, a), t1 = token_end(p, a);
  if (!p->hyphenate) /* not again when the items are made again, with hyphenation points */
    mb_warning(p->diags, mb_text_pos(p->in->text, t0, p->in->pos),
               "%s is wider than the column (%.1f pt, the column is %.1f pt): it is broken "
               "between letters",
               mb_quote(q, sizeof q, p->s + t0, t1 - t0, 40), mb_len_pt(width_of(p, t0, t1)),
               mb_len_pt(p->min_measure));
  uint32_t from = a;
  for (uint32_t i = next_byte(p, a); i < b; i = next_byte(p, i)) {
    if (!emergency_point(p, i)) continue;
    push_box(p, from, i);
    push(p, KP_PENALTY, 0, 0, 0, EMERGENCY_PENALTY, i);
    from = i;
  }
  push_box(p, from, b);
}

/* Text between two break opportunities. */
static void add_text(para *p, uint32_t a, uint32_t b) {
  if (b <= a) return;
  if (width_of(p, a, b) > p->min_measure) {
    split_wide_word(p, a, b);
    return;
  }
  if (!hyphenate_word(p, a, b)) push_box(p, a, b);
}

/* ---- spaces ---- */

static bool is_digit(uint32_t c) {
  return g_unichar_isdigit(c);
}

/* A number: digits, with separators between them. */
static bool is_number(const para *p, uint32_t a, uint32_t b) {
  bool digit = false;
  for (uint32_t i = a; i < b; i = next_byte(p, i)) {
    uint32_t c = cp_at(p, i);
    if (is_digit(c))
      digit = true;
    else if (!(c == ',' || c == '.' || c == 0x066B || c == 0x066C) || !digit)
      return false;
  }
  return digit;
}

/* Units and counted words that stay with the number before them. */
static bool is_unit(const char *w, size_t len) {
  static const char *const units[] = {
      "%",    "‰",        "°",    "acre",    "acres",   "ha",       "km",      "m",    "cm",
      "mm",   "mi",       "mile", "miles",   "ft",      "kg",       "g",       "lb",   "t",
      "l",    "ml",       "h",    "min",     "s",       "ms",       "pt",      "px",   "MB",
      "GB",   "kB",       "TB",   "million", "billion", "trillion", "percent", "USD",  "EUR",
      "INR",  "एकड़",      "एकड़",  "मील",     "किमी",    "किलोमीटर", "मीटर",    "सेमी",  "मिमी",
      "किलो", "किलोग्राम", "ग्राम", "लीटर",    "प्रतिशत",  "करोड़",     "करोड़",    "लाख",  "हज़ार",
      "हजार", "अरब",      "डॉलर", "रुपये",     "रुपए",     "वर्ग",      "घंटे",      "मिनट", "साल",
      "वर्ष",  "वर्षों"};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strlen(units[i]) == len && memcmp(units[i], w, len) == 0) return true;
  return false;
}

/* The word after the space at [a, b): letters up to punctuation or a space. */
static bool ties(const para *p, uint32_t a, uint32_t b) {
  uint32_t t0 = token_start(p, a);
  if (!is_number(p, t0, a)) return false;
  uint32_t e = b;
  while (e < p->len && !is_space(cp_at(p, e)) && !is_forced(cp_at(p, e)) &&
         !(g_unichar_ispunct(cp_at(p, e)) && cp_at(p, e) != '%'))
    e = next_byte(p, e);
  return e > b && is_unit(p->s + b, e - b);
}

/* Word spaces [a, b): glue, breakable unless what follows may not start a line. */
static void add_space(para *p, uint32_t a, uint32_t b) {
  if (b >= p->len || is_forced(cp_at(p, b))) return; /* trailing: the line ends anyway */
  mb_len w = width_of(p, a, b);
  bool breakable = p->la[p->cidx[b]].is_line_break && !is_closing(cp_at(p, b));
  bool tie = breakable && ties(p, a, b);
  if (!p->justify) { /* ragged: the rag stretches (kp_params.rag), word spaces do not */
    if (!breakable || tie) {
      push(p, KP_PENALTY, 0, 0, 0, tie ? TIE_PENALTY : KP_INFINITY, a);
      p->kp.items[p->kp.len - 1].last_resort = tie;
    }
    push(p, KP_GLUE, w, 0, 0, 0, a);
    return;
  }
  if (tie) { /* a no-break space: fixed width, a break only if nothing else fits */
    push(p, KP_PENALTY, 0, 0, 0, TIE_PENALTY, a);
    p->kp.items[p->kp.len - 1].hang = hang_before(p, a);
    p->kp.items[p->kp.len - 1].last_resort = true;
    push(p, KP_GLUE, w, 0, 0, 0, a);
    return;
  }
  if (!breakable) push(p, KP_PENALTY, 0, 0, 0, KP_INFINITY, a);
  push(p, KP_GLUE, w, w / 5, w / 5, 0, a);
  p->kp.items[p->kp.len - 1].hang = hang_before(p, a);
}

/* A break opportunity inside a token (after a hyphen or a dash, in a URL after a slash). */
static void add_inner_break(para *p, uint32_t b) {
  uint32_t prev = cp_at(p, prev_byte(p, b));
  if (prev == 0x00AD) {
    push_hyphen_break(p, b, hyphen_width(p, prev_byte(p, b)));
    return;
  }
  bool hyphen = prev == '-' || prev == 0x2010 || prev == 0x2013 || prev == 0x2014;
  push(p, KP_PENALTY, 0, 0, 0, hyphen ? HYPHEN_PENALTY : 0, b);
  p->kp.items[p->kp.len - 1].flagged = hyphen;
  p->kp.items[p->kp.len - 1].hang = hang_before(p, b);
}

static void add_forced(para *p, uint32_t at) {
  push(p, KP_GLUE, 0, KP_FILL_STRETCH, 0, 0, at);
  push(p, KP_PENALTY, 0, 0, 0, -KP_INFINITY, at);
}

/* A danda with no space after it ("है।एमआईटी"): UAX #14 allows a break, but a reader copying
 * the text would get a space that is not there; the danda stays with the next word. */
static bool glued_danda(const para *p, uint32_t b) {
  uint32_t c = cp_at(p, prev_byte(p, b));
  return c == 0x0964 || c == 0x0965;
}

/* The item list of the whole paragraph. */
static void build_items(para *p) {
  uint32_t from = 0;
  for (uint32_t b = 0; b < p->len;) {
    uint32_t c = cp_at(p, b), n = next_byte(p, b);
    if (is_space(c)) {
      add_text(p, from, b);
      uint32_t e = n;
      while (e < p->len && is_space(cp_at(p, e))) e = next_byte(p, e);
      add_space(p, b, e);
      from = n = e;
    } else if (is_forced(c)) {
      add_text(p, from, b);
      add_forced(p, b);
      from = n;
    } else if (b > from && p->la[p->cidx[b]].is_line_break && !glued_danda(p, b)) {
      add_text(p, from, b);
      add_inner_break(p, b);
      from = b;
    }
    b = n;
  }
  add_text(p, from, p->len);
  add_forced(p, p->len);
}

/* ---- lines ---- */

typedef MB_VEC(mb_box) box_vec;

/* One line being made: its byte range and the runs so far. */
typedef struct line_ctx {
  uint32_t a, b;
  uint32_t head_end;   /* [a, head_end): the rest of a word hyphenated on the line before */
  uint32_t tail_start; /* [tail_start, b): a word fragment that ends in an inserted hyphen */
  box_vec runs;
  mb_arena *arena;
} line_ctx;

/* The glyphs of item k whose clusters start in [s0, s1). */
static void glyph_range(const para *p, size_t k, uint32_t s0, uint32_t s1, int *from, int *to) {
  const PangoItem *item = p->items[k];
  const PangoGlyphString *gs = p->glyphs[k];
  int i = 0;
  while (i < gs->num_glyphs && (uint32_t)(item->offset + gs->log_clusters[i]) < s0) i++;
  *from = i;
  while (i < gs->num_glyphs && (uint32_t)(item->offset + gs->log_clusters[i]) < s1) i++;
  *to = i;
}

static void copy_run(para *p, line_ctx *lc, size_t k, uint32_t s0, uint32_t s1) {
  mb_pc_source src = {p->items[k], p->glyphs[k], 0, 0, p->s, s0, s1, s0, &p->clusters};
  glyph_range(p, k, s0, s1, &src.from, &src.to);
  mb_box run = mb_pc_run(p->tb->fonts, p->in, &src, 0, lc->arena, &p->missing);
  mb_vec_push(&lc->runs, run);
}

/* The run's text with its trailing soft hyphen, if any, replaced by the hyphen it shows, and
 * the hyphen glyph mapped to it: copy and search then see the hyphen where it is drawn. */
static void show_hyphen(line_ctx *lc, mb_box *box) {
  mb_glyph_run *run = &box->u.glyphs.run;
  uint32_t len = run->text_len;
  if (len >= 2 && memcmp(run->text + len - 2, "\xC2\xAD", 2) == 0) len -= 2;
  char *text = mb_arena_alloc(lc->arena, len + 2);
  memcpy(text, run->text, len);
  memcpy(text + len, "-", 2);
  run->text = text;
  run->text_len = len + 1;
  if (run->nglyphs) ((mb_glyph *)run->glyphs)[run->nglyphs - 1].cluster = len;
}

static void reshape_run(para *p, line_ctx *lc, size_t k, uint32_t s0, uint32_t s1, bool hyphen) {
  PangoItem *frag = pango_item_copy(p->items[k]);
  frag->offset = (int)s0;
  frag->length = (int)(s1 - s0);
  frag->num_chars = p->cidx[s1] - p->cidx[s0];
  if (hyphen) frag->analysis.flags |= PANGO_ANALYSIS_FLAG_NEED_HYPHEN;
  PangoGlyphString *gs = shape(p, frag);
  mb_pc_source src = {frag, gs, 0, gs->num_glyphs, p->s, s0, s1, s0, &p->clusters};
  mb_box run = mb_pc_run(p->tb->fonts, p->in, &src, 0, lc->arena, &p->missing);
  if (hyphen) show_hyphen(lc, &run);
  mb_vec_push(&lc->runs, run);
  pango_glyph_string_free(gs);
  pango_item_free(frag);
}

/* The runs of item k within the line: copied, or reshaped next to a hyphenated break. */
static void item_runs(para *p, line_ctx *lc, size_t k) {
  const PangoItem *item = p->items[k];
  uint32_t s0 = (uint32_t)item->offset, s1 = s0 + (uint32_t)item->length;
  if (s0 < lc->a) s0 = lc->a;
  if (s1 > lc->b) s1 = lc->b;
  uint32_t cuts[] = {s0, lc->head_end, lc->tail_start, s1};
  for (int i = 0; i < 3; i++) {
    uint32_t c0 = cuts[i] < s0 ? s0 : cuts[i], c1 = cuts[i + 1] > s1 ? s1 : cuts[i + 1];
    if (c0 >= c1) continue;
    if (i == 1)
      copy_run(p, lc, k, c0, c1);
    else
      reshape_run(p, lc, k, c0, c1, i == 2 && c1 == lc->b);
  }
}

typedef struct glue_adj {
  uint32_t at;
  mb_len stretch, shrink, delta;
} glue_adj;

typedef MB_VEC(glue_adj) glue_vec;

/* Shares delta among the glue by its stretch (or shrink); never shrinks past the limit, and
 * stretches as far as the line needs (the breaker keeps that within 2.5x where it can). */
static void share(glue_vec *g, mb_len delta) {
  int64_t total = 0;
  for (size_t i = 0; i < g->len; i++) total += delta > 0 ? g->items[i].stretch : g->items[i].shrink;
  if (total <= 0 || delta == 0) return;
  if (delta < -total) delta = (mb_len)-total;
  int64_t given = 0, seen = 0;
  for (size_t i = 0; i < g->len; i++) {
    seen += delta > 0 ? g->items[i].stretch : g->items[i].shrink;
    int64_t upto = delta * seen / total; /* cumulative, so the parts add up exactly */
    g->items[i].delta = (mb_len)(upto - given);
    given = upto;
  }
}

static void apply_glue(box_vec *runs, const glue_vec *g) {
  size_t gi = 0;
  for (size_t r = 0; r < runs->len; r++) {
    mb_glyph_run *run = &runs->items[r].u.glyphs.run;
    mb_glyph *glyphs = (mb_glyph *)run->glyphs;
    for (uint32_t i = 0; i < run->nglyphs; i++) {
      uint32_t at = run->text_offset + glyphs[i].cluster;
      while (gi < g->len && g->items[gi].at < at) gi++;
      if (gi == g->len) return;
      if (g->items[gi].at != at) continue;
      glyphs[i].x_advance += g->items[gi].delta;
      runs->items[r].w += g->items[gi++].delta;
    }
  }
}

static mb_len runs_width(const box_vec *runs) {
  mb_len w = 0;
  for (size_t r = 0; r < runs->len; r++) w += runs->items[r].w;
  return w;
}

/* Justifies the line to target through its word spaces. */
static void justify(para *p, line_ctx *lc, size_t first, size_t brk, mb_len target) {
  glue_vec g = {0};
  for (size_t i = first; i < brk; i++) {
    const kp_item *it = &p->kp.items[i];
    if (it->kind == KP_GLUE && (it->stretch || it->shrink) && it->stretch < KP_FILL_STRETCH) {
      glue_adj adj = {it->start, it->stretch, it->shrink, 0};
      mb_vec_push(&g, adj);
    }
  }
  share(&g, target - runs_width(&lc->runs));
  apply_glue(&lc->runs, &g);
  free(g.items);
}

static bool inserts_hyphen(const para *p, const kp_item *brk) {
  if (brk->kind != KP_PENALTY || !brk->flagged || brk->start == 0) return false;
  uint32_t c = cp_at(p, prev_byte(p, brk->start));
  return c != '-' && c != 0x2010 && c != 0x2013 && c != 0x2014;
}

/* Places the runs side by side, adds link boxes, and fills in the line. */
static void finish_line(para *p, line_ctx *lc, mb_len baseline, mb_line *L) {
  box_vec out = {0};
  mb_len x = 0;
  for (size_t r = 0; r < lc->runs.len; r++) {
    mb_box run = lc->runs.items[r];
    run.x = x;
    run.h = p->in->style->leading;
    run.u.glyphs.baseline = baseline;
    mb_vec_push(&out, run);
    const char *href = mb_pc_link_at(p->in->text, run.u.glyphs.run.text_offset);
    if (href) mb_vec_push(&out, mb_pc_link_box(&run, href));
    x += run.w;
  }
  L->width = x;
  L->height = p->in->style->leading;
  L->baseline = baseline;
  L->start = lc->a;
  L->end = lc->b;
  L->nruns = out.len;
  L->runs = out.len ? mb_arena_memdup(lc->arena, out.items, out.len * sizeof(mb_box)) : NULL;
  free(out.items);
}

static mb_len align_x(const mb_para_in *in, mb_len measure, mb_len width) {
  switch (in->style->align) {
  case MB_ALIGN_RIGHT: return measure - width;
  case MB_ALIGN_CENTER: return (measure - width) / 2;
  default: return 0;
  }
}

typedef struct line_spec {
  size_t first, brk; /* kp items */
  bool continues;    /* the line before broke inside a word with an inserted hyphen */
  mb_len measure, indent;
} line_spec;

static void make_line(para *p, const line_spec *ls, mb_len baseline, mb_arena *arena, mb_line *L) {
  const kp_item *brk = &p->kp.items[ls->brk];
  line_ctx lc = {0};
  lc.arena = arena;
  lc.a = ls->first < p->kp.len ? p->kp.items[ls->first].start : p->len;
  if (ls->first == 0) lc.a = 0;
  lc.b = brk->start < lc.a ? lc.a : brk->start;
  lc.head_end = ls->continues ? token_end(p, lc.a) : lc.a;
  lc.tail_start = inserts_hyphen(p, brk) ? token_start(p, lc.b) : lc.b;
  if (lc.head_end > lc.b) lc.head_end = lc.b;
  if (lc.tail_start < lc.a) lc.tail_start = lc.a;
  if (lc.head_end > lc.tail_start) lc.head_end = lc.tail_start;
  for (size_t k = 0; k < p->nitems; k++) {
    const PangoItem *item = p->items[k];
    if ((uint32_t)(item->offset + item->length) > lc.a && (uint32_t)item->offset < lc.b)
      item_runs(p, &lc, k);
  }
  bool last = brk->kind == KP_PENALTY && brk->penalty <= -KP_INFINITY;
  mb_len target = ls->measure + brk->hang;
  /* A last line is never stretched; like any line, it shrinks if it must. */
  if (p->justify && (!last || runs_width(&lc.runs) > target))
    justify(p, &lc, ls->first, ls->brk, target);
  finish_line(p, &lc, baseline, L);
  L->x = ls->indent + align_x(p->in, ls->measure, L->width);
  free(lc.runs.items);
}

/* ---- the builder ---- */

static void para_init(para *p, tex_builder *tb, const mb_para_in *in, mb_diags *diags) {
  memset(p, 0, sizeof *p);
  p->tb = tb;
  p->in = in;
  p->s = in->text->str;
  p->len = in->text->len;
  p->diags = diags;
  p->justify = in->style->align == MB_ALIGN_JUSTIFY;
  p->min_measure = in->width - (in->first_indent > 0 ? in->first_indent : 0);
  index_bytes(p);
  p->la = mb_xcalloc((size_t)p->nchars + 1, sizeof(PangoLogAttr));
  const char *lang = mb_pc_text_lang(in);
  pango_get_log_attrs(p->s, (int)p->len, -1, pango_language_from_string(lang), p->la,
                      p->nchars + 1);
  p->attrs = para_attrs(in);
  shape_paragraph(p);
  p->clusters = mb_pc_clusters_new(p->la, p->nchars + 1, in->text);
}

static void para_free(para *p) {
  for (size_t k = 0; k < p->nitems; k++) {
    pango_glyph_string_free(p->glyphs[k]);
    pango_item_free(p->items[k]);
  }
  free(p->items);
  free(p->glyphs);
  free(p->hyphen_w);
  pango_attr_list_unref(p->attrs);
  free(p->la);
  free(p->cidx);
  free(p->item_of);
  free(p->glyph_at);
  free(p->pre);
  mb_pc_clusters_free(&p->clusters);
  free(p->kp.items);
  free(p->missing.items);
}

static kp_params para_params(const para *p) {
  kp_params params = kp_default_params(p->in->width);
  params.emergency_stretch = p->in->style->size / 2; /* half an em */
  if (p->justify) params.max_ratio = 7.5; /* spaces 2.5 x natural: 1.5 x over a stretch of 0.2 */
  if (!p->justify) {
    /* A deep rag: lines fill about as a greedy breaker fills them, and a hyphen is taken
     * only when a line would otherwise be left a third empty. */
    params.rag = p->in->width / 3;
    params.emergency_stretch = 0;
  }
  return params;
}

static size_t break_lines(para *p, kp_line **breaks) {
  mb_len widths[2] = {p->in->width - p->in->first_indent, p->in->width};
  kp_params params = para_params(p);
  size_t n = kp_break_first_pass(p->kp.items, p->kp.len, widths, 2, &params, breaks);
  if (n) return n;
  free(*breaks);
  if (p->deferred) { /* the same items again, with hyphenation points */
    p->kp.len = 0;
    p->hyphenate = true;
    build_items(p);
  }
  return kp_break_later_passes(p->kp.items, p->kp.len, widths, 2, &params, breaks);
}

static bool tex_build(mb_para_builder *self, const mb_para_in *in, mb_arena *arena,
                      mb_line **lines_out, size_t *nlines_out, mb_diags *diags) {
  double start = mb_now_ms();
  para p;
  para_init(&p, (tex_builder *)self, in, diags);
  double shaped = mb_now_ms();
  self->shape_ms += shaped - start;
  build_items(&p);
  kp_line *breaks;
  size_t n = break_lines(&p, &breaks);
  mb_line *lines = mb_arena_calloc(arena, n ? n : 1, sizeof(mb_line));
  mb_len baseline = mb_pc_baseline(p.tb->fonts, in);
  size_t first = 0;
  for (size_t k = 0; k < n; k++) {
    line_spec ls = {
        first, breaks[k].end, k > 0 && inserts_hyphen(&p, &p.kp.items[breaks[k - 1].end]),
        k == 0 ? in->width - in->first_indent : in->width, k == 0 ? in->first_indent : 0};
    make_line(&p, &ls, baseline, arena, &lines[k]);
    first = kp_line_start(p.kp.items, p.kp.len, breaks[k].end);
  }
  if (n == 0) { /* no text: one empty line */
    lines[0].height = in->style->leading;
    lines[0].baseline = baseline;
    n = 1;
  }
  mb_pc_report_missing(in, &p.missing, diags);
  free(breaks);
  para_free(&p);
  self->break_ms += mb_now_ms() - shaped;
  *lines_out = lines;
  *nlines_out = n;
  return true;
}

static void tex_free(mb_para_builder *self) {
  tex_builder *tb = (tex_builder *)self;
  mb_hyphenator_free(tb->hyphenator);
  mb_shape_cache_free(tb->words);
  free(tb);
}

mb_para_builder *mb_para_tex_adopt(mb_fonts *fonts, mb_hyphenator *hyphenator) {
  tex_builder *tb = mb_xcalloc(1, sizeof(tex_builder));
  tb->base.build = tex_build;
  tb->base.free = tex_free;
  tb->fonts = fonts;
  tb->hyphenator = hyphenator;
  tb->words = mb_shape_cache_new();
  return &tb->base;
}

mb_para_builder *mb_para_tex_new(mb_fonts *fonts) {
  return mb_para_tex_adopt(fonts, mb_hyphenator_new(MB_HYPHEN_PATTERNS));
}
