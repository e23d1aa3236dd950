#include "hyphen.h"

#include "util/mem.h"
#include "util/thread.h"

#include <ctype.h>
#include <hyphen.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_WORD = 64, LEFT_MIN = 2, RIGHT_MIN = 3 };

/* Reading the patterns takes a few milliseconds; it runs on its own thread while fonts are
 * set up and the first paragraphs are shaped, and the first word to hyphenate waits for it. */
struct mb_hyphenator {
  char *path;
  HyphenDict *dict;
  pthread_t thread;
  bool loading;
};

static void *load(void *arg) {
  mb_hyphenator *h = arg;
  h->dict = hnj_hyphen_load(h->path);
  return NULL;
}

mb_hyphenator *mb_hyphenator_new(const char *path) {
  mb_hyphenator *h = mb_xcalloc(1, sizeof(mb_hyphenator));
  h->path = mb_xstrdup(path ? path : MB_HYPHEN_PATTERNS);
  h->loading = mb_thread_start(&h->thread, load, h);
  if (!h->loading) load(h);
  return h;
}

static HyphenDict *dict_of(mb_hyphenator *h) {
  if (h->loading) pthread_join(h->thread, NULL);
  h->loading = false;
  return h->dict;
}

bool mb_hyphenator_ready(mb_hyphenator *h) {
  return h && dict_of(h);
}

void mb_hyphenator_free(mb_hyphenator *h) {
  if (!h) return;
  HyphenDict *dict = dict_of(h);
  if (dict) hnj_hyphen_free(dict);
  free(h->path);
  free(h);
}

/* An ordinary word: letters (and apostrophes), lower case after the first letter. */
static bool plain_word(const char *w, size_t len) {
  if (len < LEFT_MIN + RIGHT_MIN || len >= MAX_WORD) return false;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)w[i];
    if (c == '\'') continue;
    if (!isalpha(c) || (i > 0 && isupper(c))) return false;
  }
  return true;
}

size_t mb_hyphenate(mb_hyphenator *h, const char *word, size_t len, uint32_t *points, size_t max) {
  if (!h || !plain_word(word, len) || !dict_of(h)) return 0;
  char lower[MAX_WORD], marks[MAX_WORD + 5];
  for (size_t i = 0; i < len; i++) lower[i] = (char)tolower((unsigned char)word[i]);
  lower[len] = '\0';
  char **rep = NULL;
  int *pos = NULL, *cut = NULL;
  size_t n = 0;
  if (hnj_hyphen_hyphenate3(h->dict, lower, (int)len, marks, NULL, &rep, &pos, &cut, LEFT_MIN,
                            RIGHT_MIN, LEFT_MIN, RIGHT_MIN) == 0 &&
      !rep) {
    /* marks[i] odd: a hyphen may follow character i. */
    for (size_t i = LEFT_MIN - 1; i + RIGHT_MIN < len && n < max; i++)
      if (marks[i] & 1) points[n++] = (uint32_t)i + 1;
  }
  if (rep) {
    for (size_t i = 0; i < len; i++) free(rep[i]);
    free(rep);
  }
  free(pos);
  free(cut);
  return n;
}
