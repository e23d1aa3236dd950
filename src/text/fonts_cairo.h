/* The renderer's side of the font set: a cairo scaled font for a font id. Kept apart from
 * fonts.h so the layout stage never sees cairo. */
#ifndef MB_TEXT_FONTS_CAIRO_H
#define MB_TEXT_FONTS_CAIRO_H

#include "fonts.h"

#include <cairo.h>

/* Borrowed from the font set. Safe to call from a drawing thread while the layout's thread
 * interns more fonts (nothing else in the font set is). */
cairo_scaled_font_t *mb_fonts_scaled(mb_fonts *fonts, int id);
/* The font options layout measured with (no hinting); apply them when drawing. */
const cairo_font_options_t *mb_fonts_options(mb_fonts *fonts);

#endif
