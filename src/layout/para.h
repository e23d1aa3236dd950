/* The paragraph builder: one paragraph of styled text in, lines of positioned glyph runs out.
 *
 * The page builder sees only this interface, so a line breaker can be replaced without
 * touching it. Three builders exist: total-fit (real fonts, Knuth–Plass breaking, hyphenation,
 * justification by word spaces), PangoLayout's greedy breaking, and a fixed-advance one (every
 * character 0.5 em wide, glyph id = code point) that makes layout tests exact and fast. Lines and
 * their runs are allocated in `arena`. */
#ifndef MB_LAYOUT_PARA_H
#define MB_LAYOUT_PARA_H

#include "box.h"

typedef struct mb_para_in {
  const mb_text *text;
  const mb_style *style;
  const char *lang;      /* the section's language, or NULL */
  const char *text_lang; /* the text's own (mb_text_lang), if the caller knows it, or NULL */
  mb_len width;          /* the measure */
  mb_len first_indent;
  mb_color link_color;
  const char *code_font; /* family list for `code` spans */
  mb_pos pos;            /* the block, for diagnostics */
  int block;
  bool hyphenate; /* English hyphenation: body text whose style allows it */
} mb_para_in;

typedef struct mb_line {
  mb_len x;        /* offset of the line's start from the measure's left edge */
  mb_len width;    /* advance width of its glyphs */
  mb_len height;   /* the style's leading */
  mb_len baseline; /* from the line's top */
  mb_box *runs;    /* glyph runs relative to the line's (x, top) */
  size_t nruns;
  uint32_t start, end; /* byte range of the paragraph's text */
} mb_line;

typedef struct mb_para_builder mb_para_builder;

struct mb_para_builder {
  double shape_ms, break_ms; /* time spent so far shaping and breaking (for --timings) */
  /* Breaks a paragraph into lines. Returns false only on a hard failure (diagnosed). */
  bool (*build)(mb_para_builder *self, const mb_para_in *in, mb_arena *arena, mb_line **lines,
                size_t *nlines, mb_diags *diags);
  void (*free)(mb_para_builder *self);
};

typedef struct mb_fonts mb_fonts;

/* Total-fit builder (Knuth–Plass over text shaped once, with hyphenation) over a font set
 * (borrowed; it must outlive the builder). */
mb_para_builder *mb_para_tex_new(mb_fonts *fonts);
/* The same with hyphenation patterns already loading (mb_hyphenator_new): the builder owns
 * them. Starting them before the fonts saves their loading time. */
typedef struct mb_hyphenator mb_hyphenator;
mb_para_builder *mb_para_tex_adopt(mb_fonts *fonts, mb_hyphenator *hyphenator);
/* PangoLayout's greedy breaking, for comparison. */
mb_para_builder *mb_para_pango_new(mb_fonts *fonts);
/* Fixed-advance builder for tests: no fonts needed. */
mb_para_builder *mb_para_mono_new(void);
void mb_para_builder_free(mb_para_builder *builder);

/* The language of a character run by the content rule: the section's language for its own
 * script, else by script (Devanagari → hi, Latin → en). Returns NULL for script-neutral text. */
const char *mb_lang_for_script(int script, const char *section_lang);
/* The language most of a text is in (by the rule above), or section_lang. */
const char *mb_text_lang(const char *text, size_t len, const char *section_lang);

#endif
