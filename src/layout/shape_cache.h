/* Internal to layout: shaping by words, each distinct word once.
 *
 * A brochure repeats its words: the Hindi article has some 9,000 words but 2,000 distinct
 * ones. An item is cut at its spaces and every piece shaped with HarfBuzz (through
 * pango_shape_item, with the paragraph as context) once per font, language, script and
 * shaping settings; the pieces are put back together with their clusters in place. Word
 * spaces separate shaping contexts in the scripts mkbrochure sets (Latin, Devanagari):
 * tests/unit/test_shaping.c checks the result against hb_shape of whole strings. */
#ifndef MB_LAYOUT_SHAPE_CACHE_H
#define MB_LAYOUT_SHAPE_CACHE_H

#include <pango/pango.h>

typedef struct mb_shape_cache mb_shape_cache;

mb_shape_cache *mb_shape_cache_new(void);
void mb_shape_cache_free(mb_shape_cache *cache);

/* Shapes text[item] into out (empty on entry). attrs and cidx are the paragraph's log
 * attributes and, for every byte, the index of its character. */
void mb_shape_words(mb_shape_cache *cache, const PangoItem *item, const char *text, int len,
                    const PangoLogAttr *attrs, const int *cidx, PangoGlyphString *out);

#endif
