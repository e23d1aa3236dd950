#include "kp.h"

#include "util/mem.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { VERY_LOOSE, LOOSE, DECENT, TIGHT };

/* Limits that bound the kinds of node kept at each break (see candidates). */
enum { MAX_WIDTHS = 8, MAX_HYPHENS = 7, MAX_CANDIDATES = MAX_WIDTHS * 4 * (MAX_HYPHENS + 1) };

typedef struct node {
  size_t pos;  /* the break item */
  size_t from; /* where the line after it starts (kp_line_start) */
  size_t line;
  int fitness, hyphens; /* hyphenated lines in a row ending here */
  double demerits, ratio;
  bool flagged, overfull;
  int prev; /* index of the previous node in the pool, -1 for the start */
} node;

typedef MB_VEC(node) node_vec;
typedef MB_VEC(int) int_vec;

/* Glue this stretchy counts as infinite (the fill at the end of a paragraph). */
#define KP_FILL KP_FILL_STRETCH

kp_params kp_default_params(mb_len measure) {
  kp_params p = {200, 100, 10, 10000, 5000, 10000, measure / 8, 2, 0, 0};
  return p;
}

/* Running sums, so that a line's width, stretch and shrink cost two subtractions. */
typedef struct sums {
  int64_t width, stretch, shrink;
} sums;

static sums *prefix_sums(const kp_item *items, size_t n) {
  sums *s = mb_xcalloc(n + 1, sizeof(sums));
  for (size_t i = 0; i < n; i++) {
    s[i + 1] = s[i];
    if (items[i].kind == KP_BOX || items[i].kind == KP_GLUE) s[i + 1].width += items[i].width;
    if (items[i].kind == KP_GLUE) {
      s[i + 1].stretch += items[i].stretch;
      s[i + 1].shrink += items[i].shrink;
    }
  }
  return s;
}

/* Where the line after a break starts: past the glue and penalties that follow it. */
size_t kp_line_start(const kp_item *items, size_t n, size_t brk) {
  size_t i = brk;
  if (i < n && items[i].kind != KP_BOX) i++;
  while (i < n && items[i].kind != KP_BOX &&
         !(items[i].kind == KP_PENALTY && items[i].penalty <= -KP_INFINITY))
    i++;
  return i;
}

static bool legal_break(const kp_item *items, size_t i) {
  if (items[i].kind == KP_PENALTY) return items[i].penalty < KP_INFINITY;
  return items[i].kind == KP_GLUE && i > 0 && items[i - 1].kind == KP_BOX;
}

/* TeX's badness, 100 |r|^3, capped at 10000 ("infinitely bad") unless uncapped: the last
 * passes compare very loose lines by how loose they are, so that slack is spread over a
 * paragraph's lines instead of piling up in one. */
static double badness(double r, bool uncapped) {
  if (r < -1) return INFINITY;
  if (r > 1000) r = 1000;
  double b = 100.0 * fabs(r) * fabs(r) * fabs(r);
  return b > 10000 && !uncapped ? 10000 : b;
}

static int fitness_of(double r) {
  if (r < -0.5) return TIGHT;
  if (r <= 0.5) return DECENT;
  if (r <= 1) return LOOSE;
  return VERY_LOOSE;
}

typedef struct pass {
  const kp_item *items;
  size_t n;
  const sums *s;
  const mb_len *widths;
  size_t nwidths;
  const kp_params *p;
  int tolerance;
  bool hyphenate, emergency, last_resort;
  int max_hyphens; /* params->max_hyphens, within MAX_HYPHENS */
  node_vec nodes;  /* every node made */
  int_vec active;  /* the nodes a line may still start from */
} pass;

static mb_len measure_of(const pass *ps, size_t line) {
  return ps->widths[line < ps->nwidths ? line : ps->nwidths - 1];
}

/* The adjustment ratio of a line from node a to break i. */
static double line_ratio(const pass *ps, const node *a, size_t i, bool *infinite) {
  size_t from = a->from;
  const kp_item *brk = &ps->items[i];
  int64_t width = ps->s[i].width - ps->s[from].width;
  int64_t stretch = ps->s[i].stretch - ps->s[from].stretch;
  int64_t shrink = ps->s[i].shrink - ps->s[from].shrink;
  if (brk->kind == KP_PENALTY) width += brk->width;
  int64_t target = measure_of(ps, a->line) + brk->hang;
  *infinite = stretch >= KP_FILL;
  stretch += ps->p->rag;
  if (ps->emergency) stretch += ps->p->emergency_stretch;
  if (width < target) return stretch > 0 ? (double)(target - width) / (double)stretch : 1e9;
  if (width > target) return shrink > 0 ? (double)(target - width) / (double)shrink : -1e9;
  return 0;
}

static double demerits_of(const pass *ps, const node *a, size_t i, double b) {
  const kp_item *brk = &ps->items[i];
  double d = ps->p->line_penalty + b;
  d = d * d;
  if (brk->kind == KP_PENALTY) {
    int pen = brk->penalty;
    if (pen > 0)
      d += (double)pen * pen;
    else if (pen > -KP_INFINITY)
      d -= (double)pen * pen;
  }
  bool flagged = brk->kind == KP_PENALTY && brk->flagged;
  if (flagged && a->flagged) d += ps->p->double_hyphen_demerits;
  bool final = brk->kind == KP_PENALTY && brk->penalty <= -KP_INFINITY;
  if (final && a->flagged) d += ps->p->final_hyphen_demerits;
  return d;
}

/* The best new node for each kind of line that may follow: nodes are kept apart by fitness
 * class, by the hyphenated lines in a row ending there, and by the measure of the next line
 * (the line number, while the measures still differ). */
typedef struct candidates {
  node best[MAX_CANDIDATES];
  int key[MAX_CANDIDATES];
  int n;
} candidates;

static void offer(candidates *c, int key, const node *nd) {
  for (int k = 0; k < c->n; k++)
    if (c->key[k] == key) {
      if (nd->demerits < c->best[k].demerits) c->best[k] = *nd;
      return;
    }
  if (c->n == MAX_CANDIDATES) return; /* cannot happen: keys are bounded by the limits */
  c->key[c->n] = key;
  c->best[c->n++] = *nd;
}

static int node_key(const pass *ps, const node *nd) {
  size_t line = nd->line < ps->nwidths - 1 ? nd->line : ps->nwidths - 1;
  return ((int)line * 4 + nd->fitness) * (MAX_HYPHENS + 1) + nd->hyphens;
}

/* Tries every active node against break i, then adds the best new nodes to the active list. */
static void try_break(pass *ps, size_t i) {
  const kp_item *brk = &ps->items[i];
  bool flagged = brk->kind == KP_PENALTY && brk->flagged;
  if (flagged && !ps->hyphenate) return;
  bool forced = brk->kind == KP_PENALTY && brk->penalty <= -KP_INFINITY;
  candidates c;
  c.n = 0;
  size_t keep = 0, from = kp_line_start(ps->items, ps->n, i);
  for (size_t k = 0; k < ps->active.len; k++) {
    int idx = ps->active.items[k];
    const node *a = &ps->nodes.items[idx];
    bool infinite;
    double r = line_ratio(ps, a, i, &infinite);
    if (infinite && r > 0) r = 0; /* a last line: its fill takes the slack */
    bool overfull = r < -1;
    if (!overfull && !forced) ps->active.items[keep++] = idx;
    double b = badness(r, ps->tolerance >= 10000);
    if (overfull && !ps->last_resort) continue;
    if (!overfull && b > ps->tolerance && ps->tolerance < 10000) continue;
    int hyph = flagged ? a->hyphens + 1 : 0;
    if (hyph > ps->max_hyphens) continue;
    double d = demerits_of(ps, a, i, overfull ? 1e6 : b) + a->demerits;
    int fit = overfull ? TIGHT : fitness_of(r);
    if (abs(fit - a->fitness) > 1 && !forced) d += ps->p->adj_demerits;
    if (overfull) d += 1e20; /* only when nothing else will do */
    if (ps->p->max_ratio > 0 && r > ps->p->max_ratio && !infinite) d += 1e13; /* nor this */
    node nd = {i, from, a->line + 1, fit, hyph, d, r, flagged, overfull, idx};
    offer(&c, node_key(ps, &nd), &nd);
  }
  ps->active.len = keep;
  for (int k = 0; k < c.n; k++) {
    mb_vec_push(&ps->nodes, c.best[k]);
    mb_vec_push(&ps->active, (int)ps->nodes.len - 1);
  }
}

static bool run_pass(pass *ps) {
  node start = {0, 0, 0, DECENT, 0, 0, 0, false, false, -1};
  ps->nodes.len = ps->active.len = 0;
  mb_vec_push(&ps->nodes, start);
  mb_vec_push(&ps->active, 0);
  for (size_t i = 0; i < ps->n; i++) {
    if (!legal_break(ps->items, i) || (ps->items[i].last_resort && !ps->last_resort)) continue;
    try_break(ps, i);
    if (!ps->active.len && i + 1 < ps->n) return false;
  }
  return true;
}

/* The best node at the final break. */
static int best_final(const pass *ps) {
  int best = -1;
  for (size_t k = 0; k < ps->nodes.len; k++) {
    const node *a = &ps->nodes.items[k];
    if (a->pos != ps->n - 1 || a->prev < 0) continue;
    if (best < 0 || a->demerits < ps->nodes.items[best].demerits) best = (int)k;
  }
  return best;
}

static size_t collect(const pass *ps, int last, kp_line **out) {
  size_t count = 0;
  for (int k = last; ps->nodes.items[k].prev >= 0; k = ps->nodes.items[k].prev) count++;
  kp_line *lines = mb_xcalloc(count ? count : 1, sizeof(kp_line));
  size_t i = count;
  for (int k = last; ps->nodes.items[k].prev >= 0; k = ps->nodes.items[k].prev) {
    const node *a = &ps->nodes.items[k];
    lines[--i] = (kp_line){a->pos, a->ratio, a->fitness, a->flagged, a->overfull};
  }
  *out = lines;
  return count;
}

/* As TeX: without hyphenation at the pretolerance, with it at the tolerance, then with
 * emergency stretch; then at any badness (the least bad lines still win), and last, with
 * overfull lines allowed. */
static const struct {
  int tolerance; /* -1: the pretolerance, -2: the tolerance */
  bool hyphenate, emergency, last_resort;
} PASSES[] = {{-1, false, false, false},
              {-2, true, false, false},
              {-2, true, true, false},
              {10000, true, false, false},
              {10000, true, true, true}};
enum { NPASSES = sizeof PASSES / sizeof PASSES[0] };

/* Passes [first, last) until one finds breaks. */
static size_t run_passes(const kp_item *items, size_t n, const mb_len *widths, size_t nwidths,
                         const kp_params *params, size_t first, size_t last, kp_line **lines) {
  *lines = NULL;
  if (n == 0 || nwidths == 0) return 0;
  if (nwidths > MAX_WIDTHS) nwidths = MAX_WIDTHS; /* later lines take the eighth measure */
  sums *s = prefix_sums(items, n);
  int max_hyphens = params->max_hyphens < MAX_HYPHENS ? params->max_hyphens : MAX_HYPHENS;
  pass ps = {items,
             n,
             s,
             widths,
             nwidths,
             params,
             0,
             false,
             false,
             false,
             max_hyphens < 0 ? 0 : max_hyphens,
             {0},
             {0}};
  size_t count = 0;
  for (size_t k = first; k < last && !count; k++) {
    if (PASSES[k].emergency && !PASSES[k].last_resort && params->emergency_stretch <= 0) continue;
    int t = PASSES[k].tolerance;
    ps.tolerance = t == -1 ? params->pretolerance : t == -2 ? params->tolerance : t;
    ps.hyphenate = PASSES[k].hyphenate;
    ps.emergency = PASSES[k].emergency;
    ps.last_resort = PASSES[k].last_resort;
    run_pass(&ps);
    int best = best_final(&ps);
    if (best >= 0) count = collect(&ps, best, lines);
  }
  free(ps.nodes.items);
  free(ps.active.items);
  free(s);
  return count;
}

size_t kp_break(const kp_item *items, size_t n, const mb_len *widths, size_t nwidths,
                const kp_params *params, kp_line **lines) {
  return run_passes(items, n, widths, nwidths, params, 0, NPASSES, lines);
}

size_t kp_break_first_pass(const kp_item *items, size_t n, const mb_len *widths, size_t nwidths,
                           const kp_params *params, kp_line **lines) {
  return run_passes(items, n, widths, nwidths, params, 0, 1, lines);
}

size_t kp_break_later_passes(const kp_item *items, size_t n, const mb_len *widths, size_t nwidths,
                             const kp_params *params, kp_line **lines) {
  return run_passes(items, n, widths, nwidths, params, 1, NPASSES, lines);
}
