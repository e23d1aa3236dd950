/* Unit tests for src/util/thread.c: a thread started with mb_thread_start runs its function
 * with its argument, starts away from its creator's CPU when the process has another, and
 * may then run on every CPU the process may use, holding the termination signals; with one
 * CPU it starts there. */
#define _GNU_SOURCE /* CPU affinity */
#include "harness.h"

#include "util/thread.h"

#include <sched.h>
#include <signal.h>
#include <stdint.h>

typedef struct seen {
  int value;
  int cpu;       /* where the function started */
  cpu_set_t may; /* where it may run */
  sigset_t held; /* the signals it holds */
} seen;

static void *record(void *arg) {
  seen *s = arg;
  s->cpu = sched_getcpu();
  sched_getaffinity(0, sizeof s->may, &s->may);
  pthread_sigmask(SIG_SETMASK, NULL, &s->held);
  s->value *= 2;
  return (void *)(intptr_t)(s->value + 1);
}

/* Starts record(&s) and waits for it: its result. */
static intptr_t start_and_join(seen *s) {
  pthread_t t;
  CHECK(mb_thread_start(&t, record, s));
  void *result = NULL;
  CHECK_INT(pthread_join(t, &result), 0);
  return (intptr_t)result;
}

static void test_runs_with_its_argument(void) {
  seen s = {.value = 20};
  CHECK_INT(start_and_join(&s), 41);
  CHECK_INT(s.value, 40);
}

/* The thread holds the termination signals (the main thread takes them); its creator's mask
 * is as it was. */
static void test_signals_held(void) {
  sigset_t mine, after;
  pthread_sigmask(SIG_SETMASK, NULL, &mine);
  CHECK(!sigismember(&mine, SIGTERM));
  seen s = {.value = 1};
  start_and_join(&s);
  CHECK(sigismember(&s.held, SIGTERM));
  CHECK(sigismember(&s.held, SIGINT));
  CHECK(sigismember(&s.held, SIGHUP));
  CHECK(!sigismember(&s.held, SIGSEGV));
  pthread_sigmask(SIG_SETMASK, NULL, &after);
  CHECK(!sigismember(&after, SIGTERM));
  CHECK(!sigismember(&after, SIGINT));
}

static void test_may_run_anywhere_once_started(void) {
  cpu_set_t all;
  CHECK_INT(sched_getaffinity(0, sizeof all, &all), 0);
  seen s = {.value = 1};
  start_and_join(&s);
  CHECK(CPU_EQUAL(&s.may, &all));
}

/* With two CPUs or more, the thread starts on another than its creator's (counted over many
 * starts: either thread may be moved by the scheduler in between, rarely). */
static void test_starts_elsewhere(void) {
  cpu_set_t all;
  CHECK_INT(sched_getaffinity(0, sizeof all, &all), 0);
  CHECK(CPU_COUNT(&all) >= 1);
  if (CPU_COUNT(&all) < 2) return; /* test_one_cpu covers this machine */
  int elsewhere = 0;
  for (int i = 0; i < 50; i++) {
    seen s = {.value = i};
    int here = sched_getcpu();
    start_and_join(&s);
    elsewhere += s.cpu != here;
  }
  CHECK(elsewhere >= 40);
}

/* Restricted to one CPU, the creator's: the thread starts there. */
static void test_one_cpu(void) {
  cpu_set_t all, one;
  CHECK_INT(sched_getaffinity(0, sizeof all, &all), 0);
  int here = sched_getcpu();
  CHECK(here >= 0);
  CPU_ZERO(&one);
  CPU_SET(here, &one);
  CHECK_INT(sched_setaffinity(0, sizeof one, &one), 0);
  seen s = {.value = 3};
  CHECK_INT(start_and_join(&s), 7);
  CHECK_INT(s.cpu, here);
  CHECK(CPU_EQUAL(&s.may, &one));
  CHECK_INT(sched_setaffinity(0, sizeof all, &all), 0);
}

int main(void) {
  RUN(test_runs_with_its_argument);
  RUN(test_signals_held);
  RUN(test_may_run_anywhere_once_started);
  RUN(test_starts_elsewhere);
  RUN(test_one_cpu);
  return harness_report();
}
