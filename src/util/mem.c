#include "mem.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t size) {
  fprintf(stderr, "mkbrochure: error: out of memory (allocating %zu bytes)\n", size);
  abort();
}

void *mb_xmalloc(size_t size) {
  void *p = malloc(size ? size : 1);
  if (!p) out_of_memory(size);
  return p;
}

void *mb_xcalloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) out_of_memory(count * size);
  return p;
}

void *mb_xrealloc(void *ptr, size_t size) {
  void *p = realloc(ptr, size ? size : 1);
  if (!p) out_of_memory(size);
  return p;
}

char *mb_xstrdup(const char *s) {
  return mb_xstrndup(s, strlen(s));
}

char *mb_xstrndup(const char *s, size_t len) {
  char *p = mb_xmalloc(len + 1);
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

void mb_vec_grow(void **items, size_t *cap, size_t need, size_t elem_size) {
  if (need <= *cap) return;
  size_t n = *cap ? *cap * 2 : 8;
  while (n < need) n *= 2;
  if (n > SIZE_MAX / elem_size) out_of_memory(SIZE_MAX);
  *items = mb_xrealloc(*items, n * elem_size);
  *cap = n;
}

enum { CHUNK_SIZE = 64 * 1024 };

typedef struct chunk {
  struct chunk *next;
  size_t size, used;
  alignas(max_align_t) unsigned char data[];
} chunk;

struct mb_arena {
  chunk *head;
  size_t total;
};

mb_arena *mb_arena_new(void) {
  return mb_xcalloc(1, sizeof(mb_arena));
}

void mb_arena_free(mb_arena *arena) {
  if (!arena) return;
  for (chunk *c = arena->head, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  free(arena);
}

static chunk *new_chunk(size_t size) {
  chunk *c = mb_xmalloc(sizeof(chunk) + size);
  c->next = NULL;
  c->size = size;
  c->used = 0;
  return c;
}

void *mb_arena_alloc(mb_arena *arena, size_t size) {
  const size_t align = alignof(max_align_t);
  size = (size + align - 1) & ~(align - 1);
  if (size == 0) size = align;
  chunk *c = arena->head;
  if (!c || c->size - c->used < size) {
    if (size > CHUNK_SIZE / 4) {
      /* Big blocks get a chunk of their own, behind the current one. */
      chunk *big = new_chunk(size);
      if (c) {
        big->next = c->next;
        c->next = big;
      } else {
        arena->head = big;
      }
      big->used = size;
      arena->total += size;
      memset(big->data, 0, size);
      return big->data;
    }
    c = new_chunk(CHUNK_SIZE);
    c->next = arena->head;
    arena->head = c;
  }
  void *p = c->data + c->used;
  c->used += size;
  arena->total += size;
  memset(p, 0, size);
  return p;
}

void *mb_arena_calloc(mb_arena *arena, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) out_of_memory(SIZE_MAX);
  return mb_arena_alloc(arena, count * size);
}

void *mb_arena_memdup(mb_arena *arena, const void *src, size_t size) {
  void *p = mb_arena_alloc(arena, size);
  if (size) memcpy(p, src, size);
  return p;
}

char *mb_arena_strndup(mb_arena *arena, const char *s, size_t len) {
  char *p = mb_arena_alloc(arena, len + 1);
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *mb_arena_strdup(mb_arena *arena, const char *s) {
  return mb_arena_strndup(arena, s, strlen(s));
}

size_t mb_arena_used(const mb_arena *arena) {
  return arena->total;
}
