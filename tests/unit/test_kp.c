/* Unit tests for the Knuth-Plass line breaker (src/layout/kp.c): one-line paragraphs, total
 * fit against first fit, adjustment ratios, forbidden and forced breaks, hyphenation, line
 * widths, overfull boxes, hanging punctuation, ragged setting and where lines start.
 *
 * Paragraphs are built by hand in points; the expected breaks and ratios in the comments are
 * worked out from the widths, with the measure 100pt unless said otherwise. */
#include "harness.h"

#include "layout/kp.h"
#include "util/units.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define CHECK_NEAR(a, b, eps) CHECK(fabs((double)(a) - (double)(b)) <= (eps))

#define MEASURE MB_PT(100)
#define MAX_ITEMS 512

/* ---- building paragraphs ---- */

/* The paragraph under test, and the lines kp_break made of it. */
static kp_item items[MAX_ITEMS];
static size_t nitems;
static kp_line *lines;
static size_t nlines;

static void clear(void) {
  nitems = 0;
}

/* Appends an item and returns its index. */
static size_t add(kp_item it) {
  if (nitems == MAX_ITEMS) {
    fprintf(stderr, "test_kp: too many items\n");
    exit(2);
  }
  items[nitems] = it;
  return nitems++;
}

static size_t box(double w) {
  return add((kp_item){.kind = KP_BOX, .width = MB_PT(w)});
}

static size_t glue(double w, double stretch, double shrink) {
  return add((kp_item){
      .kind = KP_GLUE, .width = MB_PT(w), .stretch = MB_PT(stretch), .shrink = MB_PT(shrink)});
}

static size_t penalty(double w, int p, bool flagged) {
  return add((kp_item){.kind = KP_PENALTY, .width = MB_PT(w), .penalty = p, .flagged = flagged});
}

/* A hyphenation point: TeX's \hyphenpenalty of 50, no hyphen width. */
static size_t hyphen(void) {
  return penalty(0, 50, true);
}

/* Glue of infinite stretch. */
static size_t fill(void) {
  return add((kp_item){.kind = KP_GLUE, .stretch = KP_FILL_STRETCH});
}

static size_t forced_break(void) {
  return penalty(0, -KP_INFINITY, false);
}

/* The standard paragraph end: fill glue and a forced break. Returns the break. */
static size_t finish(void) {
  fill();
  return forced_break();
}

/* Word glue of the hand-made paragraphs: 10pt, stretching 10pt, shrinking 4pt. */
static size_t space(void) {
  return glue(10, 10, 4);
}

/* ---- breaking ---- */

static void run(const kp_params *p, const mb_len *widths, size_t nwidths) {
  free(lines);
  lines = NULL;
  nlines = kp_break(items, nitems, widths, nwidths, p, &lines);
}

static kp_params default_params(void) {
  return kp_default_params(MEASURE);
}

/* Breaks at the measure with the given parameters. */
static void run_with(const kp_params *p) {
  mb_len measure = MEASURE;
  run(p, &measure, 1);
}

static void run_default(void) {
  kp_params p = default_params();
  run_with(&p);
}

/* ---- looking at the lines ---- */

static bool is_forced(size_t i) {
  return items[i].kind == KP_PENALTY && items[i].penalty <= -KP_INFINITY;
}

static bool is_legal_break(size_t i) {
  if (items[i].kind == KP_PENALTY) return items[i].penalty < KP_INFINITY;
  return items[i].kind == KP_GLUE && i > 0 && items[i - 1].kind == KP_BOX;
}

/* Where the line after a break starts, worked out here rather than with kp_line_start: the
 * first box after the break, or a forced break that makes an empty line. */
static size_t start_after(size_t brk) {
  size_t i = brk + 1;
  while (i < nitems && items[i].kind != KP_BOX && !is_forced(i)) i++;
  return i;
}

static size_t line_first(size_t k) {
  return k == 0 ? 0 : start_after(lines[k - 1].end);
}

static bool ends_at(size_t i) {
  for (size_t k = 0; k < nlines; k++)
    if (lines[k].end == i) return true;
  return false;
}

/* The line that holds item i, or nlines. */
static size_t line_of(size_t i) {
  for (size_t k = 0; k < nlines; k++)
    if (line_first(k) <= i && i < lines[k].end) return k;
  return nlines;
}

static int hyphenated_lines(void) {
  int count = 0;
  for (size_t k = 0; k < nlines; k++) count += lines[k].hyphenated;
  return count;
}

/* The most hyphenated lines in a row. */
static int hyphen_run(void) {
  int run = 0, longest = 0;
  for (size_t k = 0; k < nlines; k++) {
    run = lines[k].hyphenated ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

static void print_ends(void) {
  fprintf(stderr, "  lines end at");
  for (size_t k = 0; k < nlines; k++)
    fprintf(stderr, " %zu (r %.4f%s%s)", lines[k].end, lines[k].ratio,
            lines[k].hyphenated ? ", hyphen" : "", lines[k].overfull ? ", overfull" : "");
  fprintf(stderr, "\n");
}

/* Whether the lines end exactly at want[0..n-1]; prints the actual ends when not. */
static bool ends_are(const size_t *want, size_t n) {
  bool same = nlines == n;
  for (size_t k = 0; same && k < n; k++) same = lines[k].end == want[k];
  if (!same) print_ends();
  return same;
}

#define ENDS(...)                                                                                  \
  ends_are((const size_t[]){__VA_ARGS__}, sizeof((const size_t[]){__VA_ARGS__}) / sizeof(size_t))

/* What holds for any result: the last line ends at the paragraph's end, breaks go forward and
 * are legal, every forced break ends a line, and the hyphenated flag is the break's. */
static void check_lines(void) {
  CHECK(nlines > 0);
  if (nlines == 0) return;
  CHECK_INT(lines[nlines - 1].end, nitems - 1);
  for (size_t k = 0; k < nlines; k++) {
    size_t end = lines[k].end;
    CHECK(end < nitems);
    if (end >= nitems) return;
    CHECK(is_legal_break(end));
    if (k > 0) CHECK(end > lines[k - 1].end);
    CHECK(lines[k].hyphenated == (items[end].kind == KP_PENALTY && items[end].flagged));
  }
  for (size_t i = 0; i < nitems; i++)
    if (is_forced(i)) CHECK(ends_at(i));
}

/* The adjustment ratio of line k recomputed from its items: the glue (and the rag) stretched
 * or shrunk so that the line fills its measure plus the hang of its break. A line with
 * infinite stretch (the last) leaves its finite glue alone: ratio 0. */
static double ratio_of(size_t k, const kp_params *p, const mb_len *widths, size_t nwidths) {
  size_t end = lines[k].end;
  int64_t width = 0, stretch = 0, shrink = 0;
  for (size_t i = line_first(k); i < end; i++) {
    if (items[i].kind == KP_PENALTY) continue;
    width += items[i].width;
    if (items[i].kind == KP_GLUE) {
      stretch += items[i].stretch;
      shrink += items[i].shrink;
    }
  }
  if (items[end].kind == KP_PENALTY) width += items[end].width;
  int64_t target = (int64_t)widths[k < nwidths ? k : nwidths - 1] + items[end].hang;
  if (stretch >= KP_FILL_STRETCH && width <= target) return 0;
  stretch += p->rag;
  if (width < target) return stretch > 0 ? (double)(target - width) / (double)stretch : INFINITY;
  if (width > target) return shrink > 0 ? (double)(target - width) / (double)shrink : -INFINITY;
  return 0;
}

/* Every line's ratio is the recomputed one, no line is overfull, and no line but the last is
 * shrunk past its shrink. */
static void check_ratios(const kp_params *p, const mb_len *widths, size_t nwidths) {
  for (size_t k = 0; k < nlines; k++) {
    double want = ratio_of(k, p, widths, nwidths);
    CHECK_NEAR(lines[k].ratio, want, 1e-9);
    if (fabs(lines[k].ratio - want) > 1e-9)
      fprintf(stderr, "  line %zu: ratio %.12f, recomputed %.12f\n", k, lines[k].ratio, want);
    CHECK(!lines[k].overfull);
    if (k + 1 < nlines) CHECK(lines[k].ratio >= -1);
  }
}

static void check_ratios_at_measure(const kp_params *p) {
  mb_len measure = MEASURE;
  check_ratios(p, &measure, 1);
}

/* ---- one line ---- */

static void test_one_line(void) {
  clear();
  box(30);
  space();
  box(20);
  space();
  box(25);
  size_t end = finish();
  run_default();
  CHECK_INT(nlines, 1);
  CHECK(ENDS(end));
  check_lines();
  CHECK_NEAR(lines[0].ratio, 0, 1e-12);
  CHECK(!lines[0].hyphenated);
  CHECK(!lines[0].overfull);
}

static void test_empty_list(void) {
  kp_params p = default_params();
  mb_len measure = MEASURE;
  kp_line *out = (kp_line *)&p; /* anything but NULL */
  CHECK_INT(kp_break(items, 0, &measure, 1, &p, &out), 0);
  CHECK(out == NULL);
}

/* ---- total fit ---- */

/* Words 40 20 10 10 20 40 30 with 10pt spaces (stretch 10, shrink 4). First fit squeezes
 * four words into the first line (110pt over 3 spaces: ratio -10/12) and leaves two for the
 * second (70pt over 1 space: ratio 3, badness 2700). Total fit sets three and three: 90pt
 * over 2 spaces, ratio 0.5 on both lines. */
static void test_total_fit(void) {
  clear();
  box(40);
  space();
  box(20);
  space();
  box(10);
  size_t balanced = space();
  box(10);
  size_t greedy = space();
  box(20);
  space();
  box(40);
  size_t second = space();
  box(30);
  size_t end = finish();
  run_default();
  check_lines();
  CHECK(ENDS(balanced, second, end));
  CHECK(!ends_at(greedy));
  for (size_t k = 0; k < nlines; k++) CHECK(fabs(lines[k].ratio) <= 0.5 + 1e-9);
  if (nlines == 3) {
    CHECK_NEAR(lines[0].ratio, 0.5, 1e-9);
    CHECK_NEAR(lines[1].ratio, 0.5, 1e-9);
    CHECK_NEAR(lines[2].ratio, 0, 1e-9);
  }
  kp_params p = default_params();
  check_ratios_at_measure(&p);
}

/* ---- ratios ---- */

static uint32_t seed;

static int next_int(int lo, int hi) {
  seed = seed * 1103515245u + 12345u;
  return lo + (int)((seed >> 16) % (uint32_t)(hi - lo + 1));
}

/* A paragraph of random words of one to three syllables, with hyphenation points that add a
 * 3pt hyphen, and TeX-like spaces (4pt, stretch 2, shrink 1.5). */
static void random_paragraph(uint32_t s, int words) {
  seed = s;
  clear();
  for (int w = 0; w < words; w++) {
    if (w > 0) glue(4, 3, 1.5);
    int syllables = next_int(1, 3);
    for (int k = 0; k < syllables; k++) {
      if (k > 0) penalty(3, 50, true);
      box(next_int(6, 18));
    }
  }
  finish();
}

/* Every ratio kp_break reports is the one recomputed from the items, and never past the
 * shrink. No emergency stretch, so no pass adds stretch of its own. */
static void test_ratios_random(void) {
  mb_len widths[2] = {MB_PT(130), MB_PT(160)};
  kp_params p = kp_default_params(widths[1]);
  p.emergency_stretch = 0;
  int many_lines = 0, hyphens = 0;
  for (uint32_t s = 1; s <= 40; s++) {
    random_paragraph(s, 60);
    run(&p, widths, 2);
    check_lines();
    check_ratios(&p, widths, 2);
    many_lines += nlines >= 8;
    hyphens += hyphenated_lines();
  }
  CHECK_INT(many_lines, 40);
  CHECK(hyphens > 0); /* the hyphen widths were exercised */
}

/* A shrunk line: "45 50" is 105pt over a space that shrinks 10pt, ratio -0.5; "45" alone has
 * no glue to stretch. */
static void test_ratio_shrunk(void) {
  clear();
  box(45);
  glue(10, 10, 10);
  box(50);
  size_t brk = glue(10, 10, 10);
  box(30);
  size_t end = finish();
  run_default();
  check_lines();
  CHECK(ENDS(brk, end));
  if (nlines == 2) CHECK_NEAR(lines[0].ratio, -0.5, 1e-9);
  kp_params p = default_params();
  check_ratios_at_measure(&p);
}

/* Words 33 33 25 30 with spaces of stretch 20 and shrink 5. "33 33 25" is 111pt: shrunk by
 * 11pt over 10pt of shrink, ratio -1.1, which would cost less than the alternative "33 33"
 * (76pt, ratio 1.2) if lines could shrink past their shrink. They cannot. */
static void test_shrink_limit(void) {
  clear();
  box(33);
  glue(10, 20, 5);
  box(33);
  size_t loose = glue(10, 20, 5);
  box(25);
  size_t tight = glue(10, 20, 5);
  box(30);
  size_t end = finish();
  run_default();
  check_lines();
  CHECK(!ends_at(tight));
  CHECK(ENDS(loose, end));
  if (nlines == 2) CHECK_NEAR(lines[0].ratio, 1.2, 1e-9);
  kp_params p = default_params();
  check_ratios_at_measure(&p);
}

/* ---- forbidden breaks ---- */

/* Words 20 20 "40-20" 30 with spaces of stretch 20: the break inside the third word makes a
 * perfect first line (20 + 10 + 20 + 10 + 40 = 100pt). pen is that break's penalty. Returns
 * the index of the penalty; *loose is the space after the second word. */
static size_t word_break_paragraph(int pen, size_t *loose) {
  clear();
  box(20);
  glue(10, 20, 4);
  box(20);
  *loose = glue(10, 20, 4);
  box(40);
  size_t brk = penalty(0, pen, false);
  box(20);
  glue(10, 20, 4);
  box(30);
  finish();
  return brk;
}

static void test_infinite_penalty_not_chosen(void) {
  size_t loose;
  size_t brk = word_break_paragraph(0, &loose);
  run_default();
  CHECK(ENDS(brk, nitems - 1)); /* the control: a penalty of 0 is taken */
  brk = word_break_paragraph(KP_INFINITY, &loose);
  run_default();
  check_lines();
  CHECK(!ends_at(brk));
  CHECK(ENDS(loose, nitems - 1)); /* the only other way: a first line of ratio 2.5 */
}

/* Words 20 20 40 20 30 with a tie (a penalty of KP_INFINITY) before the space after the 40:
 * without the tie that space is the perfect break. With it, the first line can only be
 * "20 20" (ratio 2.5), and "40 20 30" (110pt, 8pt of shrink) is too long for one line. */
static size_t tie_paragraph(bool tie, size_t *loose) {
  clear();
  box(20);
  glue(10, 20, 4);
  box(20);
  *loose = glue(10, 20, 4);
  box(40);
  if (tie) penalty(0, KP_INFINITY, false);
  size_t brk = glue(10, 20, 4);
  box(20);
  glue(10, 20, 4);
  box(30);
  finish();
  return brk;
}

static void test_glue_after_infinite_penalty(void) {
  size_t loose;
  size_t brk = tie_paragraph(false, &loose);
  run_default();
  CHECK(ENDS(brk, nitems - 1));
  brk = tie_paragraph(true, &loose);
  run_default();
  check_lines();
  CHECK(!ends_at(brk));
  CHECK(!ends_at(brk - 1));
  CHECK(ENDS(loose, brk + 2, nitems - 1));
}

/* ---- forced breaks ---- */

/* Two short lines ended by a line break (fill glue and a forced break), then a long line. */
static void test_forced_breaks(void) {
  clear();
  box(20);
  space();
  box(20);
  fill();
  size_t first = forced_break();
  box(10);
  fill();
  size_t second = forced_break();
  for (int k = 0; k < 6; k++) {
    box(30);
    space();
  }
  box(30);
  size_t end = finish();
  run_default();
  check_lines();
  CHECK(ends_at(first));
  CHECK(ends_at(second));
  CHECK(nlines >= 4);
  if (nlines >= 2) {
    CHECK_INT(lines[0].end, first);
    CHECK_INT(lines[1].end, second);
    CHECK_INT(lines[nlines - 1].end, end);
  }
  kp_params p = default_params();
  check_ratios_at_measure(&p);
}

/* A forced break with no fill before it, where a line would much rather go on: the line still
 * ends there, stretched as far as it must be. */
static void test_forced_break_without_fill(void) {
  clear();
  box(30);
  glue(10, 30, 4);
  box(30);
  size_t forced = forced_break();
  box(20);
  space();
  box(20);
  finish();
  run_default();
  check_lines();
  CHECK(ENDS(forced, nitems - 1));
  if (nlines == 2) CHECK_NEAR(lines[0].ratio, 1.0, 1e-9); /* 70pt, 30pt short, stretch 30 */
}

/* ---- hyphenation ---- */

/* Words 35 35 "10-30" 30 with spaces of stretch 20 and shrink 5. Without hyphens the first
 * line is 35 + 10 + 35 = 80pt: ratio 1, badness 100, within the pretolerance. The hyphen
 * would make it perfect (100pt) but is not needed. Returns the hyphen; *space is the space
 * after the second word. */
static size_t hyphen_not_needed_paragraph(size_t *space) {
  clear();
  box(35);
  glue(10, 20, 5);
  box(35);
  *space = glue(10, 20, 5);
  box(10);
  size_t h = hyphen();
  box(30);
  glue(10, 20, 5);
  box(30);
  finish();
  return h;
}

static void test_hyphen_not_needed(void) {
  size_t space;
  size_t h = hyphen_not_needed_paragraph(&space);
  run_default();
  check_lines();
  CHECK_INT(hyphenated_lines(), 0);
  CHECK(ENDS(space, nitems - 1));
  if (nlines == 2) CHECK_NEAR(lines[0].ratio, 1.0, 1e-9);
  /* The control: straight to the hyphenating pass (TeX's \pretolerance=-1), the hyphen wins
   * (demerits 10^2 + 50^2 + 5000 against 110^2). */
  kp_params p = default_params();
  p.pretolerance = -1;
  run_with(&p);
  check_lines();
  CHECK(ENDS(h, nitems - 1));
}

/* The first pass breaks at no hyphenation point: on the paragraph without its hyphen it finds
 * the same lines (the same widths: the split word's boxes add up), and kp_break's. */
static void test_first_pass_without_hyphens(void) {
  size_t space;
  hyphen_not_needed_paragraph(&space);
  kp_params p = default_params();
  mb_len measure = MEASURE;
  kp_line *with, *all, *without;
  size_t n_with = kp_break_first_pass(items, nitems, &measure, 1, &p, &with);
  size_t n_all = kp_break(items, nitems, &measure, 1, &p, &all);
  clear(); /* the same words, "10" and "30" as one word of 40 */
  box(35);
  glue(10, 20, 5);
  box(35);
  size_t space2 = glue(10, 20, 5);
  box(40);
  glue(10, 20, 5);
  box(30);
  finish();
  size_t n_without = kp_break_first_pass(items, nitems, &measure, 1, &p, &without);
  CHECK_INT(n_with, 2);
  CHECK_INT(n_all, 2);
  CHECK_INT(n_without, 2);
  if (n_with == 2 && n_all == 2 && n_without == 2) {
    CHECK_INT(with[0].end, space);
    CHECK_INT(all[0].end, space);
    CHECK_INT(without[0].end, space2);
    for (int k = 0; k < 2; k++) {
      CHECK_NEAR(with[k].ratio, without[k].ratio, 1e-12);
      CHECK_NEAR(with[k].ratio, all[k].ratio, 1e-12);
      CHECK(!with[k].hyphenated && !without[k].hyphenated);
    }
  }
  free(with);
  free(all);
  free(without);
}

/* Words 20 20 "40-30" 30: the only first line within the tolerance ends at the hyphen
 * (20 + 10 + 20 + 10 + 40 = 100pt); without it the first line is 50pt (ratio 2.5) or 130pt
 * (overfull). Returns the hyphen. */
static size_t hyphen_needed_paragraph(void) {
  clear();
  box(20);
  glue(10, 20, 5);
  box(20);
  glue(10, 20, 5);
  box(40);
  size_t h = hyphen();
  box(30);
  glue(10, 20, 5);
  box(30);
  finish();
  return h;
}

/* When the first pass finds nothing, it says so, and the later passes give kp_break's lines. */
static void test_later_passes(void) {
  size_t h = hyphen_needed_paragraph();
  kp_params p = default_params();
  mb_len measure = MEASURE;
  kp_line *first, *later, *all;
  CHECK_INT(kp_break_first_pass(items, nitems, &measure, 1, &p, &first), 0);
  size_t n_later = kp_break_later_passes(items, nitems, &measure, 1, &p, &later);
  size_t n_all = kp_break(items, nitems, &measure, 1, &p, &all);
  CHECK_INT(n_later, n_all);
  CHECK(n_later > 0 && later[0].end == h && later[0].hyphenated);
  for (size_t k = 0; k < n_later && k < n_all; k++) {
    CHECK_INT(later[k].end, all[k].end);
    CHECK_NEAR(later[k].ratio, all[k].ratio, 1e-12);
  }
  free(first);
  free(later);
  free(all);
}

static void test_hyphen_when_needed(void) {
  size_t h = hyphen_needed_paragraph();
  run_default();
  check_lines();
  CHECK(ENDS(h, nitems - 1));
  CHECK(nlines > 0 && lines[0].hyphenated);
  if (nlines == 2) CHECK_NEAR(lines[0].ratio, 0, 1e-9);
  kp_params p = default_params();
  check_ratios_at_measure(&p);
}

/* A paragraph where hyphenating every line is best: a 40pt word, then six times a 30pt word
 * and a word "10-40", with spaces of stretch 20 and shrink 5. Each line "40 30 10-" is exactly
 * 100pt; the lines that avoid the hyphen ("40 30": ratio 1, or "1040 30": ratio 0.5) cost
 * more. Hyphens are free here (penalty 0, no double-hyphen demerits). */
static void hyphen_every_line_paragraph(void) {
  clear();
  box(40);
  for (int k = 0; k < 6; k++) {
    glue(10, 20, 5);
    box(30);
    glue(10, 20, 5);
    box(10);
    penalty(0, 0, true);
    box(40);
  }
  finish();
}

static void run_max_hyphens(int max) {
  kp_params p = default_params();
  p.pretolerance = -1; /* straight to the hyphenating pass */
  p.double_hyphen_demerits = 0;
  p.max_hyphens = max;
  hyphen_every_line_paragraph();
  run_with(&p);
  check_lines();
  check_ratios_at_measure(&p);
}

static void test_max_hyphens(void) {
  run_max_hyphens(10); /* the control: all six lines before the last are hyphenated */
  CHECK_INT(hyphen_run(), 6);
  CHECK_INT(nlines, 7);
  run_max_hyphens(2);
  CHECK(hyphen_run() <= 2);
  CHECK(hyphenated_lines() >= 2);
  run_max_hyphens(1);
  CHECK(hyphen_run() <= 1);
  CHECK(hyphenated_lines() >= 1);
  run_max_hyphens(0);
  CHECK_INT(hyphenated_lines(), 0);
}

/* Four lines, the first of which needs a hyphen ("20 20 40-", as above), so that hyphens are
 * tried. The second may end at a hyphen too, "30 44 6-" exactly 100pt (demerits 10^2 + 50^2
 * = 2600, then "30 17 17" at ratio 0.4: 269), or at the space before it, "30 44" (84pt, ratio
 * 0.8: 3745, then "36 17 17" at ratio 0.25: 134). Two hyphens in a row cost 10000 more.
 * Returns the second hyphen; ends[0] is the first line's end, ends[1] the alternative and
 * ends[2] the third line's end. */
static size_t double_hyphen_paragraph(size_t ends[3]) {
  clear();
  box(20);
  glue(10, 20, 5);
  box(20);
  glue(10, 20, 5);
  box(40);
  ends[0] = hyphen();
  box(30);
  glue(10, 20, 5);
  box(44);
  ends[1] = glue(10, 20, 5);
  box(6);
  size_t h = hyphen();
  box(30);
  glue(10, 20, 5);
  box(17);
  glue(10, 20, 5);
  box(17);
  ends[2] = glue(10, 20, 5);
  box(30);
  finish();
  return h;
}

static void test_double_hyphen(void) {
  size_t ends[3];
  size_t h = double_hyphen_paragraph(ends);
  run_default();
  check_lines();
  CHECK(ENDS(ends[0], ends[1], ends[2], nitems - 1));
  CHECK_INT(hyphen_run(), 1);
  kp_params p = default_params();
  check_ratios_at_measure(&p);
  /* The control: without double-hyphen demerits the second hyphen wins. */
  p.double_hyphen_demerits = 0;
  run_with(&p);
  check_lines();
  CHECK(ENDS(ends[0], h, ends[2], nitems - 1));
  CHECK_INT(hyphen_run(), 2);
}

/* Four lines, the first of which needs a hyphen ("20 20 40-", as above), so that hyphens are
 * tried. The second is "30 25 25", exactly 100pt. The third may end at a hyphen, "40 34 6-"
 * exactly 100pt (demerits 10^2 + 50^2 = 2600), or at the space before it, "40 34" (84pt,
 * ratio 0.8, demerits (10 + 51.2)^2 = 3745). The hyphen is cheaper, but it would be on the
 * second-last line: 5000 more. Returns that hyphen; ends[0..1] are the ends of the first two
 * lines and ends[2] the alternative. */
static size_t final_hyphen_paragraph(size_t ends[3]) {
  clear();
  box(20);
  glue(10, 20, 5);
  box(20);
  glue(10, 20, 5);
  box(40);
  ends[0] = hyphen();
  box(30);
  glue(10, 20, 5);
  box(25);
  glue(10, 20, 5);
  box(25);
  ends[1] = glue(10, 20, 5);
  box(40);
  glue(10, 20, 5);
  box(34);
  ends[2] = glue(10, 20, 5);
  box(6);
  size_t h = hyphen();
  box(30);
  finish();
  return h;
}

static void test_final_hyphen(void) {
  size_t ends[3];
  size_t h = final_hyphen_paragraph(ends);
  run_default();
  check_lines();
  CHECK(ENDS(ends[0], ends[1], ends[2], nitems - 1));
  CHECK(nlines >= 2 && !lines[nlines - 2].hyphenated);
  /* The control: without final-hyphen demerits the hyphen wins. */
  kp_params p = default_params();
  p.final_hyphen_demerits = 0;
  run_with(&p);
  check_lines();
  CHECK(ENDS(ends[0], ends[1], h, nitems - 1));
  check_ratios_at_measure(&p);
}

/* ---- line widths ---- */

/* The space after word n (from 1) of nine_words. */
static size_t space_after(size_t word) {
  return 2 * word - 1;
}

/* Nine 25pt words with spaces of stretch 10 and shrink 4. At 100pt, three words a line
 * (95pt, ratio 0.25). With a first line of 60pt, two words fit it exactly, then three a line:
 * the second width repeats. */
static void nine_words(void) {
  clear();
  for (int k = 0; k < 9; k++) {
    if (k > 0) space();
    box(25);
  }
  finish();
}

static void test_first_line_width(void) {
  nine_words();
  run_default();
  check_lines();
  CHECK(ENDS(space_after(3), space_after(6), nitems - 1));
  mb_len widths[2] = {MB_PT(60), MB_PT(100)};
  kp_params p = default_params();
  run(&p, widths, 2);
  check_lines();
  CHECK(ENDS(space_after(2), space_after(5), space_after(8), nitems - 1));
  if (nlines == 4) {
    CHECK_NEAR(lines[0].ratio, 0, 1e-9);
    CHECK_NEAR(lines[1].ratio, 0.25, 1e-9);
    CHECK_NEAR(lines[2].ratio, 0.25, 1e-9);
  }
  check_ratios(&p, widths, 2);
}

/* Three measures: the route that makes the 5pt second line fit must survive next to a cheaper
 * route of another line number (nodes are kept apart by the next line's measure). */
static void test_three_widths(void) {
  clear();
  box(40);
  glue(10, 30, 3);
  box(35);
  glue(10, 30, 3);
  box(5);
  glue(10, 30, 3);
  box(90);
  finish();
  mb_len widths[3] = {MB_PT(100), MB_PT(5), MB_PT(100)};
  kp_params p = default_params();
  run(&p, widths, 3);
  check_lines();
  CHECK(ENDS(3, 5, nitems - 1));
  for (size_t k = 0; k < nlines; k++) CHECK(!lines[k].overfull);
}

/* max_hyphens above 2: each count of hyphenated lines in a row has its own node, so the
 * cheap three-hyphen route does not hide the two-hyphen one that can take a fourth. */
static void test_three_hyphens(void) {
  clear();
  box(40);
  glue(10, 30, 5);
  box(38);
  glue(10, 30, 5);
  box(2);
  hyphen();
  for (int i = 0; i < 3; i++) {
    box(45);
    glue(10, 30, 5);
    box(45);
    hyphen();
  }
  box(30);
  finish();
  kp_params p = default_params();
  p.max_hyphens = 3;
  p.double_hyphen_demerits = 0;
  run_with(&p);
  check_lines();
  CHECK(ENDS(3, 9, 13, 17, nitems - 1));
  CHECK(hyphen_run() <= 3);
  for (size_t k = 0; k + 1 < nlines; k++) CHECK(fabs(lines[k].ratio) <= 0.5);
}

/* ---- overfull lines ---- */

static void test_overfull_box(void) {
  clear();
  box(20);
  space();
  size_t wide = box(150);
  space();
  box(20);
  space();
  box(30);
  finish();
  run_default();
  check_lines();
  CHECK(nlines >= 1);
  size_t k = line_of(wide);
  CHECK(k < nlines);
  if (k < nlines) {
    CHECK(lines[k].overfull);
    CHECK(lines[k].ratio < -1);
  }
  for (size_t j = 0; j < nlines; j++)
    if (j != k) CHECK(!lines[j].overfull);
}

/* ---- hanging punctuation ---- */

/* Words 35 35 15 30 30 with spaces of stretch 20 and shrink 2. The first line "35 35 15" is
 * 105pt: 5pt too long for 4pt of shrink, overfull, unless its break lets it hang 6pt into the
 * margin (ratio 1/40). The alternative is "35 35", 80pt, ratio 1 (badness 100). */
static size_t hang_paragraph(double hang, size_t *loose) {
  clear();
  box(35);
  glue(10, 20, 2);
  box(35);
  *loose = glue(10, 20, 2);
  box(15);
  size_t brk = glue(10, 20, 2);
  items[brk].hang = MB_PT(hang);
  box(30);
  glue(10, 20, 2);
  box(30);
  finish();
  return brk;
}

static void test_hang(void) {
  size_t loose;
  size_t brk = hang_paragraph(6, &loose);
  run_default();
  check_lines();
  CHECK(ENDS(brk, nitems - 1));
  if (nlines == 2) {
    CHECK_NEAR(lines[0].ratio, 1.0 / 40, 1e-9);
    CHECK(!lines[0].overfull);
  }
  kp_params p = default_params();
  check_ratios_at_measure(&p);
  /* The control: without the hang, the looser line. */
  hang_paragraph(0, &loose);
  run_default();
  check_lines();
  CHECK(ENDS(loose, nitems - 1));
  if (nlines == 2) CHECK_NEAR(lines[0].ratio, 1.0, 1e-9);
}

/* ---- ragged setting ---- */

/* Random words with rigid spaces: only the rag can stretch a line. */
static void rigid_paragraph(uint32_t s, int words) {
  seed = s;
  clear();
  for (int w = 0; w < words; w++) {
    if (w > 0) glue(4, 0, 0);
    box(next_int(8, 40));
  }
  finish();
}

static mb_len natural_width(size_t k) {
  mb_len w = 0;
  for (size_t i = line_first(k); i < lines[k].end; i++)
    if (items[i].kind != KP_PENALTY) w += items[i].width;
  return w;
}

static void test_rag(void) {
  kp_params p = default_params();
  p.rag = MEASURE / 3;
  p.emergency_stretch = 0;
  for (uint32_t s = 1; s <= 20; s++) {
    rigid_paragraph(s, 40);
    run_with(&p);
    check_lines();
    CHECK(nlines >= 5);
    check_ratios_at_measure(&p);
    for (size_t k = 0; k < nlines; k++) {
      CHECK(natural_width(k) <= MEASURE);
      CHECK(lines[k].ratio >= 0);
      if (k + 1 < nlines) CHECK(lines[k].ratio <= cbrt(p.tolerance / 100.0));
    }
  }
}

/* ---- line starts ---- */

static void test_line_start(void) {
  clear();
  box(10);              /* 0 */
  glue(5, 1, 1);        /* 1 */
  penalty(0, 0, false); /* 2 */
  glue(5, 1, 1);        /* 3 */
  box(10);              /* 4 */
  glue(5, 1, 1);        /* 5 */
  forced_break();       /* 6 */
  fill();               /* 7 */
  forced_break();       /* 8 */
  box(10);              /* 9 */
  hyphen();             /* 10 */
  box(10);              /* 11 */
  glue(5, 1, 1);        /* 12 */
  penalty(0, 0, false); /* 13 */
  CHECK_INT(kp_line_start(items, nitems, 1), 4);
  CHECK_INT(kp_line_start(items, nitems, 2), 4);
  CHECK_INT(kp_line_start(items, nitems, 3), 4);
  CHECK_INT(kp_line_start(items, nitems, 5), 6); /* a forced break is an empty line */
  CHECK_INT(kp_line_start(items, nitems, 6), 8);
  CHECK_INT(kp_line_start(items, nitems, 8), 9);
  CHECK_INT(kp_line_start(items, nitems, 10), 11);
  CHECK_INT(kp_line_start(items, nitems, 12), nitems);
  CHECK_INT(kp_line_start(items, nitems, 13), nitems);
}

/* Lines kp_break made start where kp_line_start says. */
static void test_line_start_of_breaks(void) {
  random_paragraph(7, 60);
  mb_len measure = MEASURE;
  kp_params p = default_params();
  run(&p, &measure, 1);
  check_lines();
  CHECK(nlines >= 8);
  for (size_t k = 1; k < nlines; k++) {
    size_t start = kp_line_start(items, nitems, lines[k - 1].end);
    CHECK_INT(start, line_first(k));
    CHECK(start < nitems && items[start].kind == KP_BOX);
  }
}

int main(void) {
  RUN(test_one_line);
  RUN(test_empty_list);
  RUN(test_total_fit);
  RUN(test_ratios_random);
  RUN(test_ratio_shrunk);
  RUN(test_shrink_limit);
  RUN(test_infinite_penalty_not_chosen);
  RUN(test_glue_after_infinite_penalty);
  RUN(test_forced_breaks);
  RUN(test_forced_break_without_fill);
  RUN(test_hyphen_not_needed);
  RUN(test_first_pass_without_hyphens);
  RUN(test_later_passes);
  RUN(test_hyphen_when_needed);
  RUN(test_max_hyphens);
  RUN(test_double_hyphen);
  RUN(test_final_hyphen);
  RUN(test_first_line_width);
  RUN(test_three_widths);
  RUN(test_three_hyphens);
  RUN(test_overfull_box);
  RUN(test_hang);
  RUN(test_rag);
  RUN(test_line_start);
  RUN(test_line_start_of_breaks);
  free(lines);
  return harness_report();
}
