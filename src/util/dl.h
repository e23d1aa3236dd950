/* Libraries loaded when a run first needs them: poppler (preflight), librsvg and gdk-pixbuf
 * (images). Most runs use none of them, and linking them would make every run load them and
 * the 40-odd libraries they pull in (about 4 ms of dynamic linking).
 *
 * A module lists the functions it uses with an X-macro and keeps them in a struct of typed
 * pointers named like the functions:
 *
 *   #define POPPLER_FUNCS(X) X(poppler_page_get_text) X(poppler_page_free_image_mapping)
 *   static struct { POPPLER_FUNCS(MB_DL_FIELD) } pp;
 *   ...
 *   if (!MB_DL_LOAD(pp, POPPLER_FUNCS, MB_POPPLER_SONAME, "preflight", diags)) return false;
 *   char *text = pp.poppler_page_get_text(page);
 */
#ifndef MB_UTIL_DL_H
#define MB_UTIL_DL_H

#include "diag.h"

#include <stdbool.h>

#define MB_DL_FIELD(f) __typeof__(f) *f;
#define MB_DL_NAME(f) #f,

/* Opens soname (once per process; never closed) and stores the address of names[i] in the
 * i-th pointer of table, a struct of n function pointers. Thread-safe. False with an I/O
 * error naming what the library is for when the library or a function is missing. */
bool mb_dl_load(const char *soname, const char *purpose, const char *const *names, void *table,
                size_t n, mb_diags *diags);

/* Loads the functions of an X-macro list into a struct of MB_DL_FIELD pointers. */
#define MB_DL_LOAD(table, LIST, soname, purpose, diags)                                            \
  mb_dl_load((soname), (purpose), (const char *const[]){LIST(MB_DL_NAME)}, &(table),               \
             sizeof(table) / sizeof(void (*)(void)), (diags))

#endif
