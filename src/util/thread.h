/* Threads started away from their creator's CPU.
 *
 * On the 2-CPU benchmark machine a new thread sometimes starts on its creator's CPU and the
 * two share it for milliseconds before the scheduler moves one: the hyphenation patterns'
 * loader stretched the main thread's first 3.6 ms (reading the inputs and fonts) to 5.8-7.8
 * ms in 4 runs of 12; kept off the main thread's CPU, 12 of 12 took 3.6-4.4 ms. So a thread
 * is started on the other CPUs the process may use (when there are any), and may run on all
 * of them once it runs. The default brochure: 1.5-2 ms less a run (bench/compare). */
#ifndef MB_UTIL_THREAD_H
#define MB_UTIL_THREAD_H

#include <pthread.h>
#include <stdbool.h>

/* pthread_create(thread, NULL, fn, arg), started on another CPU than the caller's if it can
 * be, with SIGINT, SIGTERM and SIGHUP held (the main thread takes them: mb_signals_hold).
 * False if the thread could not be created. */
bool mb_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

#endif
