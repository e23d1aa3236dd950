#include "units.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

mb_unit_kind mb_parse_length(const char *s, bool allow_percent, double *value, const char **why) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno || !isfinite(v)) {
    *why = "a length is a number with a unit (mm, cm, in, pt, pc)";
    return MB_UNIT_BAD;
  }
  while (*end == ' ') end++;
  static const struct {
    const char *name;
    double pt;
  } units[] = {{"pt", 1.0}, {"mm", 72.0 / 25.4}, {"cm", 72.0 / 2.54}, {"in", 72.0}, {"pc", 12.0}};
  if (*end == '%') {
    if (!allow_percent || end[1]) {
      *why = allow_percent ? "unexpected text after '%'" : "a percentage is not allowed here";
      return MB_UNIT_BAD;
    }
    if (v < -1000 || v > 1000) {
      *why = "percentage out of range";
      return MB_UNIT_BAD;
    }
    *value = v;
    return MB_UNIT_PERCENT;
  }
  if (!*end) {
    if (v != 0) {
      *why = "missing unit (mm, cm, in, pt or pc)";
      return MB_UNIT_BAD;
    }
    *value = 0;
    return MB_UNIT_ABS;
  }
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    if (strcmp(end, units[i].name) == 0) {
      double pt = v * units[i].pt;
      if (pt > MB_LEN_MAX_PT || pt < -MB_LEN_MAX_PT) {
        *why = "length too large";
        return MB_UNIT_BAD;
      }
      *value = pt;
      return MB_UNIT_ABS;
    }
  }
  *why = "unknown unit (use mm, cm, in, pt or pc)";
  return MB_UNIT_BAD;
}
