/* Total-fit line breaking (Knuth and Plass, "Breaking paragraphs into lines", 1981) over an
 * abstract list of boxes, glue and penalties. Pure: no text, no fonts; lengths in mb_len.
 *
 * Breaks are chosen together for the whole paragraph by minimum total demerits, with fitness
 * classes, extra demerits for two hyphenated lines in a row and for a hyphen on the
 * second-last line, at most max_hyphens hyphenated lines in a row, and a looseness of 0.
 * Three passes, as in TeX: without hyphenation at the pretolerance, with hyphenation at the
 * tolerance, then with emergency stretch. When nothing fits (a word wider than the measure),
 * the best breaks are taken anyway and the lines are marked overfull. */
#ifndef MB_LAYOUT_KP_H
#define MB_LAYOUT_KP_H

#include "util/units.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { KP_BOX, KP_GLUE, KP_PENALTY } kp_kind;

#define KP_INFINITY 10000         /* a penalty of this is forbidden; of minus this, forced */
#define KP_FILL_STRETCH (1 << 29) /* glue stretch that counts as infinite */

typedef struct kp_item {
  kp_kind kind;
  mb_len width, stretch, shrink;
  int penalty;
  bool flagged;     /* a hyphenation point */
  bool last_resort; /* a break only when the paragraph cannot be set otherwise */
  mb_len hang;      /* how far the line may run past the measure when it breaks here */
  uint32_t start;   /* where in the text (for the caller) */
} kp_item;

typedef struct kp_params {
  int tolerance, pretolerance;
  int line_penalty, double_hyphen_demerits, final_hyphen_demerits, adj_demerits;
  mb_len emergency_stretch;
  int max_hyphens;  /* hyphenated lines in a row */
  mb_len rag;       /* stretch at the end of every line: ragged setting (TeX's rightskip) */
  double max_ratio; /* lines looser than this only when nothing else will do; 0: no limit */
} kp_params;

/* TeX's values, and at most two hyphenated lines in a row. */
kp_params kp_default_params(mb_len measure);

typedef struct kp_line {
  size_t end;   /* index of the break item; the line holds the items before it */
  double ratio; /* adjustment ratio: glue stretched by ratio * stretch (or shrunk) */
  int fitness;
  bool hyphenated, overfull;
} kp_line;

/* The first item of the line after a break at brk: past the glue and penalties after it. */
size_t kp_line_start(const kp_item *items, size_t n, size_t brk);

/* Breaks items into lines: widths[k] is the measure of line k (the last value repeats; at
 * most 8 are used). max_hyphens is at most 7.
 * Returns the number of lines (at least one for a non-empty list); *lines is malloc'ed. The
 * list must end with a forced break. */
size_t kp_break(const kp_item *items, size_t n, const mb_len *widths, size_t nwidths,
                const kp_params *params, kp_line **lines);

/* kp_break in two halves. The first pass breaks at no hyphenation point (flagged penalty), so
 * it finds the same breaks whether the list has them or not: a caller may leave words
 * unhyphenated for it, and hyphenate them only when it finds nothing (returns 0). The later
 * passes are kp_break's others, on the list with hyphenation points. */
size_t kp_break_first_pass(const kp_item *items, size_t n, const mb_len *widths, size_t nwidths,
                           const kp_params *params, kp_line **lines);
size_t kp_break_later_passes(const kp_item *items, size_t n, const mb_len *widths, size_t nwidths,
                             const kp_params *params, kp_line **lines);

#endif
