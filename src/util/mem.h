/* Memory helpers and arenas.
 *
 * Allocation failure aborts the program (as in cmark): callers never check for NULL.
 * An arena owns every block it hands out; mb_arena_free releases them all at once.
 * Trees (the document, the layout) live in arenas; long-lived resources do not. */
#ifndef MB_UTIL_MEM_H
#define MB_UTIL_MEM_H

#include <stddef.h>

void *mb_xmalloc(size_t size);
void *mb_xcalloc(size_t count, size_t size);
void *mb_xrealloc(void *ptr, size_t size);
char *mb_xstrdup(const char *s);
char *mb_xstrndup(const char *s, size_t len);

typedef struct mb_arena mb_arena;

mb_arena *mb_arena_new(void);
void mb_arena_free(mb_arena *arena);
/* Zeroed memory, aligned for any type, owned by the arena. */
void *mb_arena_alloc(mb_arena *arena, size_t size);
void *mb_arena_calloc(mb_arena *arena, size_t count, size_t size);
void *mb_arena_memdup(mb_arena *arena, const void *src, size_t size);
char *mb_arena_strndup(mb_arena *arena, const char *s, size_t len);
char *mb_arena_strdup(mb_arena *arena, const char *s);
/* Bytes handed out so far (for limits and benchmarks). */
size_t mb_arena_used(const mb_arena *arena);

/* Growable array of T: struct { T *items; size_t len, cap; }. Owned by whoever holds it;
 * release with free(v.items). */
#define MB_VEC(T)                                                                                  \
  struct {                                                                                         \
    T *items;                                                                                      \
    size_t len, cap;                                                                               \
  }

void mb_vec_grow(void **items, size_t *cap, size_t need, size_t elem_size);

#define mb_vec_push(v, value)                                                                      \
  do {                                                                                             \
    mb_vec_grow((void **)&(v)->items, &(v)->cap, (v)->len + 1, sizeof(*(v)->items));               \
    (v)->items[(v)->len++] = (value);                                                              \
  } while (0)

/* Appends a zeroed element and returns a pointer to it. */
#define mb_vec_add(v)                                                                              \
  (mb_vec_grow((void **)&(v)->items, &(v)->cap, (v)->len + 1, sizeof(*(v)->items)),                \
   memset(&(v)->items[(v)->len], 0, sizeof(*(v)->items)), &(v)->items[(v)->len++])

#endif
