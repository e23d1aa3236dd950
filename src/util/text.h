/* Small text helpers: UTF-8 checks, byte offsets to line:column, "did you mean" suggestions. */
#ifndef MB_UTIL_TEXT_H
#define MB_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns the byte offset of the first invalid UTF-8 sequence, or len if all is valid. */
size_t mb_utf8_check(const char *s, size_t len);
/* Decodes one code point at s (valid UTF-8 assumed); stores its length in *n. */
uint32_t mb_utf8_decode(const char *s, size_t len, size_t *n);
/* Encodes cp into out (at least 4 bytes); returns the number of bytes. */
size_t mb_utf8_encode(uint32_t cp, char *out);

/* 1-based line and column (in code points) of a byte offset in buf. */
void mb_line_col(const char *buf, size_t offset, int *line, int *col);

/* The candidate closest to word (edit distance at most a third of its length, at least 1),
 * or NULL. candidates is NULL-terminated. */
const char *mb_suggest(const char *word, const char *const *candidates);
size_t mb_edit_distance(const char *a, const char *b);

bool mb_str_eq_nocase(const char *a, const char *b);

/* Decodes %XX escapes in place (cmark percent-encodes link destinations); returns s. */
char *mb_percent_decode(char *s);

#endif
