/* English hyphenation with libhyphen and Debian's hyph_en_US patterns.
 *
 * mb_hyphenate finds where a word may break: at least two letters before a break and three
 * after it. Words with digits, capitals after the first letter (acronyms) or other than
 * ASCII letters and apostrophes are not hyphenated. The hyphenator owns its dictionary. */
#ifndef MB_TEXT_HYPHEN_H
#define MB_TEXT_HYPHEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mb_hyphenator mb_hyphenator;

/* Debian's US English patterns (package hyphen-en-us). */
#define MB_HYPHEN_PATTERNS "/usr/share/hyphen/hyph_en_US.dic"

/* Starts loading the patterns (NULL path: MB_HYPHEN_PATTERNS) in the background. */
mb_hyphenator *mb_hyphenator_new(const char *path);
/* Whether the patterns could be read (waits for them). */
bool mb_hyphenator_ready(mb_hyphenator *h);
void mb_hyphenator_free(mb_hyphenator *h);

/* Break points inside word (byte offsets from its start, where the second part begins), in
 * increasing order; returns how many (at most max; none when the patterns are unreadable). */
size_t mb_hyphenate(mb_hyphenator *h, const char *word, size_t len, uint32_t *points, size_t max);

#endif
