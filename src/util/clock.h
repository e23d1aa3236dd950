/* A monotonic clock in milliseconds, for --timings. */
#ifndef MB_UTIL_CLOCK_H
#define MB_UTIL_CLOCK_H

#include <time.h>

static inline double mb_now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

#endif
