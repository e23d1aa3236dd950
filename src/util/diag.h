/* Diagnostics: a sink that collects errors and warnings with their source positions.
 *
 * Functions that read user input push diagnostics here and return false/NULL; only main()
 * prints them (GCC format: "path:line:col: error: message") and chooses the exit status.
 * The sink copies every string it is given; positions passed in are borrowed. */
#ifndef MB_UTIL_DIAG_H
#define MB_UTIL_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A place in a source file. line and col are 1-based; 0 means unknown. */
typedef struct mb_pos {
  const char *file;
  int line, col;
} mb_pos;

typedef enum { MB_NOTE, MB_WARNING, MB_ERROR } mb_severity;

/* What kind of failure an error is; it decides the exit status. */
typedef enum { MB_DIAG_INPUT, MB_DIAG_IO, MB_DIAG_USAGE } mb_diag_kind;

typedef struct mb_diag {
  mb_severity severity;
  mb_diag_kind kind;
  mb_pos pos; /* file points into the sink's own storage */
  char *message;
} mb_diag;

typedef struct mb_diags mb_diags;

mb_diags *mb_diags_new(void);
void mb_diags_free(mb_diags *diags);

void mb_diag_add(mb_diags *diags, mb_severity severity, mb_diag_kind kind, mb_pos pos,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void mb_diag_vadd(mb_diags *diags, mb_severity severity, mb_diag_kind kind, mb_pos pos,
                  const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

#define mb_error(d, pos, ...) mb_diag_add((d), MB_ERROR, MB_DIAG_INPUT, (pos), __VA_ARGS__)
#define mb_warning(d, pos, ...) mb_diag_add((d), MB_WARNING, MB_DIAG_INPUT, (pos), __VA_ARGS__)
#define mb_io_error(d, pos, ...) mb_diag_add((d), MB_ERROR, MB_DIAG_IO, (pos), __VA_ARGS__)

size_t mb_diags_count(const mb_diags *diags);
const mb_diag *mb_diags_at(const mb_diags *diags, size_t i);
size_t mb_diags_errors(const mb_diags *diags);
size_t mb_diags_warnings(const mb_diags *diags);
bool mb_diags_has_kind(const mb_diags *diags, mb_diag_kind kind);
/* Turns every warning into an error (--strict). */
void mb_diags_promote_warnings(mb_diags *diags);

/* Prints every diagnostic (only errors when errors_only), one line each, in the order they
 * were added, and a note on those beyond the limit. */
void mb_diags_print_some(const mb_diags *diags, FILE *out, bool errors_only);
void mb_diags_print(const mb_diags *diags, FILE *out);
void mb_diag_print(const mb_diag *diag, FILE *out);

/* Quotes user text for a message: at most max_chars characters, control characters escaped,
 * an ellipsis when cut. Returns buf. */
char *mb_quote(char *buf, size_t size, const char *text, size_t len, size_t max_chars);

/* A position that names only a file. */
static inline mb_pos mb_pos_file(const char *file) {
  mb_pos p = {file, 0, 0};
  return p;
}

#endif
