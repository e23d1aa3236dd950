/* The font set's folder: read through a fontconfig cache kept in the user's cache folder,
 * one cache per exact set of font files; scanned file by file when no cache can be written
 * or the folder has folders inside. Whichever way, the fonts are the folder's own. */
#include "harness.h"

#include "text/fonts.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/mem.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *temp_dir(void) {
  char tmpl[] = "/tmp/mb-fonts-XXXXXX";
  return mb_xstrdup(mkdtemp(tmpl));
}

/* Writes the bundled font name into to_dir as as (NULL: the same name). */
static void copy_font_as(const char *name, const char *to_dir, const char *as) {
  mb_diags *d = mb_diags_new();
  char *from = mb_path_join(MB_SOURCE_DIR "/fonts", name),
       *to = mb_path_join(to_dir, as ? as : name);
  size_t len = 0;
  char *data = mb_read_file(from, 64 << 20, &len, d, mb_pos_file(from));
  FILE *f = fopen(to, "wb");
  CHECK(data && f && fwrite(data, 1, len, f) == len);
  if (f) fclose(f);
  free(data);
  free(from);
  free(to);
  mb_diags_free(d);
}

static void copy_font(const char *name, const char *to_dir) {
  copy_font_as(name, to_dir, NULL);
}

/* The cache folders made under cache/mkbrochure that hold a fontconfig cache file. */
static int caches(const char *cache) {
  char *root = mb_path_join(cache, "mkbrochure");
  DIR *d = opendir(root);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));) {
    if (strncmp(e->d_name, "fonts-", 6) != 0) continue;
    char *sub = mb_path_join(root, e->d_name);
    DIR *s = opendir(sub);
    bool has_cache = false;
    for (struct dirent *f; s && (f = readdir(s));)
      has_cache |= strstr(f->d_name, ".cache-") != NULL;
    if (s) closedir(s);
    n += has_cache;
    free(sub);
  }
  if (d) closedir(d);
  free(root);
  return n;
}

static bool has_family(mb_fonts *fonts, const char *family) {
  return fonts && mb_fonts_has_family(fonts, family);
}

static size_t family_count(mb_fonts *fonts) {
  size_t n = 0;
  for (const char *const *f = mb_fonts_families(fonts); *f; f++) n++;
  return n;
}

static void remove_tree(const char *path) {
  DIR *d = opendir(path);
  for (struct dirent *e; d && (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *p = mb_path_join(path, e->d_name);
    if (mb_is_dir(p))
      remove_tree(p);
    else
      unlink(p);
    free(p);
  }
  if (d) closedir(d);
  rmdir(path);
}

static void test_cache_made_then_used(void) {
  char *cache = temp_dir();
  setenv("XDG_CACHE_HOME", cache, 1);
  mb_diags *d = mb_diags_new();
  mb_fonts *first = mb_fonts_new(MB_SOURCE_DIR "/fonts", d);
  CHECK(has_family(first, "Noto Sans") && has_family(first, "Noto Serif Devanagari"));
  CHECK_INT(caches(cache), 1);
  mb_fonts *second = mb_fonts_new(MB_SOURCE_DIR "/fonts", d);
  CHECK(first && second && family_count(first) == family_count(second));
  CHECK_INT(family_count(second), 4);
  CHECK_INT(caches(cache), 1); /* the same cache, read */
  CHECK_INT(mb_diags_count(d), 0);
  mb_fonts_free(first);
  mb_fonts_free(second);
  mb_diags_free(d);
  remove_tree(cache);
  free(cache);
}

static void test_changed_folder_gets_new_cache(void) {
  char *cache = temp_dir(), *dir = temp_dir();
  setenv("XDG_CACHE_HOME", cache, 1);
  mb_diags *d = mb_diags_new();
  copy_font("NotoSans-Regular.ttf", dir);
  mb_fonts *fonts = mb_fonts_new(dir, d);
  CHECK(has_family(fonts, "Noto Sans") && !has_family(fonts, "Noto Serif"));
  mb_fonts_free(fonts);
  copy_font("NotoSerif-Regular.ttf", dir);
  fonts = mb_fonts_new(dir, d);
  CHECK(has_family(fonts, "Noto Sans") && has_family(fonts, "Noto Serif"));
  CHECK_INT(caches(cache), 2);
  mb_fonts_free(fonts);
  char *serif = mb_path_join(dir, "NotoSerif-Regular.ttf");
  unlink(serif);
  free(serif);
  fonts = mb_fonts_new(dir, d); /* the first set again: never a font that is gone */
  CHECK(has_family(fonts, "Noto Sans") && !has_family(fonts, "Noto Serif"));
  CHECK_INT(caches(cache), 2);
  CHECK_INT(mb_diags_count(d), 0);
  mb_fonts_free(fonts);
  mb_diags_free(d);
  remove_tree(cache);
  remove_tree(dir);
  free(cache);
  free(dir);
}

/* A font rewritten in place (the folder itself unchanged, as fontconfig's own check sees
 * it) is read again, not taken from the old cache. */
static void test_font_rewritten_in_place(void) {
  char *cache = temp_dir(), *dir = temp_dir();
  setenv("XDG_CACHE_HOME", cache, 1);
  mb_diags *d = mb_diags_new();
  copy_font_as("NotoSerif-Regular.ttf", dir, "body.ttf");
  mb_fonts *fonts = mb_fonts_new(dir, d);
  CHECK(has_family(fonts, "Noto Serif") && !has_family(fonts, "Noto Sans"));
  mb_fonts_free(fonts);
  copy_font_as("NotoSans-Regular.ttf", dir, "body.ttf");
  fonts = mb_fonts_new(dir, d);
  CHECK(has_family(fonts, "Noto Sans") && !has_family(fonts, "Noto Serif"));
  CHECK_INT(mb_diags_count(d), 0);
  mb_fonts_free(fonts);
  mb_diags_free(d);
  remove_tree(cache);
  remove_tree(dir);
  free(cache);
  free(dir);
}

static void test_subfolders_not_cached(void) {
  char *cache = temp_dir(), *dir = temp_dir();
  setenv("XDG_CACHE_HOME", cache, 1);
  copy_font("NotoSans-Regular.ttf", dir);
  char *sub = mb_path_join(dir, "more");
  mkdir(sub, 0755);
  copy_font("NotoSerif-Regular.ttf", sub);
  mb_diags *d = mb_diags_new();
  mb_fonts *fonts = mb_fonts_new(dir, d);
  CHECK(has_family(fonts, "Noto Sans") && !has_family(fonts, "Noto Serif"));
  CHECK_INT(caches(cache), 0);
  mb_fonts_free(fonts);
  mb_diags_free(d);
  remove_tree(cache);
  remove_tree(dir);
  free(sub);
  free(cache);
  free(dir);
}

static void test_no_writable_cache(void) {
  setenv("XDG_CACHE_HOME", "/nonexistent/cache", 1);
  setenv("HOME", "/nonexistent", 1);
  mb_diags *d = mb_diags_new();
  mb_fonts *fonts = mb_fonts_new(MB_SOURCE_DIR "/fonts", d);
  CHECK(has_family(fonts, "Noto Sans") && has_family(fonts, "Noto Serif Devanagari"));
  CHECK_INT(mb_diags_count(d), 0);
  mb_fonts_free(fonts);
  mb_diags_free(d);
}

int main(void) {
  RUN(test_cache_made_then_used);
  RUN(test_changed_folder_gets_new_cache);
  RUN(test_font_rewritten_in_place);
  RUN(test_subfolders_not_cached);
  RUN(test_no_writable_cache);
  mb_fonts_shutdown();
  return harness_report();
}
