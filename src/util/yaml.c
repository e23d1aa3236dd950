#include "yaml.h"

#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static mb_pos mark_pos(const mb_yaml *y, yaml_mark_t mark) {
  mb_pos p = {y->file, (int)mark.line + 1 + y->line_offset, (int)mark.column + 1 + y->col_offset};
  return p;
}

bool mb_yaml_load(mb_yaml *y, const char *file, const char *text, size_t len, int line_offset,
                  int col_offset, mb_diags *diags) {
  memset(y, 0, sizeof(*y));
  y->file = file;
  y->line_offset = line_offset;
  y->col_offset = col_offset;
  y->diags = diags;
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    mb_io_error(diags, mb_pos_file(file), "cannot start the YAML parser");
    return false;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
  bool ok = yaml_parser_load(&parser, &y->doc);
  if (!ok) {
    mb_pos p = mark_pos(y, parser.problem_mark);
    if (parser.error == YAML_MEMORY_ERROR) {
      mb_io_error(diags, p, "out of memory while reading YAML");
    } else if (parser.context) {
      mb_error(diags, p, "YAML syntax error: %s %s", parser.problem ? parser.problem : "error",
               parser.context);
    } else {
      mb_error(diags, p, "YAML syntax error: %s", parser.problem ? parser.problem : "error");
    }
  } else {
    y->loaded = true;
  }
  yaml_parser_delete(&parser);
  return ok;
}

void mb_yaml_done(mb_yaml *y) {
  if (y->loaded) yaml_document_delete(&y->doc);
  y->loaded = false;
}

yaml_node_t *mb_yaml_root(mb_yaml *y) {
  return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL;
}

mb_pos mb_yaml_pos(const mb_yaml *y, const yaml_node_t *node) {
  if (!node) return mb_pos_file(y->file);
  return mark_pos(y, node->start_mark);
}

yaml_node_t *mb_yaml_at(mb_yaml *y, int index) {
  return yaml_document_get_node(&y->doc, index);
}

static const char *type_name(const yaml_node_t *node) {
  switch (node->type) {
  case YAML_SCALAR_NODE: return "a string";
  case YAML_SEQUENCE_NODE: return "a list";
  case YAML_MAPPING_NODE: return "a mapping";
  default: return "nothing";
  }
}

bool mb_yaml_expect_map(mb_yaml *y, yaml_node_t *node, const char *what) {
  if (node && node->type == YAML_MAPPING_NODE) return true;
  mb_error(y->diags, mb_yaml_pos(y, node), "%s must be a mapping (key: value), not %s", what,
           node ? type_name(node) : "nothing");
  return false;
}

bool mb_yaml_expect_seq(mb_yaml *y, yaml_node_t *node, const char *what) {
  if (node && node->type == YAML_SEQUENCE_NODE) return true;
  mb_error(y->diags, mb_yaml_pos(y, node), "%s must be a list, not %s", what,
           node ? type_name(node) : "nothing");
  return false;
}

static const char *scalar_text(const yaml_node_t *node) {
  return (const char *)node->data.scalar.value;
}

bool mb_yaml_check_map(mb_yaml *y, yaml_node_t *map, const char *const *keys, const char *context) {
  if (!mb_yaml_expect_map(y, map, context)) return false;
  bool ok = true;
  yaml_node_pair_t *first = map->data.mapping.pairs.start;
  for (yaml_node_pair_t *p = first; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *key = mb_yaml_at(y, p->key);
    char quoted[160];
    if (!key || key->type != YAML_SCALAR_NODE) {
      mb_error(y->diags, mb_yaml_pos(y, key), "keys in %s must be plain names", context);
      ok = false;
      continue;
    }
    const char *name = scalar_text(key);
    mb_quote(quoted, sizeof quoted, name, key->data.scalar.length, 40);
    size_t i = 0;
    while (keys[i] && strcmp(keys[i], name) != 0) i++;
    if (!keys[i]) {
      const char *hint = mb_suggest(name, keys);
      if (hint)
        mb_error(y->diags, mb_yaml_pos(y, key), "unknown key %s in %s; did you mean '%s'?", quoted,
                 context, hint);
      else
        mb_error(y->diags, mb_yaml_pos(y, key), "unknown key %s in %s", quoted, context);
      ok = false;
      continue;
    }
    for (yaml_node_pair_t *q = first; q < p; q++) {
      yaml_node_t *other = mb_yaml_at(y, q->key);
      if (other && other->type == YAML_SCALAR_NODE && strcmp(scalar_text(other), name) == 0) {
        mb_error(y->diags, mb_yaml_pos(y, key), "key %s given twice in %s", quoted, context);
        ok = false;
        break;
      }
    }
  }
  return ok;
}

yaml_node_t *mb_yaml_get_key(mb_yaml *y, yaml_node_t *map, const char *key) {
  if (!map || map->type != YAML_MAPPING_NODE) return NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = mb_yaml_at(y, p->key);
    if (k && k->type == YAML_SCALAR_NODE && strcmp(scalar_text(k), key) == 0) return k;
  }
  return NULL;
}

yaml_node_t *mb_yaml_get(mb_yaml *y, yaml_node_t *map, const char *key) {
  if (!map || map->type != YAML_MAPPING_NODE) return NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = mb_yaml_at(y, p->key);
    if (k && k->type == YAML_SCALAR_NODE && strcmp(scalar_text(k), key) == 0)
      return mb_yaml_at(y, p->value);
  }
  return NULL;
}

size_t mb_yaml_seq_len(const yaml_node_t *seq) {
  if (!seq || seq->type != YAML_SEQUENCE_NODE) return 0;
  return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *mb_yaml_seq_item(mb_yaml *y, yaml_node_t *seq, size_t i) {
  return mb_yaml_at(y, seq->data.sequence.items.start[i]);
}

const char *mb_yaml_str(mb_yaml *y, yaml_node_t *node, const char *what) {
  if (node && node->type == YAML_SCALAR_NODE) {
    const char *s = scalar_text(node);
    if (strlen(s) != node->data.scalar.length) {
      mb_error(y->diags, mb_yaml_pos(y, node), "%s contains a NUL character", what);
      return NULL;
    }
    return s;
  }
  mb_error(y->diags, mb_yaml_pos(y, node), "%s must be a string, not %s", what,
           node ? type_name(node) : "nothing");
  return NULL;
}

bool mb_yaml_bool(mb_yaml *y, yaml_node_t *node, const char *what, bool *out) {
  const char *s = mb_yaml_str(y, node, what);
  if (!s) return false;
  static const char *const yes[] = {"yes", "true", "on", NULL};
  static const char *const no[] = {"no", "false", "off", NULL};
  for (int i = 0; yes[i]; i++) {
    if (mb_str_eq_nocase(s, yes[i])) {
      *out = true;
      return true;
    }
    if (mb_str_eq_nocase(s, no[i])) {
      *out = false;
      return true;
    }
  }
  char quoted[120];
  mb_error(y->diags, mb_yaml_pos(y, node), "%s must be yes or no, not %s", what,
           mb_quote(quoted, sizeof quoted, s, strlen(s), 40));
  return false;
}

bool mb_yaml_number(mb_yaml *y, yaml_node_t *node, const char *what, double min, double max,
                    double *out) {
  const char *s = mb_yaml_str(y, node, what);
  if (!s) return false;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  char quoted[120];
  if (end == s || *end || errno || !isfinite(v)) {
    mb_error(y->diags, mb_yaml_pos(y, node), "%s must be a number, not %s", what,
             mb_quote(quoted, sizeof quoted, s, strlen(s), 40));
    return false;
  }
  if (v < min || v > max) {
    mb_error(y->diags, mb_yaml_pos(y, node), "%s must be between %g and %g, not %s", what, min, max,
             mb_quote(quoted, sizeof quoted, s, strlen(s), 40));
    return false;
  }
  *out = v;
  return true;
}

bool mb_yaml_int(mb_yaml *y, yaml_node_t *node, const char *what, long min, long max, long *out) {
  const char *s = mb_yaml_str(y, node, what);
  if (!s) return false;
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  char quoted[120];
  if (end == s || *end || errno) {
    mb_error(y->diags, mb_yaml_pos(y, node), "%s must be a whole number, not %s", what,
             mb_quote(quoted, sizeof quoted, s, strlen(s), 40));
    return false;
  }
  if (v < min || v > max) {
    mb_error(y->diags, mb_yaml_pos(y, node), "%s must be between %ld and %ld, not %ld", what, min,
             max, v);
    return false;
  }
  *out = v;
  return true;
}
