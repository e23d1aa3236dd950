#include "dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

/* dlsym gives function addresses as data pointers (POSIX guarantees they convert). */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers fit a void *");

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *slot(void *table, size_t i) {
  void *fn;
  memcpy(&fn, (char *)table + i * sizeof fn, sizeof fn);
  return fn;
}

static bool resolve(void *lib, const char *soname, const char *purpose, const char *const *names,
                    void *table, size_t n, mb_diags *diags) {
  for (size_t i = 0; i < n; i++) {
    void *fn = dlsym(lib, names[i]);
    if (!fn) {
      mb_io_error(diags, mb_pos_file(NULL), "%s has no function %s (needed for %s)", soname,
                  names[i], purpose);
      memset(table, 0, n * sizeof fn);
      return false;
    }
    memcpy((char *)table + i * sizeof fn, &fn, sizeof fn);
  }
  return true;
}

bool mb_dl_load(const char *soname, const char *purpose, const char *const *names, void *table,
                size_t n, mb_diags *diags) {
  pthread_mutex_lock(&lock);
  bool ok = slot(table, n - 1) != NULL; /* loaded before: the last one is stored last */
  if (!ok) {
    void *lib = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
    if (lib)
      ok = resolve(lib, soname, purpose, names, table, n, diags);
    else
      mb_io_error(diags, mb_pos_file(NULL), "cannot load %s, needed for %s: %s", soname, purpose,
                  dlerror());
  }
  pthread_mutex_unlock(&lock);
  return ok;
}
