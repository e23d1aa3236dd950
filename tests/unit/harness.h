/* A tiny test harness: CHECK macros count failures and print where they happened. */
#ifndef MB_TESTS_HARNESS_H
#define MB_TESTS_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_failures, harness_checks;

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    harness_checks++;                                                                              \
    if (!(cond)) {                                                                                 \
      harness_failures++;                                                                          \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                     \
    }                                                                                              \
  } while (0)

#define CHECK_INT(a, b)                                                                            \
  do {                                                                                             \
    long long va_ = (long long)(a), vb_ = (long long)(b);                                          \
    harness_checks++;                                                                              \
    if (va_ != vb_) {                                                                              \
      harness_failures++;                                                                          \
      fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, va_, vb_);     \
    }                                                                                              \
  } while (0)

#define CHECK_STR(a, b)                                                                            \
  do {                                                                                             \
    const char *sa_ = (a), *sb_ = (b);                                                             \
    harness_checks++;                                                                              \
    if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) {                                                   \
      harness_failures++;                                                                          \
      fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a,            \
              sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                                         \
    }                                                                                              \
  } while (0)

#define CHECK_CONTAINS(hay, needle)                                                                \
  do {                                                                                             \
    const char *h_ = (hay), *n_ = (needle);                                                        \
    harness_checks++;                                                                              \
    if (!h_ || !strstr(h_, n_)) {                                                                  \
      harness_failures++;                                                                          \
      fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,               \
              h_ ? h_ : "(null)", n_);                                                             \
    }                                                                                              \
  } while (0)

#define RUN(test)                                                                                  \
  do {                                                                                             \
    int before_ = harness_failures;                                                                \
    test();                                                                                        \
    fprintf(stderr, "%s %s\n", harness_failures == before_ ? "ok  " : "FAIL", #test);              \
  } while (0)

static inline int harness_report(void) {
  fprintf(stderr, "%d checks, %d failed\n", harness_checks, harness_failures);
  return harness_failures ? 1 : 0;
}

#endif
