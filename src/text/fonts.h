/* The font set: the fonts of one folder, loaded through a private fontconfig configuration
 * (so system fonts never leak in), with a Pango context for layout.
 *
 * The context measures with unhinted metrics and unrounded glyph positions, as PDF needs.
 * Fonts met during layout are interned: a box refers to a font by a small integer id, and
 * the renderer turns the id back into a font (fonts_cairo.h). The font set owns its fonts;
 * release it with mb_fonts_free after the last use of any id. */
#ifndef MB_TEXT_FONTS_H
#define MB_TEXT_FONTS_H

#include "util/diag.h"

#include <pango/pango.h>
#include <stdbool.h>

typedef struct mb_fonts mb_fonts;

/* Loads the fonts of dir. */
mb_fonts *mb_fonts_new(const char *dir, mb_diags *diags);
void mb_fonts_free(mb_fonts *fonts);

/* Releases what cairo and fontconfig keep for the whole process (font caches, the current
 * configuration). Call once at exit, after the last mb_fonts_free, so that leak checkers see
 * only real leaks. */
void mb_fonts_shutdown(void);

PangoContext *mb_fonts_context(mb_fonts *fonts);
/* A new context on the same fonts with a font map of its own, for use on another thread
 * (Pango's font maps are not thread-safe). Free it with mb_fonts_context_free, before the
 * font set. */
PangoContext *mb_fonts_context_new(mb_fonts *fonts);
void mb_fonts_context_free(PangoContext *context);
PangoFontMap *mb_fonts_map(mb_fonts *fonts);

int mb_fonts_intern(mb_fonts *fonts, PangoFont *font);
PangoFont *mb_fonts_get(mb_fonts *fonts, int id);
size_t mb_fonts_count(const mb_fonts *fonts);

/* True if the folder has a font of this family (case-insensitive). */
bool mb_fonts_has_family(mb_fonts *fonts, const char *family);
/* The families in the folder, NULL-terminated; owned by the font set. */
const char *const *mb_fonts_families(mb_fonts *fonts);

/* Metrics of the font a description selects for a language: ascent and descent in Pango
 * units. */
void mb_fonts_metrics(mb_fonts *fonts, const PangoFontDescription *desc, const char *lang,
                      int *ascent, int *descent);

#endif
