#include "file.h"

#include "mem.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *mb_read_file(const char *path, size_t max_size, size_t *len, mb_diags *diags, mb_pos from) {
  mb_pos pos = from.file ? from : mb_pos_file(path);
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    mb_io_error(diags, pos, "cannot open '%s': %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 4096, n = 0;
  char *buf = mb_xmalloc(cap);
  for (;;) {
    if (n + 1 >= cap) {
      if (cap > max_size) {
        mb_io_error(diags, pos, "'%s' is larger than the limit of %zu bytes", path, max_size);
        free(buf);
        fclose(fp);
        return NULL;
      }
      cap *= 2;
      buf = mb_xrealloc(buf, cap);
    }
    size_t got = fread(buf + n, 1, cap - n - 1, fp);
    n += got;
    if (got == 0) break;
  }
  bool failed = ferror(fp);
  int err = errno;
  fclose(fp);
  if (failed) {
    mb_io_error(diags, pos, "cannot read '%s': %s", path, strerror(err));
    free(buf);
    return NULL;
  }
  if (n > max_size) {
    mb_io_error(diags, pos, "'%s' is larger than the limit of %zu bytes", path, max_size);
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

bool mb_is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool mb_is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *mb_path_join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  while (a > 1 && dir[a - 1] == '/') a--;
  char *p = mb_xmalloc(a + b + 2);
  memcpy(p, dir, a);
  p[a] = '/';
  memcpy(p + a + 1, name, b + 1);
  return p;
}

char *mb_path_dir(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return mb_xstrdup(".");
  if (slash == path) return mb_xstrdup("/");
  return mb_xstrndup(path, (size_t)(slash - path));
}

const char *mb_path_base(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

bool mb_path_has_suffix(const char *path, const char *suffix) {
  size_t a = strlen(path), b = strlen(suffix);
  return a >= b && strcmp(path + a - b, suffix) == 0;
}

/* Temporary files being written, for a signal handler to remove. */
enum { MAX_PENDING = 8 };
static const char *volatile pending[MAX_PENDING];

static void track(const char *tmp) {
  for (int i = 0; i < MAX_PENDING; i++)
    if (!pending[i]) {
      pending[i] = tmp;
      return;
    }
}

static void untrack(const char *tmp) {
  for (int i = 0; i < MAX_PENDING; i++)
    if (pending[i] == tmp) pending[i] = NULL;
}

void mb_signals_hold(sigset_t *before) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop, before);
}

/* Stops tracking a temporary file and frees its name, with the termination signals held so
 * that the handler never reads a name being freed. */
static void untrack_and_free(char *tmp) {
  sigset_t before;
  mb_signals_hold(&before);
  untrack(tmp);
  free(tmp);
  pthread_sigmask(SIG_SETMASK, &before, NULL);
}

const char *mb_outfile_pending(void) {
  for (int i = 0; i < MAX_PENDING; i++)
    if (pending[i]) return pending[i];
  return NULL;
}

void mb_outfile_remove_pending(void) {
  for (int i = 0; i < MAX_PENDING; i++)
    if (pending[i]) unlink(pending[i]);
}

bool mb_outfile_open(mb_outfile *out, const char *path, mb_diags *diags) {
  memset(out, 0, sizeof(*out));
  out->path = mb_xstrdup(path);
  if (strcmp(path, "-") == 0) {
    out->fp = stdout;
    return true;
  }
  char *dir = mb_path_dir(path);
  char *tmpl = mb_path_join(dir, ".mkbrochure-XXXXXX");
  free(dir);
  /* A termination signal between creating the file and tracking it would leave the file
   * behind: it waits until the file is tracked. */
  sigset_t before;
  mb_signals_hold(&before);
  int fd = mkstemp(tmpl);
  if (fd >= 0) track(tmpl);
  pthread_sigmask(SIG_SETMASK, &before, NULL);
  if (fd < 0) {
    mb_io_error(diags, mb_pos_file(path), "cannot create a temporary file beside '%s': %s", path,
                strerror(errno));
    free(tmpl);
    free(out->path);
    out->path = NULL;
    return false;
  }
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  out->tmp_path = tmpl;
  out->fp = fdopen(fd, "wb");
  return true;
}

bool mb_outfile_commit(mb_outfile *out, mb_diags *diags) {
  if (!out->tmp_path) {
    bool ok = fflush(out->fp) == 0 && !ferror(out->fp);
    if (!ok) mb_io_error(diags, mb_pos_file("<stdout>"), "write error: %s", strerror(errno));
    free(out->path);
    out->path = NULL;
    return ok;
  }
  bool ok = fflush(out->fp) == 0 && !ferror(out->fp) && fsync(fileno(out->fp)) == 0;
  int err = errno;
  ok = (fclose(out->fp) == 0) && ok;
  out->fp = NULL;
  if (ok && rename(out->tmp_path, out->path) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    mb_io_error(diags, mb_pos_file(out->path), "cannot write: %s", strerror(err));
    unlink(out->tmp_path);
  }
  untrack_and_free(out->tmp_path);
  free(out->path);
  out->tmp_path = out->path = NULL;
  return ok;
}

void mb_outfile_abort(mb_outfile *out) {
  if (out->tmp_path) {
    if (out->fp) fclose(out->fp);
    unlink(out->tmp_path);
    untrack_and_free(out->tmp_path);
  }
  free(out->path);
  memset(out, 0, sizeof(*out));
}
