/* Lengths. Layout works in fixed point: mb_len counts 1/1024 pt (Pango units), so sums are
 * exact and dumps identical on every machine. Doubles appear only at the cairo edge. */
#ifndef MB_UTIL_UNITS_H
#define MB_UTIL_UNITS_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

typedef int32_t mb_len;

#define MB_UNITS_PER_PT 1024
#define MB_MM(x) ((mb_len)lround((x)*72.0 / 25.4 * MB_UNITS_PER_PT))
#define MB_PT(x) ((mb_len)lround((x)*MB_UNITS_PER_PT))

static inline double mb_len_pt(mb_len v) {
  return v / (double)MB_UNITS_PER_PT;
}

static inline mb_len mb_len_from_pt(double pt) {
  return (mb_len)lround(pt * MB_UNITS_PER_PT);
}

/* Largest length accepted anywhere (5 m), so sums of lengths never overflow. */
#define MB_LEN_MAX_PT 14173.0

typedef enum { MB_UNIT_BAD, MB_UNIT_ABS, MB_UNIT_PERCENT } mb_unit_kind;

/* Parses "12pt", "3mm", "0.5cm", "0.125in", "50%" (a percentage when allow_percent).
 * Stores points (or the percentage) in *value. A bare number is rejected: units are required,
 * except for 0. Returns MB_UNIT_BAD on error and sets *why to a short reason. */
mb_unit_kind mb_parse_length(const char *s, bool allow_percent, double *value, const char **why);

#endif
