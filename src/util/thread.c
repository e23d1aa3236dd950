#define _GNU_SOURCE /* CPU affinity */
#include "thread.h"

#include "file.h"

#include <sched.h>
#include <signal.h>
#include <stdlib.h>

typedef struct start {
  void *(*fn)(void *);
  void *arg;
  cpu_set_t cpus; /* where the process may run */
} start;

static void *run(void *data) {
  start s = *(start *)data;
  free(data);
  sched_setaffinity(0, sizeof s.cpus, &s.cpus); /* anywhere from now on */
  return s.fn(s.arg);
}

/* The CPUs other than the caller's in *all's set; false if there are none or it is unknown. */
static bool other_cpus(cpu_set_t *all, cpu_set_t *others) {
  int here = sched_getcpu();
  if (here < 0 || sched_getaffinity(0, sizeof *all, all) != 0) return false;
  if (!CPU_ISSET(here, all) || CPU_COUNT(all) < 2) return false;
  *others = *all;
  CPU_CLR(here, others);
  return true;
}

static bool start_away(pthread_t *thread, void *(*fn)(void *), void *arg) {
  start *s = malloc(sizeof *s);
  cpu_set_t others;
  pthread_attr_t attr;
  if (!s || !other_cpus(&s->cpus, &others) || pthread_attr_init(&attr) != 0) {
    free(s);
    return pthread_create(thread, NULL, fn, arg) == 0;
  }
  s->fn = fn;
  s->arg = arg;
  bool ok = pthread_attr_setaffinity_np(&attr, sizeof others, &others) == 0 &&
            pthread_create(thread, &attr, run, s) == 0;
  pthread_attr_destroy(&attr);
  if (!ok) free(s);
  return ok || pthread_create(thread, NULL, fn, arg) == 0;
}

bool mb_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg) {
  sigset_t before;
  mb_signals_hold(&before); /* the new thread starts with them held, for good */
  bool ok = start_away(thread, fn, arg);
  pthread_sigmask(SIG_SETMASK, &before, NULL);
  return ok;
}
