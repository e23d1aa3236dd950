/* Layout descriptions: the page, its templates and frames, and named text styles, read from
 * a YAML file (layouts/NAME.yaml) with libyaml.
 *
 * mb_layout_load checks every key and value (unknown keys, wrong types and units, frames that
 * do not fit the page, unknown style names) and reports each with file:line:col. All lengths
 * are resolved to mb_len (1/1024 pt) against the page size. The caller owns the layout and
 * releases it with mb_layout_free; styles and templates point into it. */
#ifndef MB_STYLE_STYLE_H
#define MB_STYLE_STYLE_H

#include "util/diag.h"
#include "util/mem.h"
#include "util/units.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { MB_ALIGN_LEFT, MB_ALIGN_RIGHT, MB_ALIGN_CENTER, MB_ALIGN_JUSTIFY } mb_align;

/* Colours are 0xRRGGBBAA. */
typedef uint32_t mb_color;

typedef struct mb_style {
  const char *name;
  const char *font; /* a family or a comma-separated list of families, tried in order */
  int weight;       /* 100..900 */
  bool italic;
  mb_len size, leading;
  mb_color color;
  mb_align align;
  mb_len space_before, space_after, indent, first_indent;
  mb_len tracking; /* letter spacing; never applied to Devanagari */
  bool hyphenate, span, keep_with_next, uppercase;
  const char *features; /* OpenType features, e.g. "tnum, lnum" */
  mb_pos pos;
} mb_style;

typedef enum { MB_VALIGN_TOP, MB_VALIGN_CENTER, MB_VALIGN_BOTTOM } mb_valign;
typedef enum { MB_FRAME_FLOW, MB_FRAME_TITLE, MB_FRAME_SUBTITLE, MB_FRAME_TEXT } mb_frame_content;
typedef enum { MB_SIDE_OUTER, MB_SIDE_INNER, MB_SIDE_CENTER } mb_side;

typedef struct mb_rect {
  mb_len x, y, w, h;
} mb_rect;

typedef struct mb_fill {
  mb_rect rect; /* trim coordinates; edges on the trim edge are extended into the bleed */
  mb_color color;
} mb_fill;

typedef struct mb_frame_spec {
  mb_rect rect;
  mb_frame_content content;
  const char *text;  /* for MB_FRAME_TEXT */
  const char *style; /* for title, subtitle and text frames */
  int columns;
  mb_len gutter;
  mb_valign valign;
  mb_pos pos;
} mb_frame_spec;

typedef struct mb_template {
  bool defined;
  mb_fill *fills;
  size_t nfills;
  mb_frame_spec *frames;
  size_t nframes;
  bool folio, running_head;
} mb_template;

typedef struct mb_folio_spec {
  const char *style;
  mb_len baseline; /* distance of the baseline above the trim's bottom edge */
  mb_side side;
} mb_folio_spec;

typedef struct mb_head_spec {
  const char *style;
  mb_len baseline; /* distance of the baseline below the trim's top edge */
  mb_side side;
  mb_color rule_color; /* 0 alpha: no rule */
  mb_len rule_weight;
} mb_head_spec;

typedef enum { MB_CALLOUT_GRID, MB_CALLOUT_BAND } mb_callout_kind;

typedef struct mb_callout_spec {
  mb_callout_kind kind;
  int columns;
  mb_len gap, padding, space_before, space_after, rule_weight;
  mb_color background, rule_color;
  const char *value_style, *label_style, *note_style;
  int max_label_lines;
} mb_callout_spec;

typedef struct mb_quote_spec {
  mb_color rule_color;
  mb_len rule_weight, indent;
} mb_quote_spec;

typedef struct mb_list_spec {
  mb_len indent;
  const char *bullet;
} mb_list_spec;

typedef struct mb_named_color {
  const char *name;
  mb_color color;
} mb_named_color;

/* What a print master shows outside the bleed. */
typedef struct mb_marks_spec {
  bool crop, registration, slug;
} mb_marks_spec;

/* How paragraphs are broken into lines: all breaks chosen together (Knuth–Plass), or line by
 * line by PangoLayout (for comparison). */
typedef enum { MB_BREAKER_TOTAL_FIT, MB_BREAKER_GREEDY } mb_breaker;

typedef struct mb_layout {
  mb_arena *arena;
  const char *path, *name;
  struct mb_layout *base; /* the layout this one extends (owned), or NULL */
  mb_named_color *colors;
  size_t ncolors;
  mb_len page_w, page_h, bleed;
  mb_len margin_top, margin_bottom, margin_inner, margin_outer;
  int columns;
  mb_len gutter;
  int page_multiple;
  mb_style *styles;
  size_t nstyles;
  mb_template cover, body, back;
  mb_folio_spec folio;
  mb_head_spec running_head;
  mb_callout_spec callouts;
  mb_quote_spec quotes;
  mb_list_spec lists;
  mb_marks_spec marks;
  mb_breaker breaker;
} mb_layout;

/* Loads a layout from a file. NULL on error (diagnostics in diags). A layout may start from
 * another with `extends: NAME` (NAME.yaml beside it, or a path relative to it): it inherits
 * everything, and what it sets replaces the base's, key by key (a template's background or
 * frames list replaces the base's list). */
mb_layout *mb_layout_load(const char *path, mb_diags *diags);
/* Parses a layout from a buffer; path names it in diagnostics. */
mb_layout *mb_layout_parse(const char *path, const char *buf, size_t len, mb_diags *diags);
void mb_layout_free(mb_layout *layout);

/* The style for a role in a language: "name@lang" if the layout has it, else "name", else the
 * role's fallback (h4 → h3 → h2 → h1 → body, stat-note → stat-label → body, anything → body).
 * Never NULL: every layout has "body". lang may be NULL. */
const mb_style *mb_layout_style(const mb_layout *layout, const char *name, const char *lang);
/* The style with exactly this name, or NULL. */
const mb_style *mb_layout_find_style(const mb_layout *layout, const char *name);

/* The body text area of page number `page` (1-based; even pages are left-hand pages). */
mb_rect mb_layout_body_area(const mb_layout *layout, int page);

#endif
