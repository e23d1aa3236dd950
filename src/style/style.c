#include "style.h"

#include "util/file.h"
#include "util/text.h"
#include "util/yaml.h"

#include <stdlib.h>
#include <string.h>

enum {
  MAX_LAYOUT_FILE = 1024 * 1024,
  MAX_STYLES = 256,
  MAX_COLORS = 256,
  MAX_ITEMS = 64,
  MAX_EXTENDS = 4
};

typedef mb_named_color named_color;

typedef struct raw_style {
  const char *name;
  yaml_node_t *node;
  int state; /* 0 unresolved, 1 resolving, 2 done */
  mb_style style;
} raw_style;

/* The layouts being read, from this one up through those it extends. */
typedef struct lineage {
  char *real; /* real path, or NULL if unknown */
  int depth;
  const struct lineage *up;
} lineage;

typedef struct parser {
  mb_yaml y;
  mb_layout *layout;
  const mb_layout *base; /* resolved base layout, or NULL */
  const lineage *line;   /* this layout and those that extend it */
  mb_diags *diags;
  bool ok;
  MB_VEC(named_color) colors;
  MB_VEC(raw_style) styles;
} parser;

static mb_arena *arena(parser *p) {
  return p->layout->arena;
}

static void fail(parser *p) {
  p->ok = false;
}

/* ---- values ---- */

/* A length; percentages are of `ref` (0: not allowed). */
static bool get_length(parser *p, yaml_node_t *map, const char *key, mb_len ref, mb_len *out) {
  yaml_node_t *v = mb_yaml_get(&p->y, map, key);
  if (!v) return false;
  const char *s = mb_yaml_str(&p->y, v, key);
  if (!s) return fail(p), false;
  double value;
  const char *why;
  mb_unit_kind kind = mb_parse_length(s, ref != 0, &value, &why);
  if (kind == MB_UNIT_BAD) {
    char q[100];
    mb_error(p->diags, mb_yaml_pos(&p->y, v), "'%s' must be a length, not %s: %s", key,
             mb_quote(q, sizeof q, s, strlen(s), 30), why);
    return fail(p), false;
  }
  *out = kind == MB_UNIT_PERCENT ? (mb_len)((double)ref * value / 100.0) : mb_len_from_pt(value);
  return true;
}

/* A length that must be > 0 (or >= 0 when zero_ok). */
static bool get_size(parser *p, yaml_node_t *map, const char *key, mb_len ref, bool zero_ok,
                     mb_len *out) {
  mb_len v;
  if (!get_length(p, map, key, ref, &v)) return false;
  if (v < 0 || (v == 0 && !zero_ok)) {
    mb_error(p->diags, mb_yaml_pos(&p->y, mb_yaml_get(&p->y, map, key)),
             "'%s' must be %s, not %g pt", key, zero_ok ? "zero or more" : "more than zero",
             mb_len_pt(v));
    return fail(p), false;
  }
  *out = v;
  return true;
}

/* #rgb, #rgba, #rrggbb or #rrggbbaa. */
static bool parse_hex(const char *s, mb_color *out) {
  size_t n = strlen(s);
  if (s[0] != '#' || (n != 7 && n != 9 && n != 4 && n != 5)) return false;
  if (strspn(s + 1, "0123456789abcdefABCDEF") != n - 1) return false;
  if (n <= 5) {
    unsigned long v = strtoul(s + 1, NULL, 16);
    if (n == 4) v = v << 4 | 0xF;
    unsigned r = (v >> 12) & 15, g = (v >> 8) & 15, b = (v >> 4) & 15, a = v & 15;
    *out = (mb_color)((r * 17u) << 24 | (g * 17u) << 16 | (b * 17u) << 8 | a * 17u);
    return true;
  }
  unsigned long v = strtoul(s + 1, NULL, 16);
  *out = n == 7 ? (mb_color)((v << 8) | 0xFF) : (mb_color)v;
  return true;
}

static bool get_color(parser *p, yaml_node_t *map, const char *key, mb_color *out) {
  yaml_node_t *v = mb_yaml_get(&p->y, map, key);
  if (!v) return false;
  const char *s = mb_yaml_str(&p->y, v, key);
  if (!s) return fail(p), false;
  if (strcmp(s, "none") == 0) {
    *out = 0;
    return true;
  }
  if (parse_hex(s, out)) return true;
  const char *names[MAX_COLORS + 1];
  size_t n = 0;
  for (size_t i = p->colors.len; i-- > 0;) { /* a layout's own colours win over its base's */
    if (strcmp(p->colors.items[i].name, s) == 0) {
      *out = p->colors.items[i].color;
      return true;
    }
    if (n < MAX_COLORS) names[n++] = p->colors.items[i].name;
  }
  names[n] = NULL;
  char q[100];
  const char *hint = mb_suggest(s, names);
  mb_error(p->diags, mb_yaml_pos(&p->y, v),
           "'%s' must be a colour (#rrggbb, #rgb, #rrggbbaa or a name from 'colors'), not %s%s%s%s",
           key, mb_quote(q, sizeof q, s, strlen(s), 30), hint ? "; did you mean '" : "",
           hint ? hint : "", hint ? "'?" : "");
  return fail(p), false;
}

static bool get_bool(parser *p, yaml_node_t *map, const char *key, bool *out) {
  yaml_node_t *v = mb_yaml_get(&p->y, map, key);
  if (!v) return false;
  if (!mb_yaml_bool(&p->y, v, key, out)) return fail(p), false;
  return true;
}

static bool get_int(parser *p, yaml_node_t *map, const char *key, long min, long max, int *out) {
  yaml_node_t *v = mb_yaml_get(&p->y, map, key);
  if (!v) return false;
  long n;
  if (!mb_yaml_int(&p->y, v, key, min, max, &n)) return fail(p), false;
  *out = (int)n;
  return true;
}

static const char *get_str(parser *p, yaml_node_t *map, const char *key) {
  yaml_node_t *v = mb_yaml_get(&p->y, map, key);
  if (!v) return NULL;
  const char *s = mb_yaml_str(&p->y, v, key);
  if (!s) return fail(p), NULL;
  return mb_arena_strdup(arena(p), s);
}

/* One of names; returns its index or -1 (absent or wrong: wrong also fails). */
static int get_enum(parser *p, yaml_node_t *map, const char *key, const char *const *names) {
  yaml_node_t *v = mb_yaml_get(&p->y, map, key);
  if (!v) return -1;
  const char *s = mb_yaml_str(&p->y, v, key);
  if (!s) return fail(p), -1;
  for (int i = 0; names[i]; i++)
    if (strcmp(names[i], s) == 0) return i;
  char q[100], list[200] = "";
  for (int i = 0; names[i]; i++) {
    strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
    strncat(list, names[i], sizeof list - strlen(list) - 1);
  }
  mb_error(p->diags, mb_yaml_pos(&p->y, v), "'%s' must be one of %s, not %s", key, list,
           mb_quote(q, sizeof q, s, strlen(s), 30));
  return fail(p), -1;
}

/* ---- colours ---- */

static void parse_colors(parser *p, yaml_node_t *map) {
  if (!mb_yaml_expect_map(&p->y, map, "'colors'")) return fail(p);
  for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
       pr++) {
    yaml_node_t *k = mb_yaml_at(&p->y, pr->key), *v = mb_yaml_at(&p->y, pr->value);
    const char *name = mb_yaml_str(&p->y, k, "a colour name");
    const char *value = mb_yaml_str(&p->y, v, "a colour");
    if (!name || !value) {
      fail(p);
      continue;
    }
    named_color c = {mb_arena_strdup(arena(p), name), 0};
    if (!parse_hex(value, &c.color)) {
      char q[100];
      mb_error(p->diags, mb_yaml_pos(&p->y, v),
               "colour '%s' must be #rrggbb (or #rgb, #rrggbbaa), not %s", name,
               mb_quote(q, sizeof q, value, strlen(value), 30));
      fail(p);
      continue;
    }
    if (p->colors.len >= MAX_COLORS) {
      mb_error(p->diags, mb_yaml_pos(&p->y, k), "more than %d colours", MAX_COLORS);
      return fail(p);
    }
    mb_vec_push(&p->colors, c);
  }
}

/* ---- styles ---- */

static const char *const style_keys[] = {"based-on",     "font",        "weight", "italic",
                                         "size",         "leading",     "color",  "align",
                                         "space-before", "space-after", "indent", "first-indent",
                                         "tracking",     "hyphenate",   "span",   "keep-with-next",
                                         "uppercase",    "features",    NULL};

static mb_style default_style(void) {
  mb_style s;
  memset(&s, 0, sizeof s);
  s.font = "Noto Serif";
  s.weight = 400;
  s.size = MB_PT(10);
  s.leading = MB_PT(14);
  s.color = 0x000000FF;
  s.align = MB_ALIGN_LEFT;
  s.hyphenate = true;
  return s;
}

static raw_style *find_raw(parser *p, const char *name) {
  for (size_t i = 0; i < p->styles.len; i++)
    if (strcmp(p->styles.items[i].name, name) == 0) return &p->styles.items[i];
  return NULL;
}

static int parse_weight(parser *p, yaml_node_t *map) {
  yaml_node_t *v = mb_yaml_get(&p->y, map, "weight");
  const char *s = mb_yaml_str(&p->y, v, "weight");
  if (!s) return fail(p), 400;
  static const struct {
    const char *name;
    int weight;
  } names[] = {{"thin", 100},   {"light", 300},    {"regular", 400}, {"normal", 400},
               {"medium", 500}, {"semibold", 600}, {"bold", 700},    {"black", 900}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(s, names[i].name) == 0) return names[i].weight;
  long n;
  char *end;
  n = strtol(s, &end, 10);
  if (*s && !*end && n >= 100 && n <= 900) return (int)n;
  char q[100];
  mb_error(p->diags, mb_yaml_pos(&p->y, v),
           "'weight' must be regular, medium, semibold, bold, ... or 100 to 900, not %s",
           mb_quote(q, sizeof q, s, strlen(s), 30));
  return fail(p), 400;
}

/* leading: a length, or a bare number as a multiple of the size. */
static void parse_leading(parser *p, yaml_node_t *map, mb_style *s) {
  yaml_node_t *v = mb_yaml_get(&p->y, map, "leading");
  if (!v) return;
  const char *str = mb_yaml_str(&p->y, v, "leading");
  if (!str) return fail(p);
  char *end;
  double ratio = strtod(str, &end);
  if (end != str && !*end && ratio > 0) {
    if (ratio > 10) {
      mb_error(p->diags, mb_yaml_pos(&p->y, v), "'leading' ratio %g is too large", ratio);
      return fail(p);
    }
    s->leading = (mb_len)(s->size * ratio);
    return;
  }
  get_size(p, map, "leading", 0, false, &s->leading);
}

static void apply_style_keys(parser *p, yaml_node_t *map, mb_style *s) {
  static const char *const aligns[] = {"left", "right", "center", "justify", NULL};
  const char *font = get_str(p, map, "font");
  if (font) s->font = font;
  if (mb_yaml_get(&p->y, map, "weight")) s->weight = parse_weight(p, map);
  get_bool(p, map, "italic", &s->italic);
  mb_len old_size = s->size;
  get_size(p, map, "size", 0, false, &s->size);
  if (s->size != old_size && !mb_yaml_get(&p->y, map, "leading"))
    s->leading = (mb_len)((int64_t)s->leading * s->size / old_size);
  parse_leading(p, map, s);
  get_color(p, map, "color", &s->color);
  int a = get_enum(p, map, "align", aligns);
  if (a >= 0) s->align = (mb_align)a;
  get_size(p, map, "space-before", 0, true, &s->space_before);
  get_size(p, map, "space-after", 0, true, &s->space_after);
  get_size(p, map, "indent", 0, true, &s->indent);
  get_length(p, map, "first-indent", 0, &s->first_indent);
  get_length(p, map, "tracking", 0, &s->tracking);
  get_bool(p, map, "hyphenate", &s->hyphenate);
  get_bool(p, map, "span", &s->span);
  get_bool(p, map, "keep-with-next", &s->keep_with_next);
  get_bool(p, map, "uppercase", &s->uppercase);
  const char *features = get_str(p, map, "features");
  if (features) s->features = features;
  if (s->size > MB_PT(500)) {
    mb_error(p->diags, mb_yaml_pos(&p->y, map), "font size above 500 pt");
    fail(p);
  }
}

/* The style a style inherits from: based-on, "name" for "name@lang", else body. */
static const char *parent_name(parser *p, raw_style *r, yaml_node_t **at) {
  *at = mb_yaml_get(&p->y, r->node, "based-on");
  if (*at) {
    const char *s = mb_yaml_str(&p->y, *at, "based-on");
    if (!s) fail(p);
    return s;
  }
  const char *atsign = strchr(r->name, '@');
  if (atsign) {
    const char *role = mb_arena_strndup(arena(p), r->name, (size_t)(atsign - r->name));
    if (find_raw(p, role) || (p->base && mb_layout_find_style(p->base, role))) return role;
  }
  return strcmp(r->name, "body") == 0 ? NULL : "body";
}

static const char **style_names(parser *p) {
  const char **names = mb_arena_calloc(arena(p), p->styles.len + 1, sizeof(char *));
  for (size_t i = 0; i < p->styles.len; i++) names[i] = p->styles.items[i].name;
  return names;
}

static void unknown_style(parser *p, mb_pos pos, const char *name, const char *context) {
  char q[100];
  const char *hint = mb_suggest(name, style_names(p));
  mb_error(p->diags, pos, "unknown style %s in %s%s%s%s",
           mb_quote(q, sizeof q, name, strlen(name), 40), context, hint ? "; did you mean '" : "",
           hint ? hint : "", hint ? "'?" : "");
  fail(p);
}

static void resolve_style(parser *p, raw_style *r) {
  if (r->state == 2) return;
  if (r->state == 1) {
    mb_error(p->diags, mb_yaml_pos(&p->y, r->node), "style '%s' is based on itself", r->name);
    fail(p);
    r->style = default_style();
    r->state = 2;
    return;
  }
  r->state = 1;
  yaml_node_t *at = NULL;
  const char *parent = parent_name(p, r, &at);
  mb_style s = default_style();
  const mb_style *inherited = p->base && !at ? mb_layout_find_style(p->base, r->name) : NULL;
  if (inherited) {
    s = *inherited; /* redefining a style of the base layout: start from it */
  } else if (parent) {
    raw_style *pr = find_raw(p, parent);
    const mb_style *bs = p->base ? mb_layout_find_style(p->base, parent) : NULL;
    if (pr) {
      resolve_style(p, pr);
      s = pr->style;
    } else if (bs) {
      s = *bs;
    } else if (at) {
      unknown_style(p, mb_yaml_pos(&p->y, at), parent, "'based-on'");
    }
  }
  apply_style_keys(p, r->node, &s);
  s.name = r->name;
  s.pos = mb_yaml_pos(&p->y, r->node);
  r->style = s;
  r->state = 2;
}

/* The layout's styles: its own, then the base layout's that it did not redefine. */
static void collect_styles(parser *p) {
  mb_layout *l = p->layout;
  size_t nbase = p->base ? p->base->nstyles : 0;
  l->styles = mb_arena_calloc(arena(p), p->styles.len + nbase, sizeof(mb_style));
  l->nstyles = 0;
  for (size_t i = 0; i < p->styles.len; i++) l->styles[l->nstyles++] = p->styles.items[i].style;
  for (size_t i = 0; i < nbase; i++)
    if (!find_raw(p, p->base->styles[i].name)) l->styles[l->nstyles++] = p->base->styles[i];
}

static void parse_styles(parser *p, yaml_node_t *map) {
  if (!mb_yaml_expect_map(&p->y, map, "'styles'")) return fail(p);
  for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
       pr++) {
    yaml_node_t *k = mb_yaml_at(&p->y, pr->key), *v = mb_yaml_at(&p->y, pr->value);
    const char *name = mb_yaml_str(&p->y, k, "a style name");
    if (!name) {
      fail(p);
      continue;
    }
    char context[200];
    snprintf(context, sizeof context, "style '%.60s'", name);
    /* A style with a bad key still counts as defined, so no error follows from its absence. */
    if (!mb_yaml_check_map(&p->y, v, style_keys, context)) fail(p);
    if (find_raw(p, name)) {
      mb_error(p->diags, mb_yaml_pos(&p->y, k), "style '%s' defined twice", name);
      fail(p);
      continue;
    }
    if (p->styles.len >= MAX_STYLES) {
      mb_error(p->diags, mb_yaml_pos(&p->y, k), "more than %d styles", MAX_STYLES);
      return fail(p);
    }
    raw_style *r = mb_vec_add(&p->styles);
    r->name = mb_arena_strdup(arena(p), name);
    r->node = v;
  }
  if (!find_raw(p, "body") && !(p->base && mb_layout_find_style(p->base, "body"))) {
    mb_error(p->diags, mb_yaml_pos(&p->y, map), "'styles' must define 'body'");
    return fail(p);
  }
  for (size_t i = 0; i < p->styles.len; i++) resolve_style(p, &p->styles.items[i]);
  collect_styles(p);
}

/* A style name given in the layout must exist. */
static const char *style_ref(parser *p, yaml_node_t *map, const char *key, const char *fallback) {
  yaml_node_t *v = mb_yaml_get(&p->y, map, key);
  if (!v) return fallback;
  const char *s = mb_yaml_str(&p->y, v, key);
  if (!s) return fail(p), fallback;
  if (!find_raw(p, s) && !(p->base && mb_layout_find_style(p->base, s))) {
    char context[80];
    snprintf(context, sizeof context, "'%s'", key);
    unknown_style(p, mb_yaml_pos(&p->y, v), s, context);
    return fallback;
  }
  return mb_arena_strdup(arena(p), s);
}

/* ---- page ---- */

static bool parse_size(parser *p, yaml_node_t *map) {
  mb_layout *l = p->layout;
  yaml_node_t *v = mb_yaml_get(&p->y, map, "size");
  if (!v) return true; /* A4 by default, or the base layout's */
  const char *s = mb_yaml_str(&p->y, v, "page size");
  if (!s) return fail(p), false;
  if (mb_str_eq_nocase(s, "A4")) {
    l->page_w = MB_MM(210), l->page_h = MB_MM(297);
  } else if (mb_str_eq_nocase(s, "A5")) {
    l->page_w = MB_MM(148), l->page_h = MB_MM(210);
  } else if (mb_str_eq_nocase(s, "Letter")) {
    l->page_w = MB_PT(612), l->page_h = MB_PT(792);
  } else {
    char w[64], h[64];
    const char *x = strpbrk(s, "xX\xC3"); /* 'x' or the start of '×' */
    size_t wl = x ? (size_t)(x - s) : 0;
    size_t skip = x && (unsigned char)*x == 0xC3 ? 2 : 1;
    double wv, hv;
    const char *why = "use A4, A5, Letter or WIDTHxHEIGHT with units, e.g. 148mm x 210mm";
    bool ok = x && wl < sizeof w && strlen(x + skip) < sizeof h;
    if (ok) {
      memcpy(w, s, wl);
      w[wl] = '\0';
      snprintf(h, sizeof h, "%s", x + skip);
      char *wp = w, *hp = h;
      while (*wp == ' ') wp++;
      while (*hp == ' ') hp++;
      for (char *e = wp + strlen(wp); e > wp && e[-1] == ' ';) *--e = '\0';
      ok = mb_parse_length(wp, false, &wv, &why) == MB_UNIT_ABS &&
           mb_parse_length(hp, false, &hv, &why) == MB_UNIT_ABS;
    }
    if (!ok || wv < 72 || hv < 72) {
      char q[100];
      mb_error(p->diags, mb_yaml_pos(&p->y, v), "unknown page size %s: %s",
               mb_quote(q, sizeof q, s, strlen(s), 40),
               ok ? "pages must be at least 1 in (72 pt) each way" : why);
      return fail(p), false;
    }
    l->page_w = mb_len_from_pt(wv);
    l->page_h = mb_len_from_pt(hv);
  }
  return true;
}

static void parse_page(parser *p, yaml_node_t *map) {
  static const char *const keys[] = {"size",   "bleed",         "margins", "columns",
                                     "gutter", "page-multiple", NULL};
  static const char *const margin_keys[] = {"top", "bottom", "inner", "outer", NULL};
  mb_layout *l = p->layout;
  if (!mb_yaml_check_map(&p->y, map, keys, "'page'")) return fail(p);
  if (!parse_size(p, map)) return;
  get_size(p, map, "bleed", 0, true, &l->bleed);
  if (l->bleed > MB_MM(20)) {
    mb_error(p->diags, mb_yaml_pos(&p->y, mb_yaml_get(&p->y, map, "bleed")),
             "'bleed' above 20 mm is not a bleed");
    fail(p);
  }
  yaml_node_t *m = mb_yaml_get(&p->y, map, "margins");
  if (m) {
    if (!mb_yaml_check_map(&p->y, m, margin_keys, "'margins'")) return fail(p);
    get_size(p, m, "top", 0, true, &l->margin_top);
    get_size(p, m, "bottom", 0, true, &l->margin_bottom);
    get_size(p, m, "inner", 0, true, &l->margin_inner);
    get_size(p, m, "outer", 0, true, &l->margin_outer);
  }
  get_int(p, map, "columns", 1, 12, &l->columns);
  get_size(p, map, "gutter", 0, true, &l->gutter);
  get_int(p, map, "page-multiple", 1, 64, &l->page_multiple);
  mb_len text_w = l->page_w - l->margin_inner - l->margin_outer;
  mb_len text_h = l->page_h - l->margin_top - l->margin_bottom;
  mb_len col_w = (text_w - (l->columns - 1) * l->gutter) / l->columns;
  if (text_h < MB_PT(36) || col_w < MB_PT(36)) {
    mb_error(p->diags, mb_yaml_pos(&p->y, map),
             "the margins, columns and gutter leave no room for text (column %.1f pt wide, "
             "%.1f pt high)",
             mb_len_pt(col_w), mb_len_pt(text_h));
    fail(p);
  }
}

/* ---- templates ---- */

/* x/y/w/h with right/bottom as alternatives; percentages of the page. */
static bool parse_rect(parser *p, yaml_node_t *map, mb_rect *r, const char *what) {
  mb_layout *l = p->layout;
  mb_len x = 0, y = 0, w = -1, h = -1, right = -1, bottom = -1;
  bool has_x = get_length(p, map, "x", l->page_w, &x);
  bool has_y = get_length(p, map, "y", l->page_h, &y);
  get_size(p, map, "w", l->page_w, false, &w);
  get_size(p, map, "h", l->page_h, false, &h);
  get_length(p, map, "right", l->page_w, &right);
  get_length(p, map, "bottom", l->page_h, &bottom);
  mb_pos pos = mb_yaml_pos(&p->y, map);
  if (w < 0)
    w = right >= 0 ? l->page_w - x - right : l->page_w - x;
  else if (!has_x && right >= 0)
    x = l->page_w - right - w;
  if (h < 0)
    h = bottom >= 0 ? l->page_h - y - bottom : l->page_h - y;
  else if (!has_y && bottom >= 0)
    y = l->page_h - bottom - h;
  if (w <= 0 || h <= 0) {
    mb_error(p->diags, pos, "%s has no area (%.1f x %.1f pt)", what, mb_len_pt(w), mb_len_pt(h));
    return fail(p), false;
  }
  if (x < 0 || y < 0 || x + w > l->page_w + 1 || y + h > l->page_h + 1) {
    mb_error(p->diags, pos,
             "%s does not fit the page: it spans %.1f..%.1f x %.1f..%.1f pt on a %.1f x %.1f pt "
             "page",
             what, mb_len_pt(x), mb_len_pt(x + w), mb_len_pt(y), mb_len_pt(y + h),
             mb_len_pt(l->page_w), mb_len_pt(l->page_h));
    return fail(p), false;
  }
  r->x = x, r->y = y, r->w = w, r->h = h;
  return true;
}

static void parse_fills(parser *p, yaml_node_t *seq, mb_template *t) {
  static const char *const keys[] = {"x", "y", "w", "h", "right", "bottom", "color", NULL};
  if (!mb_yaml_expect_seq(&p->y, seq, "'background'")) return fail(p);
  size_t n = mb_yaml_seq_len(seq);
  if (n > MAX_ITEMS) {
    mb_error(p->diags, mb_yaml_pos(&p->y, seq), "more than %d background blocks", MAX_ITEMS);
    return fail(p);
  }
  t->fills = mb_arena_calloc(arena(p), n, sizeof(mb_fill));
  t->nfills = 0;
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *item = mb_yaml_seq_item(&p->y, seq, i);
    if (!mb_yaml_check_map(&p->y, item, keys, "a background block")) {
      fail(p);
      continue;
    }
    mb_fill *f = &t->fills[t->nfills];
    if (!parse_rect(p, item, &f->rect, "background block")) continue;
    if (!get_color(p, item, "color", &f->color)) {
      if (!mb_yaml_get(&p->y, item, "color")) {
        mb_error(p->diags, mb_yaml_pos(&p->y, item), "background block has no 'color'");
        fail(p);
      }
      continue;
    }
    t->nfills++;
  }
}

static void parse_frames(parser *p, yaml_node_t *seq, mb_template *t) {
  static const char *const keys[] = {"x",      "y",       "w",    "h",     "right",
                                     "bottom", "content", "text", "style", "columns",
                                     "gutter", "valign",  NULL};
  static const char *const contents[] = {"flow", "title", "subtitle", "text", NULL};
  static const char *const valigns[] = {"top", "center", "bottom", NULL};
  if (!mb_yaml_expect_seq(&p->y, seq, "'frames'")) return fail(p);
  size_t n = mb_yaml_seq_len(seq);
  if (n > MAX_ITEMS) {
    mb_error(p->diags, mb_yaml_pos(&p->y, seq), "more than %d frames", MAX_ITEMS);
    return fail(p);
  }
  t->frames = mb_arena_calloc(arena(p), n, sizeof(mb_frame_spec));
  t->nframes = 0;
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *item = mb_yaml_seq_item(&p->y, seq, i);
    if (!mb_yaml_check_map(&p->y, item, keys, "a frame")) {
      fail(p);
      continue;
    }
    mb_frame_spec *f = &t->frames[t->nframes];
    f->pos = mb_yaml_pos(&p->y, item);
    f->columns = 1;
    if (!parse_rect(p, item, &f->rect, "frame")) continue;
    int c = get_enum(p, item, "content", contents);
    f->content = c >= 0 ? (mb_frame_content)c : MB_FRAME_FLOW;
    f->text = get_str(p, item, "text");
    if (f->content == MB_FRAME_TEXT && !f->text) {
      mb_error(p->diags, f->pos, "a frame with 'content: text' needs 'text'");
      fail(p);
    }
    f->style = style_ref(p, item, "style", "body");
    get_int(p, item, "columns", 1, 12, &f->columns);
    get_size(p, item, "gutter", 0, true, &f->gutter);
    int v = get_enum(p, item, "valign", valigns);
    f->valign = v >= 0 ? (mb_valign)v : MB_VALIGN_TOP;
    t->nframes++;
  }
}

/* A fixed page's text flows into one frame; body pages flow into the page's columns. */
static void check_flow_frames(parser *p, const mb_template *t) {
  int flows = 0;
  for (size_t i = 0; i < t->nframes; i++) {
    if (t->frames[i].content != MB_FRAME_FLOW || ++flows < 2) continue;
    mb_error(p->diags, t->frames[i].pos, "a template has at most one frame with 'content: flow'");
    fail(p);
  }
}

static void parse_template(parser *p, yaml_node_t *map, mb_template *t, const char *name) {
  static const char *const keys[] = {"background", "frames", "folio", "running-head", NULL};
  static const char *const body_keys[] = {"background", "folio", "running-head", NULL};
  bool body = strcmp(name, "body") == 0;
  char context[64];
  snprintf(context, sizeof context, "template '%s'", name);
  if (!mb_yaml_check_map(&p->y, map, body ? body_keys : keys, context)) return fail(p);
  t->defined = true;
  yaml_node_t *v;
  if ((v = mb_yaml_get(&p->y, map, "background"))) parse_fills(p, v, t);
  if ((v = mb_yaml_get(&p->y, map, "frames"))) parse_frames(p, v, t);
  check_flow_frames(p, t);
  get_bool(p, map, "folio", &t->folio);
  get_bool(p, map, "running-head", &t->running_head);
}

static void parse_templates(parser *p, yaml_node_t *map) {
  static const char *const keys[] = {"cover", "body", "back", NULL};
  if (!mb_yaml_check_map(&p->y, map, keys, "'templates'")) return fail(p);
  mb_layout *l = p->layout;
  yaml_node_t *v;
  if ((v = mb_yaml_get(&p->y, map, "cover"))) parse_template(p, v, &l->cover, "cover");
  if ((v = mb_yaml_get(&p->y, map, "body"))) parse_template(p, v, &l->body, "body");
  if ((v = mb_yaml_get(&p->y, map, "back"))) parse_template(p, v, &l->back, "back");
}

/* ---- folios, running heads, call-outs, quotes, lists ---- */

static const char *const sides[] = {"outer", "inner", "center", NULL};

static void parse_folio(parser *p, yaml_node_t *map) {
  static const char *const keys[] = {"style", "baseline", "side", NULL};
  if (!mb_yaml_check_map(&p->y, map, keys, "'folio'")) return fail(p);
  mb_folio_spec *f = &p->layout->folio;
  f->style = style_ref(p, map, "style", f->style);
  get_size(p, map, "baseline", 0, false, &f->baseline);
  int s = get_enum(p, map, "side", sides);
  if (s >= 0) f->side = (mb_side)s;
}

static void parse_running_head(parser *p, yaml_node_t *map) {
  static const char *const keys[] = {"style", "baseline", "side", "rule", "rule-weight", NULL};
  if (!mb_yaml_check_map(&p->y, map, keys, "'running-head'")) return fail(p);
  mb_head_spec *h = &p->layout->running_head;
  h->style = style_ref(p, map, "style", h->style);
  get_size(p, map, "baseline", 0, false, &h->baseline);
  int s = get_enum(p, map, "side", sides);
  if (s >= 0) h->side = (mb_side)s;
  get_color(p, map, "rule", &h->rule_color);
  get_size(p, map, "rule-weight", 0, true, &h->rule_weight);
}

static void parse_callouts(parser *p, yaml_node_t *map) {
  static const char *const keys[] = {"kind",
                                     "columns",
                                     "gap",
                                     "padding",
                                     "space-before",
                                     "space-after",
                                     "background",
                                     "rule",
                                     "rule-weight",
                                     "value-style",
                                     "label-style",
                                     "note-style",
                                     "max-label-lines",
                                     NULL};
  static const char *const kinds[] = {"grid", "band", NULL};
  if (!mb_yaml_check_map(&p->y, map, keys, "'callouts'")) return fail(p);
  mb_callout_spec *c = &p->layout->callouts;
  int k = get_enum(p, map, "kind", kinds);
  if (k >= 0) c->kind = (mb_callout_kind)k;
  get_int(p, map, "columns", 1, 8, &c->columns);
  get_size(p, map, "gap", 0, true, &c->gap);
  get_size(p, map, "padding", 0, true, &c->padding);
  get_size(p, map, "space-before", 0, true, &c->space_before);
  get_size(p, map, "space-after", 0, true, &c->space_after);
  get_color(p, map, "background", &c->background);
  get_color(p, map, "rule", &c->rule_color);
  get_size(p, map, "rule-weight", 0, true, &c->rule_weight);
  c->value_style = style_ref(p, map, "value-style", c->value_style);
  c->label_style = style_ref(p, map, "label-style", c->label_style);
  c->note_style = style_ref(p, map, "note-style", c->note_style);
  get_int(p, map, "max-label-lines", 1, 20, &c->max_label_lines);
}

static void parse_quotes(parser *p, yaml_node_t *map) {
  static const char *const keys[] = {"rule", "rule-weight", "indent", NULL};
  if (!mb_yaml_check_map(&p->y, map, keys, "'quotes'")) return fail(p);
  mb_quote_spec *q = &p->layout->quotes;
  get_color(p, map, "rule", &q->rule_color);
  get_size(p, map, "rule-weight", 0, true, &q->rule_weight);
  get_size(p, map, "indent", 0, true, &q->indent);
}

static void parse_lists(parser *p, yaml_node_t *map) {
  static const char *const keys[] = {"indent", "bullet", NULL};
  if (!mb_yaml_check_map(&p->y, map, keys, "'lists'")) return fail(p);
  mb_list_spec *s = &p->layout->lists;
  get_size(p, map, "indent", 0, false, &s->indent);
  const char *b = get_str(p, map, "bullet");
  if (b) s->bullet = b;
}

/* ---- the whole layout ---- */

static void set_defaults(mb_layout *l) {
  l->page_w = MB_MM(210), l->page_h = MB_MM(297);
  l->margin_top = l->margin_bottom = l->margin_inner = l->margin_outer = MB_MM(20);
  l->bleed = MB_MM(3);
  l->columns = 1;
  l->gutter = MB_MM(5);
  l->page_multiple = 4;
  l->folio = (mb_folio_spec){"folio", MB_MM(10), MB_SIDE_OUTER};
  l->running_head = (mb_head_spec){"running-head", MB_MM(12), MB_SIDE_OUTER, 0, MB_PT(0.5)};
  l->callouts = (mb_callout_spec){MB_CALLOUT_GRID, 2,           MB_MM(4), MB_MM(3), MB_PT(8),
                                  MB_PT(8),        MB_PT(1),    0,        0,        "stat-value",
                                  "stat-label",    "stat-note", 3};
  l->quotes = (mb_quote_spec){0x000000FF, MB_PT(2), MB_MM(4)};
  l->lists = (mb_list_spec){MB_MM(5), "\xE2\x80\xA2"};
  l->body.folio = l->body.running_head = true;
  l->marks = (mb_marks_spec){true, true, true};
}

static void parse_marks(parser *p, yaml_node_t *map) {
  static const char *const keys[] = {"crop", "registration", "slug", NULL};
  if (!mb_yaml_check_map(&p->y, map, keys, "'marks'")) return fail(p);
  get_bool(p, map, "crop", &p->layout->marks.crop);
  get_bool(p, map, "registration", &p->layout->marks.registration);
  get_bool(p, map, "slug", &p->layout->marks.slug);
}

static mb_layout *load_layout(const char *path, const lineage *up, mb_diags *diags, mb_pos from);

/* Is the layout at file already being read, further down the chain? */
static bool in_lineage(const lineage *l, const char *file) {
  char *real = realpath(file, NULL);
  bool found = false;
  for (; l && real && !found; l = l->up) found = l->real && strcmp(l->real, real) == 0;
  free(real);
  return found;
}

static void parse_typography(parser *p, yaml_node_t *map) {
  static const char *const keys[] = {"breaker", NULL};
  static const char *const breakers[] = {"total-fit", "greedy", NULL};
  if (!mb_yaml_check_map(&p->y, map, keys, "'typography'")) return fail(p);
  int b = get_enum(p, map, "breaker", breakers);
  if (b >= 0) p->layout->breaker = (mb_breaker)b;
}

/* extends: the base layout's values become this layout's starting point. */
static bool parse_extends(parser *p, yaml_node_t *root) {
  yaml_node_t *v = mb_yaml_get(&p->y, root, "extends");
  if (!v) return true;
  const char *name = mb_yaml_str(&p->y, v, "extends");
  if (!name) return fail(p), false;
  mb_pos pos = mb_yaml_pos(&p->y, v);
  if (p->line->depth >= MAX_EXTENDS) {
    mb_error(p->diags, pos, "layouts extend each other more than %d deep", MAX_EXTENDS);
    return fail(p), false;
  }
  char *dir = mb_path_dir(p->layout->path), *file;
  if (strchr(name, '/') || mb_path_has_suffix(name, ".yaml") || mb_path_has_suffix(name, ".yml")) {
    file = name[0] == '/' ? mb_xstrdup(name) : mb_path_join(dir, name);
  } else {
    char base[300];
    snprintf(base, sizeof base, "%.200s.yaml", name);
    file = mb_path_join(dir, base);
  }
  free(dir);
  if (in_lineage(p->line, file)) {
    char q[120];
    mb_error(p->diags, pos, "layout cycle: %s extends a layout that extends it",
             mb_quote(q, sizeof q, name, strlen(name), 60));
    free(file);
    return fail(p), false;
  }
  mb_layout *base = load_layout(file, p->line, p->diags, pos);
  free(file);
  if (!base) return fail(p), false;
  mb_layout *l = p->layout;
  mb_arena *a = l->arena;
  const char *path = l->path;
  *l = *base;
  l->arena = a;
  l->path = path;
  l->base = base;
  p->base = base;
  for (size_t i = 0; i < base->ncolors; i++) mb_vec_push(&p->colors, base->colors[i]);
  return true;
}

static void parse_root(parser *p, yaml_node_t *root) {
  static const char *const keys[] = {"name",      "extends", "page",         "colors",   "styles",
                                     "templates", "folio",   "running-head", "callouts", "quotes",
                                     "lists",     "marks",   "typography",   NULL};
  if (!mb_yaml_check_map(&p->y, root, keys, "the layout")) return fail(p);
  if (!parse_extends(p, root)) return;
  mb_layout *l = p->layout;
  const char *name = get_str(p, root, "name");
  if (name) l->name = name;
  yaml_node_t *v;
  if ((v = mb_yaml_get(&p->y, root, "colors"))) parse_colors(p, v);
  if ((v = mb_yaml_get(&p->y, root, "page"))) parse_page(p, v);
  if ((v = mb_yaml_get(&p->y, root, "styles"))) {
    parse_styles(p, v);
  } else if (!p->base) {
    mb_error(p->diags, mb_yaml_pos(&p->y, root), "the layout has no 'styles'");
    return fail(p);
  }
  if ((v = mb_yaml_get(&p->y, root, "templates"))) parse_templates(p, v);
  if ((v = mb_yaml_get(&p->y, root, "folio"))) parse_folio(p, v);
  if ((v = mb_yaml_get(&p->y, root, "running-head"))) parse_running_head(p, v);
  if ((v = mb_yaml_get(&p->y, root, "callouts"))) parse_callouts(p, v);
  if ((v = mb_yaml_get(&p->y, root, "quotes"))) parse_quotes(p, v);
  if ((v = mb_yaml_get(&p->y, root, "lists"))) parse_lists(p, v);
  if ((v = mb_yaml_get(&p->y, root, "marks"))) parse_marks(p, v);
  if ((v = mb_yaml_get(&p->y, root, "typography"))) parse_typography(p, v);
}

static void keep_colors(parser *p) {
  mb_layout *l = p->layout;
  l->ncolors = p->colors.len;
  l->colors = mb_arena_memdup(arena(p), p->colors.items, p->colors.len * sizeof(named_color));
}

static mb_layout *parse_layout(const char *path, const char *buf, size_t len, const lineage *up,
                               mb_diags *diags) {
  parser p;
  memset(&p, 0, sizeof p);
  lineage self = {realpath(path, NULL), up ? up->depth + 1 : 0, up};
  p.line = &self;
  p.diags = diags;
  p.ok = true;
  p.layout = mb_xcalloc(1, sizeof(mb_layout));
  p.layout->arena = mb_arena_new();
  p.layout->path = mb_arena_strdup(p.layout->arena, path);
  set_defaults(p.layout);
  size_t bad = mb_utf8_check(buf, len);
  if (bad < len) {
    int line, col;
    mb_line_col(buf, bad, &line, &col);
    mb_error(diags, ((mb_pos){path, line, col}), "invalid UTF-8 (byte 0x%02X at offset %zu)",
             (unsigned char)buf[bad], bad);
    p.ok = false;
  } else if (mb_yaml_load(&p.y, p.layout->path, buf, len, 0, 0, diags)) { /* skips a BOM */
    yaml_node_t *root = mb_yaml_root(&p.y);
    if (root)
      parse_root(&p, root);
    else {
      mb_error(diags, mb_pos_file(path), "the layout file is empty");
      p.ok = false;
    }
    mb_yaml_done(&p.y);
  } else {
    p.ok = false;
  }
  keep_colors(&p);
  free(self.real);
  free(p.colors.items);
  free(p.styles.items);
  if (!p.ok) {
    mb_layout_free(p.layout);
    return NULL;
  }
  return p.layout;
}

mb_layout *mb_layout_parse(const char *path, const char *buf, size_t len, mb_diags *diags) {
  return parse_layout(path, buf, len, NULL, diags);
}

static mb_layout *load_layout(const char *path, const lineage *up, mb_diags *diags, mb_pos from) {
  size_t len;
  char *buf = mb_read_file(path, MAX_LAYOUT_FILE, &len, diags, from);
  if (!buf) return NULL;
  mb_layout *l = parse_layout(path, buf, len, up, diags);
  free(buf);
  return l;
}

mb_layout *mb_layout_load(const char *path, mb_diags *diags) {
  return load_layout(path, NULL, diags, mb_pos_file(NULL));
}

void mb_layout_free(mb_layout *layout) {
  if (!layout) return;
  mb_layout_free(layout->base);
  mb_arena_free(layout->arena);
  free(layout);
}

const mb_style *mb_layout_find_style(const mb_layout *layout, const char *name) {
  for (size_t i = 0; i < layout->nstyles; i++)
    if (strcmp(layout->styles[i].name, name) == 0) return &layout->styles[i];
  return NULL;
}

static const char *fallback_role(const char *name) {
  static const char *const pairs[][2] = {{"h6", "h5"},     {"h5", "h4"},
                                         {"h4", "h3"},     {"h3", "h2"},
                                         {"h2", "h1"},     {"stat-note", "stat-label"},
                                         {"list", "body"}, {NULL, NULL}};
  for (int i = 0; pairs[i][0]; i++)
    if (strcmp(pairs[i][0], name) == 0) return pairs[i][1];
  return strcmp(name, "body") == 0 ? NULL : "body";
}

const mb_style *mb_layout_style(const mb_layout *layout, const char *name, const char *lang) {
  while (name) {
    if (lang) {
      char variant[128];
      size_t primary = strcspn(lang, "-_");
      snprintf(variant, sizeof variant, "%s@%.*s", name, (int)primary, lang);
      const mb_style *s = mb_layout_find_style(layout, variant);
      if (s) return s;
    }
    const mb_style *s = mb_layout_find_style(layout, name);
    if (s) return s;
    name = fallback_role(name);
  }
  return mb_layout_find_style(layout, "body");
}

mb_rect mb_layout_body_area(const mb_layout *l, int page) {
  bool left_page = page % 2 == 0;
  mb_rect r;
  r.x = left_page ? l->margin_outer : l->margin_inner;
  r.y = l->margin_top;
  r.w = l->page_w - l->margin_inner - l->margin_outer;
  r.h = l->page_h - l->margin_top - l->margin_bottom;
  return r;
}
