#include "diag.h"

#include "mem.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_DIAGS = 200 };

struct mb_diags {
  MB_VEC(mb_diag) list;
  size_t dropped, dropped_errors;
  bool dropped_io;
};

mb_diags *mb_diags_new(void) {
  return mb_xcalloc(1, sizeof(mb_diags));
}

void mb_diags_free(mb_diags *diags) {
  if (!diags) return;
  for (size_t i = 0; i < diags->list.len; i++) {
    free(diags->list.items[i].message);
    free((char *)diags->list.items[i].pos.file);
  }
  free(diags->list.items);
  free(diags);
}

void mb_diag_vadd(mb_diags *diags, mb_severity severity, mb_diag_kind kind, mb_pos pos,
                  const char *fmt, va_list ap) {
  if (diags->list.len >= MAX_DIAGS) {
    diags->dropped++;
    diags->dropped_errors += severity == MB_ERROR;
    diags->dropped_io |= severity == MB_ERROR && kind == MB_DIAG_IO;
    return;
  }
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  char *msg = mb_xmalloc(n > 0 ? (size_t)n + 1 : 1);
  vsnprintf(msg, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
  mb_diag *d = mb_vec_add(&diags->list);
  d->severity = severity;
  d->kind = kind;
  d->pos = pos;
  d->pos.file = pos.file ? mb_xstrdup(pos.file) : NULL;
  d->message = msg;
}

void mb_diag_add(mb_diags *diags, mb_severity severity, mb_diag_kind kind, mb_pos pos,
                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mb_diag_vadd(diags, severity, kind, pos, fmt, ap);
  va_end(ap);
}

size_t mb_diags_count(const mb_diags *diags) {
  return diags->list.len;
}

const mb_diag *mb_diags_at(const mb_diags *diags, size_t i) {
  return &diags->list.items[i];
}

static size_t count_severity(const mb_diags *diags, mb_severity severity) {
  size_t n = 0;
  for (size_t i = 0; i < diags->list.len; i++) n += diags->list.items[i].severity == severity;
  return n;
}

size_t mb_diags_errors(const mb_diags *diags) {
  return count_severity(diags, MB_ERROR) + diags->dropped_errors;
}

size_t mb_diags_warnings(const mb_diags *diags) {
  return count_severity(diags, MB_WARNING);
}

bool mb_diags_has_kind(const mb_diags *diags, mb_diag_kind kind) {
  if (kind == MB_DIAG_IO && diags->dropped_io) return true;
  for (size_t i = 0; i < diags->list.len; i++) {
    const mb_diag *d = &diags->list.items[i];
    if (d->severity == MB_ERROR && d->kind == kind) return true;
  }
  return false;
}

void mb_diags_promote_warnings(mb_diags *diags) {
  for (size_t i = 0; i < diags->list.len; i++)
    if (diags->list.items[i].severity == MB_WARNING) diags->list.items[i].severity = MB_ERROR;
}

static const char *severity_name(mb_severity s) {
  switch (s) {
  case MB_NOTE: return "note";
  case MB_WARNING: return "warning";
  case MB_ERROR: return "error";
  }
  return "error";
}

void mb_diag_print(const mb_diag *d, FILE *out) {
  if (d->pos.file && d->pos.line > 0 && d->pos.col > 0)
    fprintf(out, "%s:%d:%d: ", d->pos.file, d->pos.line, d->pos.col);
  else if (d->pos.file && d->pos.line > 0)
    fprintf(out, "%s:%d: ", d->pos.file, d->pos.line);
  else if (d->pos.file)
    fprintf(out, "%s: ", d->pos.file);
  else
    fputs("mkbrochure: ", out);
  fprintf(out, "%s: %s\n", severity_name(d->severity), d->message);
}

void mb_diags_print(const mb_diags *diags, FILE *out) {
  mb_diags_print_some(diags, out, false);
}

void mb_diags_print_some(const mb_diags *diags, FILE *out, bool errors_only) {
  for (size_t i = 0; i < diags->list.len; i++)
    if (!errors_only || diags->list.items[i].severity == MB_ERROR)
      mb_diag_print(&diags->list.items[i], out);
  if (diags->dropped)
    fprintf(out, "mkbrochure: note: %zu more diagnostics not shown (%zu of them errors)\n",
            diags->dropped, diags->dropped_errors);
}

static size_t utf8_len(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if ((c & 0xF8) == 0xF0) return 4;
  return 1;
}

char *mb_quote(char *buf, size_t size, const char *text, size_t len, size_t max_chars) {
  size_t o = 0, chars = 0, i = 0;
  if (size < 8) {
    if (size) buf[0] = '\0';
    return buf;
  }
  buf[o++] = '\'';
  /* Room is kept for an escape or a character, the ellipsis, the closing quote and NUL. */
  while (i < len && chars < max_chars) {
    unsigned char c = (unsigned char)text[i];
    size_t n = c < 0x20 || c == 0x7F ? 4 : utf8_len(c);
    if (i + (c < 0x20 || c == 0x7F ? 1 : n) > len || o + n + 5 > size) break;
    if (c < 0x20 || c == 0x7F) {
      o += (size_t)snprintf(buf + o, size - o, "\\x%02X", c);
      i++;
    } else {
      memcpy(buf + o, text + i, n);
      o += n;
      i += n;
    }
    chars++;
  }
  if (i < len) {
    memcpy(buf + o, "\xE2\x80\xA6", 3); /* … */
    o += 3;
  }
  buf[o++] = '\'';
  buf[o] = '\0';
  return buf;
}
