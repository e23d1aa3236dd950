/* Files: whole-file reads with a size limit, path helpers, and atomic output
 * (write to a temporary file in the destination folder, rename into place when complete). */
#ifndef MB_UTIL_FILE_H
#define MB_UTIL_FILE_H

#include "diag.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Reads a whole file; the caller frees the result. The buffer is NUL-terminated.
 * Pushes an I/O error (at `from`, or the file itself) and returns NULL on failure. */
char *mb_read_file(const char *path, size_t max_size, size_t *len, mb_diags *diags, mb_pos from);

bool mb_is_dir(const char *path);
bool mb_is_file(const char *path);
/* dir + "/" + name; the caller frees it. */
char *mb_path_join(const char *dir, const char *name);
/* The folder part of a path ("." if none); the caller frees it. */
char *mb_path_dir(const char *path);
/* Pointer to the last component of path. */
const char *mb_path_base(const char *path);
bool mb_path_has_suffix(const char *path, const char *suffix);

/* Output written atomically: open a temporary file beside `path`, write to its FILE*, then
 * commit (fsync + rename) or abort (unlink). path "-" writes to stdout. */
typedef struct mb_outfile {
  char *path;
  char *tmp_path; /* NULL for stdout */
  FILE *fp;
} mb_outfile;

bool mb_outfile_open(mb_outfile *out, const char *path, mb_diags *diags);
bool mb_outfile_commit(mb_outfile *out, mb_diags *diags);
void mb_outfile_abort(mb_outfile *out);
/* Removes every temporary file still being written (async-signal-safe: for handlers). */
void mb_outfile_remove_pending(void);
/* Holds SIGINT, SIGTERM and SIGHUP (they wait) in the calling thread; *before is its mask to
 * restore with pthread_sigmask(SIG_SETMASK, before, NULL). Threads started while they are held
 * never take them: the main thread's handler removes the temporary files. */
void mb_signals_hold(sigset_t *before);
/* A temporary file still being written, or NULL when there is none. */
const char *mb_outfile_pending(void);

#endif
