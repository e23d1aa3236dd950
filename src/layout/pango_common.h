/* Internal to layout: what both Pango-based paragraph builders share: the font and attribute
 * list of a paragraph, glyph runs from shaped glyphs (with their cluster map back to the
 * text), link boxes, missing-glyph reports and the baseline. */
#ifndef MB_LAYOUT_PANGO_COMMON_H
#define MB_LAYOUT_PANGO_COMMON_H

#include "para.h"

#include <pango/pango.h>

typedef struct mb_fonts mb_fonts;

PangoFontDescription *mb_pc_font(const mb_style *style);
/* Attributes of a paragraph: features, transforms, language by script, letter spacing (never
 * on Devanagari), emphasis, strong, code and link colour. The caller unrefs it. */
PangoAttrList *mb_pc_attrs(const mb_para_in *in);
/* The letter spacing an item is set with (Pango units), 0 for none. */
int mb_pc_letter_spacing(const PangoItem *item);

/* For every byte of the text, where its grapheme starts and where its word starts. Copy and
 * search in PDF readers depend on them: a Devanagari mark drawn with an offset (the matra of
 * मै, the virama of ट्) leaves a gap that poppler and others read as a space, a pre-base
 * matra is drawn before the consonant it follows in the text, and letter spacing leaves gaps
 * too; so glyphs of such text map to whole words (cairo then writes one ActualText span per
 * word) and other glyphs to whole graphemes. A plain Devanagari word (one glyph per cluster,
 * in text order, each with an advance and no offset: और, कारण) is read like Latin text, so
 * its glyphs keep their own clusters and cost no span. */
typedef struct mb_pc_clusters {
  uint32_t *grapheme, *word;
} mb_pc_clusters;

mb_pc_clusters mb_pc_clusters_new(const PangoLogAttr *attrs, int nattrs, const mb_text *text);
void mb_pc_clusters_free(mb_pc_clusters *c);

typedef struct mb_pc_missing {
  uint32_t cp, offset;
} mb_pc_missing;

typedef MB_VEC(mb_pc_missing) mb_pc_missing_vec;

/* Where the glyphs of a run come from. */
typedef struct mb_pc_source {
  const PangoItem *item;
  const PangoGlyphString *glyphs;
  int from, to;                   /* glyph range */
  const char *text;               /* what item->offset and the log clusters index */
  uint32_t start, end;            /* the run's characters in text */
  uint32_t para_offset;           /* where start is in the paragraph */
  const mb_pc_clusters *clusters; /* NULL: a reshaped fragment, clusters as shaped */
} mb_pc_source;

/* A glyph run box at x from shaped glyphs; glyphs the font lacks go to missing. */
mb_box mb_pc_run(mb_fonts *fonts, const mb_para_in *in, const mb_pc_source *src, mb_len x,
                 mb_arena *arena, mb_pc_missing_vec *missing);

/* The link a byte of the paragraph is in, or NULL; the link box for a run. */
const char *mb_pc_link_at(const mb_text *text, uint32_t offset);
mb_box mb_pc_link_box(const mb_box *run, const char *href);

/* One warning per character no font has, at its place in the source. */
void mb_pc_report_missing(const mb_para_in *in, const mb_pc_missing_vec *missing, mb_diags *diags);

/* The baseline's distance from a line's top: the leading's excess split above and below. */
/* The paragraph text's language: the caller's, else looked up. */
const char *mb_pc_text_lang(const mb_para_in *in);
mb_len mb_pc_baseline(mb_fonts *fonts, const mb_para_in *in);

#endif
