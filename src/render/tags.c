#include "tags.h"

#include "layout/para.h"
#include "util/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_CHAIN = 24 };

typedef struct step {
  const char *name;
  int key; /* unique per element */
  const char *lang, *alt;
} step;

typedef struct chain {
  step steps[MAX_CHAIN];
  int len;
} chain;

struct mb_tagger {
  chain *chains; /* by block id */
  int nblocks, next_key;
  chain open;
  MB_VEC(mb_struct_attr) attrs;
  mb_dest *by_block; /* by block id; a heading's has its slug (block ids go in document order) */
  MB_VEC(const mb_dest *) placed; /* the headings on the pages added so far, in page order */
  MB_VEC(const mb_dest *) internal;
  mb_arena *arena;
};

/* ---- chains ---- */

typedef struct walk {
  mb_tagger *t;
  const char *lang; /* the section's */
} walk;

static void push(chain *c, const char *name, int key, const char *lang, const char *alt) {
  if (c->len < MAX_CHAIN) c->steps[c->len++] = (step){name, key, lang, alt};
}

static const char *text_lang(const mb_text *text, const char *section_lang) {
  return mb_text_lang(text->str, text->len, section_lang);
}

static void walk_blocks(walk *w, const mb_blocks *blocks, chain base);
static void add_heading(mb_tagger *t, const mb_block *b);

static void assign(walk *w, const mb_block *b, chain c) {
  if (b->id >= 0 && b->id < w->t->nblocks) w->t->chains[b->id] = c;
}

static void walk_block(walk *w, const mb_block *b, chain base) {
  mb_tagger *t = w->t;
  chain c = base;
  static const char *const heads[] = {"H1", "H2", "H3", "H4", "H5", "H6"};
  switch (b->kind) {
  case MB_BLOCK_PARA:
  case MB_BLOCK_CODE: push(&c, "P", t->next_key++, text_lang(&b->u.text, w->lang), NULL); break;
  case MB_BLOCK_HEADING: {
    int level = b->u.heading.level < 1 ? 1 : b->u.heading.level > 6 ? 6 : b->u.heading.level;
    push(&c, heads[level - 1], t->next_key++, text_lang(&b->u.heading.text, w->lang), NULL);
    add_heading(t, b);
    break;
  }
  case MB_BLOCK_IMAGE: push(&c, "Figure", t->next_key++, NULL, b->u.image.alt); break;
  case MB_BLOCK_STATS: push(&c, "Div", t->next_key++, w->lang, NULL); break;
  case MB_BLOCK_QUOTE:
    push(&c, "BlockQuote", t->next_key++, NULL, NULL);
    assign(w, b, c);
    walk_blocks(w, &b->u.quote, c);
    return;
  case MB_BLOCK_LIST:
    push(&c, "L", t->next_key++, NULL, NULL);
    assign(w, b, c);
    for (size_t i = 0; i < b->u.list.nitems; i++) {
      chain item = c;
      push(&item, "LI", t->next_key++, NULL, NULL);
      push(&item, "LBody", t->next_key++, NULL, NULL);
      walk_blocks(w, &b->u.list.items[i], item);
    }
    return;
  case MB_BLOCK_PAGEBREAK: return;
  }
  assign(w, b, c);
}

static void walk_blocks(walk *w, const mb_blocks *blocks, chain base) {
  for (size_t i = 0; i < blocks->len; i++) walk_block(w, &blocks->items[i], base);
}

/* ---- destinations ---- */

/* A heading's anchor, as Markdown writers know them: lower case, spaces to hyphens, ASCII
 * punctuation dropped, other letters (Devanagari) kept. */
static const char *slug(mb_arena *a, const char *text) {
  size_t n = strlen(text), o = 0;
  char *s = mb_arena_alloc(a, n + 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c >= 0x80)
      s[o++] = (char)c;
    else if (isalnum(c))
      s[o++] = (char)tolower(c);
    else if (c == ' ' || c == '-')
      s[o++] = '-';
  }
  s[o] = '\0';
  return s;
}

/* A heading's destination, not placed yet (page 0). */
static void add_heading(mb_tagger *t, const mb_block *b) {
  if (b->id < 0 || b->id >= t->nblocks) return;
  mb_dest *d = &t->by_block[b->id];
  d->block = b->id;
  d->title = b->u.heading.text.str;
  d->level = b->u.heading.level;
  d->slug = slug(t->arena, d->title ? d->title : "");
}

void mb_tagger_add_page(mb_tagger *t, const mb_page *page) {
  for (size_t i = 0; i < page->nplaced; i++) {
    const mb_placed *pl = &page->placed[i];
    if (pl->block_kind != MB_BLOCK_HEADING || pl->block < 0 || pl->block >= t->nblocks ||
        !t->by_block[pl->block].slug)
      continue;
    mb_dest *d = &t->by_block[pl->block];
    if (d->page) continue; /* placed on an earlier page: its first line counts */
    d->page = page->number;
    d->x = mb_len_pt(pl->rect.x);
    d->y = mb_len_pt(pl->rect.y);
    mb_vec_push(&t->placed, d);
  }
}

/* ---- the tagger ---- */

mb_tagger *mb_tagger_new(const mb_doc *doc) {
  mb_tagger *t = mb_xcalloc(1, sizeof(mb_tagger));
  t->arena = mb_arena_new();
  t->nblocks = doc->nblocks;
  t->chains = mb_xcalloc((size_t)t->nblocks + 1, sizeof(chain));
  t->by_block = mb_xcalloc((size_t)t->nblocks + 1, sizeof(mb_dest));
  for (size_t s = 0; s < doc->nsections; s++) {
    const mb_section *sec = &doc->sections[s];
    walk w = {t, sec->meta.lang ? sec->meta.lang : doc->meta.lang};
    walk_blocks(&w, &sec->blocks, (chain){{{0}}, 0});
  }
  return t;
}

void mb_tagger_free(mb_tagger *t) {
  if (!t) return;
  free(t->chains);
  free(t->attrs.items);
  free(t->by_block);
  free(t->placed.items);
  free(t->internal.items);
  mb_arena_free(t->arena);
  free(t);
}

void mb_tagger_enter(mb_tagger *t, cairo_t *cr, int block) {
  chain none = {{{0}}, 0};
  const chain *want = block >= 0 && block < t->nblocks ? &t->chains[block] : &none;
  int keep = 0;
  while (keep < t->open.len && keep < want->len && t->open.steps[keep].key == want->steps[keep].key)
    keep++;
  while (t->open.len > keep) cairo_tag_end(cr, t->open.steps[--t->open.len].name);
  for (int i = keep; i < want->len; i++) {
    const step *s = &want->steps[i];
    cairo_tag_begin(cr, s->name, NULL);
    mb_struct_attr a = {s->lang, s->alt};
    mb_vec_push(&t->attrs, a);
    t->open.steps[t->open.len++] = *s;
  }
}

void mb_tagger_link(mb_tagger *t, cairo_t *cr, const char *attributes, const mb_dest *dest) {
  cairo_tag_begin(cr, CAIRO_TAG_LINK, attributes);
  cairo_tag_end(cr, CAIRO_TAG_LINK);
  mb_struct_attr a = {NULL, NULL};
  mb_vec_push(&t->attrs, a);
  if (dest) mb_vec_push(&t->internal, dest);
}

const mb_dest *const *mb_tagger_internal(const mb_tagger *t, size_t *n) {
  *n = t->internal.len;
  return t->internal.items;
}

const mb_struct_attr *mb_tagger_attrs(const mb_tagger *t, size_t *n) {
  *n = t->attrs.len;
  return t->attrs.items;
}

const mb_dest *const *mb_tagger_dests(const mb_tagger *t, size_t *n) {
  *n = t->placed.len;
  return t->placed.items;
}

const mb_dest *mb_tagger_find(const mb_tagger *t, const char *href) {
  if (!href || href[0] != '#') return NULL;
  const char *want = href + 1;
  for (size_t i = 0; i < t->placed.len; i++)
    if (strcmp(t->placed.items[i]->slug, want) == 0) return t->placed.items[i];
  for (int i = 0; i < t->nblocks; i++) {
    const mb_dest *d = &t->by_block[i];
    if (d->slug && !d->page && strcmp(d->slug, want) == 0) return d;
  }
  return NULL;
}

typedef struct link_check {
  const mb_tagger *t;
  mb_diags *diags;
} link_check;

static void check_text_links(const link_check *c, const mb_text *text, mb_pos pos) {
  for (uint32_t i = 0; i < text->nspans; i++) {
    const mb_span *s = &text->spans[i];
    if (!(s->flags & MB_SPAN_LINK) || !s->href || s->href[0] != '#') continue;
    const mb_dest *d = mb_tagger_find(c->t, s->href);
    if (d && d->page) continue;
    mb_warning(c->diags, mb_text_pos(text, s->start, pos),
               "link to '%s' goes nowhere: no heading has that anchor", s->href);
  }
}

static void check_block_links(mb_block *b, int depth, void *data) {
  (void)depth;
  const link_check *c = data;
  if (b->kind == MB_BLOCK_PARA || b->kind == MB_BLOCK_CODE) check_text_links(c, &b->u.text, b->pos);
  if (b->kind == MB_BLOCK_HEADING) check_text_links(c, &b->u.heading.text, b->pos);
}

void mb_tagger_check_links(const mb_tagger *t, const mb_doc *doc, mb_diags *diags) {
  link_check c = {t, diags};
  mb_doc_walk((mb_doc *)doc, check_block_links, &c);
}
