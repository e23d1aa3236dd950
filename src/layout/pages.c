/* The page builder: stacks flow items into columns and pages. Columns are filled greedily at
 * legal breaks (an item's keep forbids a break after it); a run of items that fits the rest
 * of a page is balanced across the columns by searching for the lowest height that holds it;
 * full-width spans close the columns above them. */
#include "flow.h"

#include <stdlib.h>
#include <string.h>

typedef MB_VEC(mb_box) box_vec;
typedef MB_VEC(mb_page_frame) frame_vec;
typedef MB_VEC(mb_placed) placed_vec;

typedef struct page_draft {
  mb_page page;
  box_vec boxes;
  frame_vec frames;
  placed_vec placed;
  mb_page *final; /* the page in the book's arena, once committed */
} page_draft;

struct page_builder {
  lctx *c;
  MB_VEC(page_draft) pages;
  mb_len top;       /* where the body flow continues on the current page */
  bool fresh;       /* nothing flowed into the current page yet */
  bool too_long;    /* the page limit was reached */
  size_t committed; /* pages before this index are final */
  mb_page_furnisher furnish;
  const mb_page_sink *sink;
};

/* Past the page limit, flowing stops (once, with an error). */
static bool over_limit(page_builder *pb, const flow_item *it) {
  if (pb->pages.len <= MB_LAYOUT_MAX_PAGES) return false;
  if (!pb->too_long)
    mb_error(pb->c->diags, it->pos.file ? it->pos : mb_pos_file(pb->c->section->path),
             "the brochure runs past %d pages, the limit; this is where it stops",
             MB_LAYOUT_MAX_PAGES);
  pb->too_long = true;
  return true;
}

page_builder *mb_pages_new(lctx *c, mb_page_furnisher furnish, const mb_page_sink *sink) {
  page_builder *pb = mb_xcalloc(1, sizeof(page_builder));
  pb->c = c;
  pb->furnish = furnish;
  pb->sink = sink;
  return pb;
}

/* Furnishes the pages before index upto, moves them into the book's arena and hands them to
 * the sink: from here on they never change. */
static void commit(page_builder *pb, size_t upto) {
  mb_arena *a = pb->c->arena;
  while (pb->committed < upto) {
    size_t i = pb->committed;
    if (pb->furnish) pb->furnish(pb->c, pb, i);
    pb->committed++;
    page_draft *d = &pb->pages.items[i];
    mb_page *p = mb_arena_calloc(a, 1, sizeof(mb_page));
    *p = d->page;
    p->nboxes = d->boxes.len;
    p->boxes = mb_arena_memdup(a, d->boxes.items, d->boxes.len * sizeof(mb_box));
    p->nframes = d->frames.len;
    p->frames = mb_arena_memdup(a, d->frames.items, d->frames.len * sizeof(mb_page_frame));
    p->nplaced = d->placed.len;
    p->placed = mb_arena_memdup(a, d->placed.items, d->placed.len * sizeof(mb_placed));
    free(d->boxes.items);
    free(d->frames.items);
    free(d->placed.items);
    memset(&d->boxes, 0, sizeof d->boxes);
    memset(&d->frames, 0, sizeof d->frames);
    memset(&d->placed, 0, sizeof d->placed);
    d->final = p;
    if (pb->sink) pb->sink->page(pb->sink->data, p);
  }
}

static page_draft *current(page_builder *pb) {
  return &pb->pages.items[pb->pages.len - 1];
}

static const mb_template *template_of(const mb_layout *l, mb_template_kind kind) {
  return kind == MB_TEMPLATE_COVER ? &l->cover : kind == MB_TEMPLATE_BACK ? &l->back : &l->body;
}

/* Background blocks; an edge on the trim edge runs on through the bleed. */
static void add_fills(page_builder *pb, page_draft *d) {
  const mb_layout *l = pb->c->spec;
  const mb_template *t = template_of(l, d->page.template_kind);
  for (size_t i = 0; i < t->nfills; i++) {
    mb_rect r = t->fills[i].rect;
    if (r.x <= 1) r.x -= l->bleed, r.w += l->bleed;
    if (r.y <= 1) r.y -= l->bleed, r.h += l->bleed;
    if (r.x + r.w >= l->page_w - 1) r.w += l->bleed;
    if (r.y + r.h >= l->page_h - 1) r.h += l->bleed;
    mb_box b = {
        .kind = MB_BOX_FILL, .x = r.x, .y = r.y, .w = r.w, .h = r.h, .frame = -1, .block = -1};
    b.u.fill = t->fills[i].color;
    mb_vec_push(&d->boxes, b);
  }
}

int mb_pages_start(page_builder *pb, mb_template_kind kind, const char *section_head) {
  const mb_layout *l = pb->c->spec;
  page_draft *d = mb_vec_add(&pb->pages);
  d->page.number = (int)pb->pages.len;
  d->page.template_kind = kind;
  d->page.width = l->page_w;
  d->page.height = l->page_h;
  d->page.bleed = l->bleed;
  d->page.section = section_head;
  d->page.lang = pb->c->lang;
  pb->top = mb_layout_body_area(l, d->page.number).y;
  pb->fresh = true;
  add_fills(pb, d);
  commit(pb, pb->pages.len - 1); /* nothing flows back to an earlier page */
  return (int)pb->pages.len;
}

size_t mb_pages_count(const page_builder *pb) {
  return pb->pages.len;
}

const mb_page *mb_pages_get(const page_builder *pb, size_t i) {
  return &pb->pages.items[i].page;
}

void mb_pages_add_furniture(page_builder *pb, size_t i, const mb_box *box) {
  if (i < pb->committed) return; /* final already: cannot happen, by the furnisher's order */
  mb_box b = *box;
  b.frame = -1;
  mb_vec_push(&pb->pages.items[i].boxes, b);
}

static int add_frame(page_builder *pb, mb_pframe_kind kind, mb_rect r) {
  page_draft *d = current(pb);
  mb_page_frame f = {kind, r};
  mb_vec_push(&d->frames, f);
  return (int)d->frames.len - 1;
}

static void place_item(page_builder *pb, const flow_item *it, mb_len x, mb_len y, int frame) {
  page_draft *d = current(pb);
  for (size_t i = 0; i < it->nboxes; i++) {
    mb_box b = it->boxes[i];
    b.x += x;
    b.y += y;
    if (b.kind == MB_BOX_GLYPHS) b.u.glyphs.baseline += y;
    b.frame = frame;
    mb_vec_push(&d->boxes, b);
  }
  static const mb_item_kind kinds[] = {MB_ITEM_LINE, MB_ITEM_LINE, MB_ITEM_BLOCK, MB_ITEM_SPAN,
                                       MB_ITEM_BLOCK};
  mb_placed p = {kinds[it->kind],
                 it->block_kind,
                 it->block,
                 it->line,
                 it->nlines,
                 frame,
                 {x, y, pb->c->spec->page_w, it->height},
                 it->keep};
  p.rect.w = d->frames.items[frame].rect.w;
  mb_vec_push(&d->placed, p);
}

/* ---- filling columns ---- */

/* How far one column of height h takes items[i..end): the index after the last item placed
 * (leading spaces skipped), breaking only where keeps allow. The end itself is a legal break
 * only when end_ok (a kept heading before a band is not). With force, when no legal break
 * fits, it takes what fits (at least one item) so the flow always moves on. *full tells
 * whether an item before the end was too tall for what was left of the column: then the
 * items after it played no part. */
static size_t fill_column_full(const flow_item *it, size_t i, size_t end, mb_len h, bool force,
                               bool end_ok, mb_len *used, bool *full) {
  while (i < end && it[i].kind == FLOW_SPACE) i++;
  size_t best = i;
  mb_len y = 0, best_y = 0;
  *full = false;
  for (size_t k = i; k < end; k++) {
    if (y + it[k].height > h) {
      *full = true;
      break;
    }
    y += it[k].height;
    if (it[k].kind == FLOW_SPACE || !(!it[k].keep || (k + 1 == end && end_ok))) continue;
    if (k == i && it[k].kind == FLOW_LINE && k + 1 < end && it[k + 1].kind == FLOW_LINE &&
        it[k + 1].block == it[k].block && it[k].line > 0)
      continue; /* one middle line of a paragraph alone in a column */
    best = k + 1;
    best_y = y;
  }
  if (best == i && force && i < end) {
    y = 0;
    size_t k = i;
    while (k < end && (k == i || y + it[k].height <= h)) y += it[k++].height;
    best = k;
    best_y = y;
  }
  if (used) *used = best_y;
  return best;
}

static size_t fill_column(const flow_item *it, size_t i, size_t end, mb_len h, bool force,
                          bool end_ok, mb_len *used) {
  bool full;
  return fill_column_full(it, i, end, h, force, end_ok, used, &full);
}

static bool fits(const flow_item *it, size_t i, size_t end, int ncols, mb_len h) {
  for (int c = 0; c < ncols && i < end; c++) i = fill_column(it, i, end, h, false, true, NULL);
  while (i < end && it[i].kind == FLOW_SPACE) i++;
  return i >= end;
}

/* The lowest column height (within 1/4 pt) that holds items[i..end) in ncols columns. */
static mb_len balance(const flow_item *it, size_t i, size_t end, int ncols, mb_len hmax) {
  mb_len lo = 0, hi = hmax;
  while (hi - lo > MB_UNITS_PER_PT / 4) {
    mb_len mid = lo + (hi - lo) / 2;
    if (fits(it, i, end, ncols, mid))
      hi = mid;
    else
      lo = mid;
  }
  return hi;
}

/* Places items[i..end) into ncols columns of height h starting at (area.x, y); returns the
 * index of the first item not placed. end_ok: see fill_column. */
static size_t place_columns(page_builder *pb, const flow_item *it, size_t i, size_t end,
                            mb_rect area, int ncols, mb_len gutter, mb_len y, mb_len h, bool force,
                            bool end_ok, mb_len *used_max) {
  mb_len col_w = (area.w - (ncols - 1) * gutter) / ncols;
  *used_max = 0;
  for (int c = 0; c < ncols && i < end; c++) {
    mb_len used;
    size_t j = fill_column(it, i, end, h, force && c == 0, end_ok, &used);
    while (i < j && it[i].kind == FLOW_SPACE) i++;
    if (j <= i) break;
    mb_len x = area.x + c * (col_w + gutter);
    mb_rect r = {x, y, col_w, h};
    int frame = add_frame(pb, MB_PFRAME_COLUMN, r);
    mb_len yy = y;
    for (size_t k = i; k < j; k++) {
      place_item(pb, &it[k], x, yy, frame);
      yy += it[k].height;
    }
    if (used > *used_max) *used_max = used;
    i = j;
  }
  return i;
}

static void place_span(page_builder *pb, const flow_item *it, mb_rect area, mb_len y) {
  mb_rect r = {area.x, y, area.w, it->height};
  int frame = add_frame(pb, MB_PFRAME_SPAN, r);
  place_item(pb, it, area.x, y, frame);
}

/* Height of what must stay on the page with a span: the items kept with it. */
static mb_len keep_chain(const flow_item *it, size_t s, size_t end) {
  mb_len h = 0;
  if (!it[s].keep) return 0;
  for (size_t k = s + 1; k < end; k++) {
    if (it[k].kind == FLOW_SPAN || it[k].kind == FLOW_BREAK) break;
    h += it[k].height;
    if (!it[k].keep && it[k].kind != FLOW_SPACE) break;
  }
  return h;
}

static size_t next_span(const flow_item *it, size_t i, size_t end) {
  while (i < end && it[i].kind != FLOW_SPAN && it[i].kind != FLOW_BREAK) i++;
  return i;
}

/* ---- body flow ---- */

typedef struct region {
  mb_rect area;
  int ncols;
  mb_len gutter;
} region;

static region body_region(page_builder *pb) {
  const mb_layout *l = pb->c->spec;
  region r = {mb_layout_body_area(l, current(pb)->page.number), l->columns, l->gutter};
  return r;
}

static void new_body_page(page_builder *pb) {
  page_draft *d = current(pb);
  mb_pages_start(pb, MB_TEMPLATE_BODY, d->page.section);
}

/* Columns from i to the next span: balanced if they fit, else as much as fits. Returns the
 * next index; *page_full when the page is done. */
static size_t flow_columns(page_builder *pb, const flow_item *it, size_t i, size_t s, size_t n,
                           region r, bool *page_full) {
  mb_len bottom = r.area.y + r.area.h;
  mb_len avail = bottom - pb->top, used;
  *page_full = false;
  if (fits(it, i, s, r.ncols, avail)) {
    mb_len h = balance(it, i, s, r.ncols, avail);
    place_columns(pb, it, i, s, r.area, r.ncols, r.gutter, pb->top, h, false, true, &used);
    pb->top += used;
    pb->fresh = false;
    return s;
  }
  bool end_ok = s == n || it[s].kind == FLOW_BREAK;
  size_t j = place_columns(pb, it, i, s, r.area, r.ncols, r.gutter, pb->top, avail, pb->fresh,
                           end_ok, &used);
  *page_full = true;
  return j;
}

/* Start of the items at the end of [i, s) that are kept with what follows (a heading before
 * a band); s when there are none. */
static size_t kept_tail(const flow_item *it, size_t i, size_t s) {
  size_t t = s;
  while (t > i && it[t - 1].keep) t--;
  return t;
}

/* Would the span at s (with what it keeps) still fit on this page below items [i, s)? */
static bool span_fits_below(page_builder *pb, const flow_item *it, size_t i, size_t s, size_t n,
                            region r) {
  mb_len bottom = r.area.y + r.area.h, avail = bottom - pb->top;
  if (!fits(it, i, s, r.ncols, avail)) return true; /* the page fills up anyway */
  mb_len h = balance(it, i, s, r.ncols, avail);
  return pb->top + h + it[s].before + it[s].height + keep_chain(it, s, n) <= bottom;
}

static void place_span_item(page_builder *pb, const flow_item *it, size_t s, size_t n) {
  region r = body_region(pb);
  mb_len gap = pb->fresh ? 0 : it[s].before;
  mb_len need = gap + it[s].height + keep_chain(it, s, n);
  if (!pb->fresh && pb->top + need > r.area.y + r.area.h) {
    new_body_page(pb);
    r = body_region(pb);
    gap = 0;
  }
  place_span(pb, &it[s], r.area, pb->top + gap);
  pb->top += gap + it[s].height + it[s].after;
  pb->fresh = false;
}

/* ---- flowing while the items are still being made ---- */

/* Does every column of the page fill up before items[n], leaving more than spaces over (with
 * and without forcing the first column)? Then nothing after n can change how the page is
 * filled. */
static bool page_fills(const flow_item *it, size_t i, size_t n, int ncols, mb_len h, bool fresh) {
  for (int pass = 0; pass < (fresh ? 2 : 1); pass++) {
    size_t k = i;
    for (int c = 0; c < ncols; c++) {
      bool full;
      k = fill_column_full(it, k, n, h, pass == 1 && c == 0, true, NULL, &full);
      if (!full) return false;
    }
    while (k < n && it[k].kind == FLOW_SPACE) k++;
    if (k == n) return false;
  }
  return true;
}

/* Does the run of items kept with the span at s end before n? */
static bool keep_chain_known(const flow_item *it, size_t s, size_t n) {
  if (!it[s].keep) return true;
  for (size_t k = s + 1; k < n; k++)
    if (it[k].kind == FLOW_SPAN || it[k].kind == FLOW_BREAK ||
        (!it[k].keep && it[k].kind != FLOW_SPACE))
      return true;
  return false;
}

/* Would the next step of the flow at i be the same whatever items come after n? */
static bool settled(page_builder *pb, const flow_item *it, size_t i, size_t s, size_t n, region r) {
  if (s < n) return it[s].kind == FLOW_BREAK || keep_chain_known(it, s, n);
  return page_fills(it, i, n, r.ncols, r.area.y + r.area.h - pb->top, pb->fresh);
}

size_t mb_pages_flow_body(page_builder *pb, const flow *items, size_t i, bool final) {
  const flow_item *it = items->items;
  size_t n = items->len;
  while (i < n && !over_limit(pb, &it[i])) {
    region r = body_region(pb);
    if (it[i].kind == FLOW_BREAK) {
      if (!pb->fresh) new_body_page(pb);
      i++;
      continue;
    }
    size_t s = next_span(it, i, n);
    if (!final && !settled(pb, it, i, s, n, r)) return i;
    bool full = false;
    if (s > i && s < n && it[s].kind == FLOW_SPAN) {
      size_t t = kept_tail(it, i, s);
      /* The band will not fit below: what is kept with it goes to the next page too (unless
       * that is all there is and the page is new: then nothing would move on). */
      if (t < s && (t > i || !pb->fresh) && !span_fits_below(pb, it, i, s, n, r)) {
        size_t j = t > i ? flow_columns(pb, it, i, t, n, r, &full) : t;
        new_body_page(pb);
        i = full ? j : t;
        continue;
      }
    }
    if (s > i) {
      i = flow_columns(pb, it, i, s, n, r, &full);
      if (full) {
        new_body_page(pb);
        continue;
      }
    }
    if (s < n && it[s].kind == FLOW_SPAN) {
      place_span_item(pb, it, s, n);
      i = s + 1;
    }
  }
  return i;
}

/* ---- fixed areas ---- */

static void shift_from(page_builder *pb, size_t boxes, size_t frames, size_t placed, mb_len dy) {
  page_draft *d = current(pb);
  for (size_t i = boxes; i < d->boxes.len; i++) {
    d->boxes.items[i].y += dy;
    if (d->boxes.items[i].kind == MB_BOX_GLYPHS) d->boxes.items[i].u.glyphs.baseline += dy;
  }
  for (size_t i = frames; i < d->frames.len; i++) d->frames.items[i].rect.y += dy;
  for (size_t i = placed; i < d->placed.len; i++) d->placed.items[i].rect.y += dy;
}

size_t mb_pages_flow_area(page_builder *pb, const flow *items, mb_rect area, int ncols,
                          mb_len gutter, mb_valign valign) {
  const flow_item *it = items->items;
  size_t n = items->len, i = 0;
  page_draft *d = current(pb);
  size_t b0 = d->boxes.len, f0 = d->frames.len, p0 = d->placed.len;
  mb_len top = area.y, bottom = area.y + area.h;
  while (i < n) {
    if (it[i].kind == FLOW_BREAK) {
      i++;
      continue;
    }
    size_t s = next_span(it, i, n);
    if (s > i) {
      mb_len used;
      bool all = fits(it, i, s, ncols, bottom - top);
      mb_len h = all ? balance(it, i, s, ncols, bottom - top) : bottom - top;
      size_t j = place_columns(pb, it, i, s, area, ncols, gutter, top, h, top == area.y,
                               all || s == n || it[s].kind == FLOW_BREAK, &used);
      top += used;
      if (j < s) return j;
      i = s;
    }
    if (s < n && it[s].kind == FLOW_SPAN) {
      mb_len gap = top == area.y ? 0 : it[s].before;
      if (top + gap + it[s].height > bottom) return s;
      place_span(pb, &it[s], area, top + gap);
      top += gap + it[s].height + it[s].after;
      i = s + 1;
    }
  }
  mb_len spare = bottom - top;
  if (spare > 0 && valign != MB_VALIGN_TOP)
    shift_from(pb, b0, f0, p0, valign == MB_VALIGN_BOTTOM ? spare : spare / 2);
  return n;
}

/* ---- finishing ---- */

void mb_pages_pad(page_builder *pb, int multiple, bool keep_last) {
  if (multiple < 2) return;
  while (pb->pages.len % (size_t)multiple) {
    page_draft blank;
    memset(&blank, 0, sizeof blank);
    blank.page = current(pb)->page;
    blank.page.template_kind = MB_TEMPLATE_BODY;
    blank.page.blank = true;
    blank.page.section = NULL;
    blank.page.lang = NULL;
    mb_vec_push(&pb->pages, blank);
    if (keep_last) {
      size_t n = pb->pages.len;
      page_draft last = pb->pages.items[n - 2];
      pb->pages.items[n - 2] = pb->pages.items[n - 1];
      pb->pages.items[n - 1] = last;
    }
  }
  for (size_t i = 0; i < pb->pages.len; i++) pb->pages.items[i].page.number = (int)i + 1;
}

void mb_pages_finish(page_builder *pb, mb_book *book) {
  commit(pb, pb->pages.len);
  book->npages = pb->pages.len;
  book->pages = mb_arena_calloc(book->arena, pb->pages.len, sizeof(mb_page));
  for (size_t i = 0; i < pb->pages.len; i++) book->pages[i] = *pb->pages.items[i].final;
  free(pb->pages.items);
  free(pb);
}
