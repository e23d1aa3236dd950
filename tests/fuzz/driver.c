/* Runs a fuzz target over files, without libFuzzer: the seed corpora and every finding kept
 * as a regression are replayed by ctest in the normal and sanitizer builds. */
#include "util/file.h"
#include "util/mem.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
  mb_diags *d = mb_diags_new();
  size_t len;
  char *buf = mb_read_file(path, 64 * 1024 * 1024, &len, d, mb_pos_file(NULL));
  mb_diags_free(d);
  if (!buf) {
    fprintf(stderr, "cannot read %s\n", path);
    return 1;
  }
  /* An exact-size copy, so a read past the end is caught by AddressSanitizer. */
  uint8_t *exact = mb_xmalloc(len ? len : 1);
  memcpy(exact, buf, len);
  free(buf);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 0;
}

static int run_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return run_file(dir);
  int failures = 0, count = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char *path = mb_path_join(dir, e->d_name);
    failures += mb_is_dir(path) ? run_dir(path) : run_file(path);
    count++;
    free(path);
  }
  closedir(d);
  fprintf(stderr, "%s: %d inputs\n", dir, count);
  return failures;
}

int main(int argc, char **argv) {
  int failures = 0;
  for (int i = 1; i < argc; i++) failures += run_dir(argv[i]);
  return failures ? 1 : 0;
}
