/* YAML through libyaml's document API, with source positions and schema checks.
 *
 * mb_yaml_load parses a buffer into a node graph (aliases are shared, never expanded).
 * mb_yaml_check_map reports unknown keys (with a "did you mean" hint), duplicate keys and
 * wrong node types as "file:line:col" errors; the typed getters report wrong types and ranges.
 * Everything returned points into the loaded document: valid until mb_yaml_done. */
#ifndef MB_UTIL_YAML_H
#define MB_UTIL_YAML_H

#include "diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

typedef struct mb_yaml {
  yaml_document_t doc;
  bool loaded;
  const char *file; /* borrowed */
  int line_offset;  /* added to every line: where the YAML starts in its file (0 = line 1) */
  int col_offset;   /* added to every column */
  mb_diags *diags;
} mb_yaml;

/* Parses text. Returns false after pushing a syntax error. An empty document is valid:
 * mb_yaml_root then returns NULL. */
bool mb_yaml_load(mb_yaml *y, const char *file, const char *text, size_t len, int line_offset,
                  int col_offset, mb_diags *diags);
void mb_yaml_done(mb_yaml *y);

yaml_node_t *mb_yaml_root(mb_yaml *y);
mb_pos mb_yaml_pos(const mb_yaml *y, const yaml_node_t *node);
yaml_node_t *mb_yaml_at(mb_yaml *y, int index);

/* Type checks that push "expected a mapping/list/string" errors naming what. */
bool mb_yaml_expect_map(mb_yaml *y, yaml_node_t *node, const char *what);
bool mb_yaml_expect_seq(mb_yaml *y, yaml_node_t *node, const char *what);

/* Checks a mapping against the keys allowed in it: every key a plain string, known and
 * given once. context names the mapping in messages ("style 'body'"). Returns false on error. */
bool mb_yaml_check_map(mb_yaml *y, yaml_node_t *map, const char *const *keys, const char *context);

/* Value of key in map, or NULL when absent. */
yaml_node_t *mb_yaml_get(mb_yaml *y, yaml_node_t *map, const char *key);
/* Key node of key in map (for positions), or NULL. */
yaml_node_t *mb_yaml_get_key(mb_yaml *y, yaml_node_t *map, const char *key);

/* Number of items in a sequence and the i-th item. */
size_t mb_yaml_seq_len(const yaml_node_t *seq);
yaml_node_t *mb_yaml_seq_item(mb_yaml *y, yaml_node_t *seq, size_t i);

/* Scalars. what names the value in messages ("font size"). */
const char *mb_yaml_str(mb_yaml *y, yaml_node_t *node, const char *what);
bool mb_yaml_bool(mb_yaml *y, yaml_node_t *node, const char *what, bool *out);
bool mb_yaml_int(mb_yaml *y, yaml_node_t *node, const char *what, long min, long max, long *out);
bool mb_yaml_number(mb_yaml *y, yaml_node_t *node, const char *what, double min, double max,
                    double *out);

#endif
