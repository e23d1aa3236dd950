/* Unit tests for src/util: lengths, UTF-8, positions, suggestions, quoting, diagnostics,
 * YAML helpers, atomic output files and libraries opened on demand. */
#include "harness.h"

#include "util/diag.h"
#include "util/dl.h"
#include "util/file.h"
#include "util/mem.h"
#include "util/text.h"
#include "util/units.h"
#include "util/yaml.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK_NEAR(a, b, eps) CHECK(fabs((double)(a) - (double)(b)) <= (eps))

/* Checks diagnostic i of d: file, line, col and part of the message. */
#define CHECK_DIAG(d, i, file_, line_, col_, text_)                                                \
  do {                                                                                             \
    CHECK(mb_diags_count(d) > (size_t)(i));                                                        \
    if (mb_diags_count(d) > (size_t)(i)) {                                                         \
      const mb_diag *dg_ = mb_diags_at((d), (i));                                                  \
      CHECK_STR(dg_->pos.file, (file_));                                                           \
      CHECK_INT(dg_->pos.line, (line_));                                                           \
      CHECK_INT(dg_->pos.col, (col_));                                                             \
      CHECK_CONTAINS(dg_->message, (text_));                                                       \
    }                                                                                              \
  } while (0)

/* ---- lengths ---- */

static mb_unit_kind length(const char *s, bool percent, double *v) {
  const char *why = NULL;
  *v = -12345;
  return mb_parse_length(s, percent, v, &why);
}

/* The reason given for a rejected length. */
static const char *length_why(const char *s, bool percent) {
  double v;
  const char *why = NULL;
  if (mb_parse_length(s, percent, &v, &why) != MB_UNIT_BAD) return "(accepted)";
  return why;
}

static void test_length_units(void) {
  double v;
  CHECK_INT(length("12pt", false, &v), MB_UNIT_ABS);
  CHECK_NEAR(v, 12, 1e-9);
  CHECK_INT(length("10mm", false, &v), MB_UNIT_ABS);
  CHECK_NEAR(v, 28.346457, 1e-5);
  CHECK_INT(length("2.54cm", false, &v), MB_UNIT_ABS);
  CHECK_NEAR(v, 72, 1e-9);
  CHECK_INT(length("0.5in", false, &v), MB_UNIT_ABS);
  CHECK_NEAR(v, 36, 1e-9);
  CHECK_INT(length("2pc", false, &v), MB_UNIT_ABS);
  CHECK_NEAR(v, 24, 1e-9);
  CHECK_INT(length("12 pt", false, &v), MB_UNIT_ABS);
  CHECK_NEAR(v, 12, 1e-9);
  CHECK_INT(length("-3mm", false, &v), MB_UNIT_ABS);
  CHECK_NEAR(v, -8.503937, 1e-5);
  CHECK_INT(length("210mm", true, &v), MB_UNIT_ABS);
  CHECK_NEAR(v, 595.275591, 1e-5);
}

static void test_length_percent(void) {
  double v;
  CHECK_INT(length("50%", true, &v), MB_UNIT_PERCENT);
  CHECK_NEAR(v, 50, 1e-9);
  CHECK_INT(length("12.5 %", true, &v), MB_UNIT_PERCENT);
  CHECK_NEAR(v, 12.5, 1e-9);
  CHECK_INT(length("50%", false, &v), MB_UNIT_BAD);
  CHECK_CONTAINS(length_why("50%", false), "percentage is not allowed");
  CHECK_CONTAINS(length_why("50%x", true), "after '%'");
  CHECK_CONTAINS(length_why("2000%", true), "out of range");
  CHECK_INT(length("0%", false, &v), MB_UNIT_BAD);
}

static void test_length_missing_unit(void) {
  double v;
  CHECK_INT(length("12", false, &v), MB_UNIT_BAD);
  CHECK_CONTAINS(length_why("12", false), "missing unit");
  CHECK_CONTAINS(length_why("12", true), "missing unit");
  CHECK_CONTAINS(length_why("0.5", false), "missing unit");
  CHECK_INT(length("0", false, &v), MB_UNIT_ABS);
  CHECK_NEAR(v, 0, 0);
  CHECK_INT(length("0.0", true, &v), MB_UNIT_ABS);
  CHECK_NEAR(v, 0, 0);
}

static void test_length_garbage(void) {
  double v;
  CHECK_INT(length("", false, &v), MB_UNIT_BAD);
  CHECK_CONTAINS(length_why("", false), "a number with a unit");
  CHECK_CONTAINS(length_why("abc", false), "a number with a unit");
  CHECK_CONTAINS(length_why("pt", false), "a number with a unit");
  CHECK_CONTAINS(length_why("3 furlongs", false), "unknown unit");
  CHECK_CONTAINS(length_why("12ptx", false), "unknown unit");
  CHECK_CONTAINS(length_why("12pt 3mm", false), "unknown unit");
  CHECK_CONTAINS(length_why("nan", false), "a number with a unit");
  CHECK_CONTAINS(length_why("infmm", false), "a number with a unit");
  CHECK_CONTAINS(length_why("1e300pt", false), "too large");
  CHECK_CONTAINS(length_why("6m", false), "unknown unit");
  CHECK_CONTAINS(length_why("20000pt", false), "too large");
  CHECK_CONTAINS(length_why("-600cm", false), "too large");
  CHECK_INT(length("4999mm", false, &v), MB_UNIT_ABS);
  CHECK_NEAR(v, 14170.39, 0.01);
}

/* ---- UTF-8 ---- */

static size_t utf8_bad(const char *s) {
  return mb_utf8_check(s, strlen(s));
}

static void test_utf8_valid(void) {
  CHECK_INT(utf8_bad(""), 0);
  CHECK_INT(utf8_bad("plain ASCII"), 11);
  CHECK_INT(utf8_bad("caf\xC3\xA9"), 5);
  CHECK_INT(utf8_bad("\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\x82"), 9); /* हिं */
  CHECK_INT(utf8_bad("\xF0\x9F\x98\x80!"), 5);                    /* U+1F600 */
  CHECK_INT(utf8_bad("\xF4\x8F\xBF\xBF"), 4);                     /* U+10FFFF */
  CHECK_INT(mb_utf8_check("a\0b", 3), 3);                         /* NUL is valid UTF-8 */
}

static void test_utf8_truncated(void) {
  CHECK_INT(utf8_bad("ab\xE0\xA4"), 2);
  CHECK_INT(utf8_bad("\xF0\x9F\x98"), 0);
  CHECK_INT(utf8_bad("xy\xC3"), 2);
  CHECK_INT(utf8_bad("a\xC3z"), 1);           /* lead byte without its continuation */
  CHECK_INT(utf8_bad("ok\x80"), 2);           /* lone continuation byte */
  CHECK_INT(mb_utf8_check("\xC3\xA9", 1), 0); /* cut by len, not by NUL */
}

static void test_utf8_overlong(void) {
  CHECK_INT(utf8_bad("\xC0\x80"), 0);
  CHECK_INT(utf8_bad("x\xC1\xBF"), 1);
  CHECK_INT(utf8_bad("\xE0\x80\xAF"), 0);
  CHECK_INT(utf8_bad("\xF0\x80\x80\xAF"), 0);
  CHECK_INT(utf8_bad("\xF4\x90\x80\x80"), 0); /* above U+10FFFF */
  CHECK_INT(utf8_bad("\xF8\x88\x80\x80\x80"), 0);
  CHECK_INT(utf8_bad("ab\xFF"), 2);
}

static void test_utf8_surrogates(void) {
  CHECK_INT(utf8_bad("\xED\xA0\x80"), 0);  /* U+D800 */
  CHECK_INT(utf8_bad("a\xED\xBF\xBF"), 1); /* U+DFFF */
  CHECK_INT(utf8_bad("\xED\x9F\xBF"), 3);  /* U+D7FF */
  CHECK_INT(utf8_bad("\xEE\x80\x80"), 3);  /* U+E000 */
}

static void test_utf8_decode_encode(void) {
  const uint32_t cps[] = {0x41, 0xE9, 0x939, 0x1F600, 0x10FFFF};
  for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
    char buf[4];
    size_t n = mb_utf8_encode(cps[i], buf), m = 0;
    CHECK_INT(mb_utf8_check(buf, n), n);
    CHECK_INT(mb_utf8_decode(buf, n, &m), cps[i]);
    CHECK_INT(m, n);
  }
}

/* ---- positions ---- */

#define CHECK_LINE_COL(buf, offset, line_, col_)                                                   \
  do {                                                                                             \
    int l_ = 0, c_ = 0;                                                                            \
    mb_line_col((buf), (offset), &l_, &c_);                                                        \
    CHECK_INT(l_, (line_));                                                                        \
    CHECK_INT(c_, (col_));                                                                         \
  } while (0)

static void test_line_col(void) {
  const char *s = "ab\ncd\n\nx";
  CHECK_LINE_COL(s, 0, 1, 1);
  CHECK_LINE_COL(s, 2, 1, 3); /* the newline itself */
  CHECK_LINE_COL(s, 3, 2, 1);
  CHECK_LINE_COL(s, 4, 2, 2);
  CHECK_LINE_COL(s, 6, 3, 1);
  CHECK_LINE_COL(s, 7, 4, 1);
  CHECK_LINE_COL(s, 8, 4, 2); /* the end of the buffer */
}

static void test_line_col_devanagari(void) {
  /* "x\nनमस्ते दुनिया": नमस्ते is 6 code points (18 bytes), so दुनिया starts at column 8. */
  const char *s = "x\n\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87"
                  " \xE0\xA4\xA6\xE0\xA5\x81\xE0\xA4\xA8\xE0\xA4\xBF\xE0\xA4\xAF\xE0\xA4\xBE";
  CHECK_LINE_COL(s, 2 + 18, 2, 7);
  CHECK_LINE_COL(s, 2 + 19, 2, 8);
  CHECK_LINE_COL(s, 2 + 19 + 6, 2, 10);
  CHECK_LINE_COL("\xC3\xA9t\xC3\xA9", 3, 1, 3);
}

/* ---- suggestions ---- */

static void test_edit_distance(void) {
  CHECK_INT(mb_edit_distance("kitten", "sitting"), 3);
  CHECK_INT(mb_edit_distance("", "abc"), 3);
  CHECK_INT(mb_edit_distance("abc", ""), 3);
  CHECK_INT(mb_edit_distance("same", "same"), 0);
  CHECK_INT(mb_edit_distance("Body", "bODY"), 0);
  CHECK_INT(mb_edit_distance("lnag", "lang"), 1); /* a transposition is one step */
  CHECK_INT(mb_edit_distance("abcd", "badc"), 2);
  char long_word[80];
  memset(long_word, 'a', sizeof long_word - 1);
  long_word[sizeof long_word - 1] = '\0';
  CHECK(mb_edit_distance(long_word, "a") == (size_t)-1);
}

static void test_suggest(void) {
  static const char *const keys[] = {"title", "subtitle", "lang", "template", "keywords", NULL};
  CHECK_STR(mb_suggest("tittle", keys), "title");
  CHECK_STR(mb_suggest("titel", keys), "title");
  CHECK_STR(mb_suggest("subtitel", keys), "subtitle");
  CHECK_STR(mb_suggest("lan", keys), "lang");
  CHECK_STR(mb_suggest("Template", keys), "template");
  CHECK_STR(mb_suggest("keyword", keys), "keywords");
  CHECK_STR(mb_suggest("lnag", keys), "lang");
  CHECK(mb_suggest("lgna", keys) == NULL); /* distance 2 > limit 1 for a short word */
  CHECK(mb_suggest("author", keys) == NULL);
  CHECK(mb_suggest("xyz", keys) == NULL);
  static const char *const none[] = {NULL};
  CHECK(mb_suggest("title", none) == NULL);
  static const char *const ties[] = {"cat", "car", NULL};
  CHECK_STR(mb_suggest("caX", ties), "cat"); /* ties go to the first candidate */
  static const char *const far[] = {"abcdefghijklmnop", NULL};
  CHECK(mb_suggest("abcdefghijklXXXX", far) == NULL); /* limit is at most 3 */
  CHECK_STR(mb_suggest("abcdefghijklmXXX", far), "abcdefghijklmnop");
}

/* ---- quoting ---- */

static void test_quote_plain(void) {
  char buf[64];
  CHECK_STR(mb_quote(buf, sizeof buf, "abc", 3, 40), "'abc'");
  CHECK_STR(mb_quote(buf, sizeof buf, "abcdef", 3, 40), "'abc'");
  CHECK_STR(mb_quote(buf, sizeof buf, "", 0, 40), "''");
  CHECK(mb_quote(buf, sizeof buf, "x", 1, 40) == buf);
}

static void test_quote_control(void) {
  char buf[64];
  CHECK_STR(mb_quote(buf, sizeof buf, "a\nb\tc", 5, 40), "'a\\x0Ab\\x09c'");
  CHECK_STR(mb_quote(buf, sizeof buf, "\x1B[0m\x7F", 5, 40), "'\\x1B[0m\\x7F'");
  CHECK_STR(mb_quote(buf, sizeof buf, "a\0b", 3, 40), "'a\\x00b'");
}

static void test_quote_truncation(void) {
  char buf[64];
  CHECK_STR(mb_quote(buf, sizeof buf, "abcdefghij", 10, 4), "'abcd\xE2\x80\xA6'");
  CHECK_STR(mb_quote(buf, sizeof buf, "abcd", 4, 4), "'abcd'");
  /* Characters, not bytes: नमस्ते cut after two code points. */
  const char *namaste = "\xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87";
  CHECK_STR(mb_quote(buf, sizeof buf, namaste, 18, 2), "'\xE0\xA4\xA8\xE0\xA4\xAE\xE2\x80\xA6'");
  CHECK_STR(mb_quote(buf, sizeof buf, "\n\n\n", 3, 2), "'\\x0A\\x0A\xE2\x80\xA6'");
}

static void test_quote_small_buffer(void) {
  char buf[16];
  memset(buf, 'Z', sizeof buf);
  mb_quote(buf, 4, "abc", 3, 40);
  CHECK_STR(buf, "");
  mb_quote(buf, sizeof buf, "abcdefghijklmnopqrstuvwxyz", 26, 40);
  CHECK(strlen(buf) < sizeof buf);
  CHECK(buf[0] == '\'' && buf[strlen(buf) - 1] == '\'');
  CHECK_INT(strncmp(buf, "'abcdefg", 8), 0);
  mb_quote(buf, sizeof buf, "\n\n\n\n\n\n\n\n", 8, 40);
  CHECK(strlen(buf) < sizeof buf);
  CHECK(buf[strlen(buf) - 1] == '\'');
}

/* ---- diagnostics ---- */

static void test_diags_counts(void) {
  mb_diags *d = mb_diags_new();
  CHECK_INT(mb_diags_count(d), 0);
  CHECK(!mb_diags_has_kind(d, MB_DIAG_INPUT));
  mb_error(d, ((mb_pos){"a.md", 1, 2}), "bad %d", 1);
  mb_warning(d, ((mb_pos){"a.md", 3, 4}), "odd");
  mb_diag_add(d, MB_NOTE, MB_DIAG_INPUT, mb_pos_file(NULL), "fyi");
  mb_io_error(d, mb_pos_file("out.pdf"), "disk full");
  mb_diag_add(d, MB_WARNING, MB_DIAG_USAGE, mb_pos_file(NULL), "flag");
  CHECK_INT(mb_diags_count(d), 5);
  CHECK_INT(mb_diags_errors(d), 2);
  CHECK_INT(mb_diags_warnings(d), 2);
  CHECK(mb_diags_has_kind(d, MB_DIAG_INPUT));
  CHECK(mb_diags_has_kind(d, MB_DIAG_IO));
  CHECK(!mb_diags_has_kind(d, MB_DIAG_USAGE)); /* only errors count */
  CHECK_INT(mb_diags_at(d, 3)->kind, MB_DIAG_IO);
  CHECK_STR(mb_diags_at(d, 0)->message, "bad 1");
  mb_diags_promote_warnings(d);
  CHECK_INT(mb_diags_errors(d), 4);
  CHECK_INT(mb_diags_warnings(d), 0);
  CHECK_INT(mb_diags_at(d, 2)->severity, MB_NOTE);
  CHECK(mb_diags_has_kind(d, MB_DIAG_USAGE));
  mb_diags_free(d);
}

static void test_diags_copy_strings(void) {
  mb_diags *d = mb_diags_new();
  char file[16] = "first.md", arg[16] = "word";
  mb_error(d, ((mb_pos){file, 2, 3}), "about %s", arg);
  strcpy(file, "changed");
  strcpy(arg, "changed");
  CHECK_STR(mb_diags_at(d, 0)->pos.file, "first.md");
  CHECK_STR(mb_diags_at(d, 0)->message, "about word");
  mb_diags_free(d);
}

/* Everything mb_diags_print writes; the caller frees it. */
static char *print_all(const mb_diags *d) {
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&text, &size);
  mb_diags_print(d, f);
  fclose(f);
  return text;
}

static void test_diags_print(void) {
  mb_diags *d = mb_diags_new();
  mb_error(d, ((mb_pos){"content/en.md", 12, 7}), "unknown key '%s'", "titel");
  mb_warning(d, ((mb_pos){"layout.yaml", 4, 0}), "no column");
  mb_io_error(d, mb_pos_file("out.pdf"), "cannot write");
  mb_diag_add(d, MB_NOTE, MB_DIAG_USAGE, mb_pos_file(NULL), "see --help");
  char *text = print_all(d);
  CHECK_STR(text, "content/en.md:12:7: error: unknown key 'titel'\n"
                  "layout.yaml:4: warning: no column\n"
                  "out.pdf: error: cannot write\n"
                  "mkbrochure: note: see --help\n");
  free(text);
  char *one = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&one, &size);
  mb_diag_print(mb_diags_at(d, 0), f);
  fclose(f);
  CHECK_STR(one, "content/en.md:12:7: error: unknown key 'titel'\n");
  free(one);
  mb_diags_free(d);
}

static void test_diags_limit(void) {
  mb_diags *d = mb_diags_new();
  for (int i = 0; i < 230; i++) mb_warning(d, mb_pos_file("f"), "warning %d", i);
  CHECK_INT(mb_diags_count(d), 200);
  CHECK_INT(mb_diags_errors(d), 0);
  mb_error(d, mb_pos_file("f"), "the real problem");
  CHECK(mb_diags_errors(d) > 0); /* a dropped error still fails the run */
  char *text = print_all(d);
  CHECK_CONTAINS(text, "f: warning: warning 198\n");
  CHECK(strstr(text, "warning 200") == NULL);
  CHECK_CONTAINS(text, "mkbrochure: note: 31 more diagnostics not shown (1 of them errors)\n");
  free(text);
  mb_diags_free(d);
}

/* ---- YAML ---- */

static bool yaml(mb_yaml *y, const char *text, int line_offset, int col_offset, mb_diags *d) {
  return mb_yaml_load(y, "t.yaml", text, strlen(text), line_offset, col_offset, d);
}

static void test_yaml_syntax_error(void) {
  mb_diags *d = mb_diags_new();
  mb_yaml y;
  CHECK(!yaml(&y, "a: 1\nb: [1, 2\nc: 3\n", 0, 0, d));
  CHECK(mb_yaml_root(&y) == NULL);
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK_INT(mb_diags_at(d, 0)->kind, MB_DIAG_INPUT);
  CHECK_DIAG(d, 0, "t.yaml", 3, 2, "YAML syntax error");
  mb_yaml_done(&y);
  CHECK(!yaml(&y, "a: 1\n  b: 2\n", 10, 0, d));
  CHECK_DIAG(d, 1, "t.yaml", 12, 4, "mapping values are not allowed");
  mb_yaml_done(&y);
  CHECK(!yaml(&y, "k: \"open\n", 5, 3, d));
  CHECK_DIAG(d, 2, "t.yaml", 7, 4, "YAML syntax error");
  mb_yaml_done(&y);
  mb_diags_free(d);
}

static void test_yaml_positions(void) {
  mb_diags *d = mb_diags_new();
  mb_yaml y;
  CHECK(yaml(&y, "# comment\nouter:\n  inner: value\n", 4, 2, d));
  yaml_node_t *outer = mb_yaml_get(&y, mb_yaml_root(&y), "outer");
  yaml_node_t *inner = mb_yaml_get(&y, outer, "inner");
  mb_pos p = mb_yaml_pos(&y, inner);
  CHECK_STR(p.file, "t.yaml");
  CHECK_INT(p.line, 7);
  CHECK_INT(p.col, 12);
  p = mb_yaml_pos(&y, mb_yaml_get_key(&y, outer, "inner"));
  CHECK_INT(p.line, 7);
  CHECK_INT(p.col, 5);
  CHECK_STR(mb_yaml_str(&y, inner, "inner"), "value");
  CHECK(mb_yaml_get(&y, outer, "missing") == NULL);
  CHECK(mb_yaml_get(&y, inner, "inner") == NULL); /* not a mapping */
  p = mb_yaml_pos(&y, NULL);
  CHECK_STR(p.file, "t.yaml");
  CHECK_INT(p.line, 0);
  CHECK_INT(mb_diags_count(d), 0);
  mb_yaml_done(&y);
  mb_diags_free(d);
}

static void test_yaml_empty(void) {
  mb_diags *d = mb_diags_new();
  mb_yaml y;
  CHECK(yaml(&y, "", 0, 0, d));
  CHECK(mb_yaml_root(&y) == NULL);
  mb_yaml_done(&y);
  CHECK(yaml(&y, "# only a comment\n", 0, 0, d));
  CHECK(mb_yaml_root(&y) == NULL);
  mb_yaml_done(&y);
  CHECK_INT(mb_diags_count(d), 0);
  mb_diags_free(d);
}

static const char *const meta_keys[] = {"title", "lang", "keywords", NULL};

static void test_yaml_unknown_key(void) {
  mb_diags *d = mb_diags_new();
  mb_yaml y;
  CHECK(yaml(&y, "title: x\ntittle: y\nzzzzzz: 1\n", 2, 0, d));
  CHECK(!mb_yaml_check_map(&y, mb_yaml_root(&y), meta_keys, "front matter"));
  CHECK_INT(mb_diags_errors(d), 2);
  CHECK_DIAG(d, 0, "t.yaml", 4, 1, "unknown key 'tittle' in front matter; did you mean 'title'?");
  CHECK_DIAG(d, 1, "t.yaml", 5, 1, "unknown key 'zzzzzz' in front matter");
  CHECK(strstr(mb_diags_at(d, 1)->message, "did you mean") == NULL);
  mb_yaml_done(&y);
  mb_diags_free(d);
}

static void test_yaml_duplicate_key(void) {
  mb_diags *d = mb_diags_new();
  mb_yaml y;
  CHECK(yaml(&y, "lang: en\ntitle: t\nlang: hi\n", 0, 0, d));
  CHECK(!mb_yaml_check_map(&y, mb_yaml_root(&y), meta_keys, "front matter"));
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK_DIAG(d, 0, "t.yaml", 3, 1, "key 'lang' given twice in front matter");
  mb_yaml_done(&y);
  mb_diags_free(d);
}

static void test_yaml_check_map_shapes(void) {
  mb_diags *d = mb_diags_new();
  mb_yaml y;
  CHECK(yaml(&y, "- a\n- b\n", 0, 0, d));
  CHECK(!mb_yaml_check_map(&y, mb_yaml_root(&y), meta_keys, "front matter"));
  CHECK_DIAG(d, 0, "t.yaml", 1, 1, "front matter must be a mapping (key: value), not a list");
  mb_yaml_done(&y);
  CHECK(yaml(&y, "title: a\n? [x, y]\n: 1\n", 0, 0, d));
  CHECK(!mb_yaml_check_map(&y, mb_yaml_root(&y), meta_keys, "front matter"));
  CHECK_DIAG(d, 1, "t.yaml", 2, 3, "keys in front matter must be plain names");
  mb_yaml_done(&y);
  CHECK(yaml(&y, "title: a\nlang: en\n", 0, 0, d));
  CHECK(mb_yaml_check_map(&y, mb_yaml_root(&y), meta_keys, "front matter"));
  CHECK_INT(mb_diags_count(d), 2);
  mb_yaml_done(&y);
  mb_diags_free(d);
}

static void test_yaml_wrong_types(void) {
  mb_diags *d = mb_diags_new();
  mb_yaml y;
  CHECK(yaml(&y, "s: [1]\nm: {a: 1}\nq: hello\n", 0, 0, d));
  yaml_node_t *root = mb_yaml_root(&y);
  CHECK(mb_yaml_str(&y, mb_yaml_get(&y, root, "s"), "the title") == NULL);
  CHECK_DIAG(d, 0, "t.yaml", 1, 4, "the title must be a string, not a list");
  CHECK(mb_yaml_str(&y, mb_yaml_get(&y, root, "m"), "the title") == NULL);
  CHECK_DIAG(d, 1, "t.yaml", 2, 4, "the title must be a string, not a mapping");
  CHECK(!mb_yaml_expect_seq(&y, mb_yaml_get(&y, root, "q"), "'keywords'"));
  CHECK_DIAG(d, 2, "t.yaml", 3, 4, "'keywords' must be a list, not a string");
  CHECK(!mb_yaml_expect_map(&y, NULL, "'page'"));
  CHECK_CONTAINS(mb_diags_at(d, 3)->message, "'page' must be a mapping (key: value), not nothing");
  CHECK(mb_yaml_str(&y, NULL, "x") == NULL);
  CHECK_CONTAINS(mb_diags_at(d, 4)->message, "x must be a string, not nothing");
  CHECK_INT(mb_diags_count(d), 5);
  mb_yaml_done(&y);
  mb_diags_free(d);
}

static void test_yaml_sequences(void) {
  mb_diags *d = mb_diags_new();
  mb_yaml y;
  CHECK(yaml(&y, "list: [a, b, c]\nempty: []\nscalar: x\n", 0, 0, d));
  yaml_node_t *root = mb_yaml_root(&y);
  yaml_node_t *list = mb_yaml_get(&y, root, "list");
  CHECK_INT(mb_yaml_seq_len(list), 3);
  CHECK_STR(mb_yaml_str(&y, mb_yaml_seq_item(&y, list, 2), "item"), "c");
  CHECK_INT(mb_yaml_seq_len(mb_yaml_get(&y, root, "empty")), 0);
  CHECK_INT(mb_yaml_seq_len(mb_yaml_get(&y, root, "scalar")), 0);
  CHECK_INT(mb_yaml_seq_len(NULL), 0);
  mb_yaml_done(&y);
  mb_diags_free(d);
}

static void test_yaml_numbers(void) {
  mb_diags *d = mb_diags_new();
  mb_yaml y;
  CHECK(yaml(&y, "a: 7\nb: 40\nc: seven\nd: 1.5\ne: 1.5x\nf: 3.5\n", 0, 0, d));
  yaml_node_t *root = mb_yaml_root(&y);
  long n = -1;
  CHECK(mb_yaml_int(&y, mb_yaml_get(&y, root, "a"), "columns", 1, 12, &n));
  CHECK_INT(n, 7);
  CHECK(!mb_yaml_int(&y, mb_yaml_get(&y, root, "b"), "columns", 1, 12, &n));
  CHECK_DIAG(d, 0, "t.yaml", 2, 4, "columns must be between 1 and 12, not 40");
  CHECK(!mb_yaml_int(&y, mb_yaml_get(&y, root, "c"), "columns", 1, 12, &n));
  CHECK_DIAG(d, 1, "t.yaml", 3, 4, "columns must be a whole number, not 'seven'");
  CHECK(!mb_yaml_int(&y, mb_yaml_get(&y, root, "d"), "columns", 1, 12, &n));
  CHECK_DIAG(d, 2, "t.yaml", 4, 4, "whole number, not '1.5'");
  CHECK_INT(n, 7);
  double x = 0;
  CHECK(mb_yaml_number(&y, mb_yaml_get(&y, root, "d"), "ratio", 0, 2, &x));
  CHECK_NEAR(x, 1.5, 1e-12);
  CHECK(!mb_yaml_number(&y, mb_yaml_get(&y, root, "e"), "ratio", 0, 2, &x));
  CHECK_DIAG(d, 3, "t.yaml", 5, 4, "ratio must be a number, not '1.5x'");
  CHECK(!mb_yaml_number(&y, mb_yaml_get(&y, root, "f"), "ratio", 0, 2, &x));
  CHECK_DIAG(d, 4, "t.yaml", 6, 4, "ratio must be between 0 and 2, not '3.5'");
  mb_yaml_done(&y);
  mb_diags_free(d);
}

static void test_yaml_bool(void) {
  mb_diags *d = mb_diags_new();
  mb_yaml y;
  CHECK(yaml(&y, "[yes, No, TRUE, off, maybe]", 0, 0, d));
  yaml_node_t *root = mb_yaml_root(&y);
  bool v = false;
  CHECK(mb_yaml_bool(&y, mb_yaml_seq_item(&y, root, 0), "span", &v) && v);
  CHECK(mb_yaml_bool(&y, mb_yaml_seq_item(&y, root, 1), "span", &v) && !v);
  CHECK(mb_yaml_bool(&y, mb_yaml_seq_item(&y, root, 2), "span", &v) && v);
  CHECK(mb_yaml_bool(&y, mb_yaml_seq_item(&y, root, 3), "span", &v) && !v);
  CHECK(!mb_yaml_bool(&y, mb_yaml_seq_item(&y, root, 4), "span", &v));
  CHECK_DIAG(d, 0, "t.yaml", 1, 22, "span must be yes or no, not 'maybe'");
  CHECK_INT(mb_diags_count(d), 1);
  mb_yaml_done(&y);
  mb_diags_free(d);
}

/* ---- atomic output ---- */

/* Makes a fresh temporary folder; the caller removes it and frees the path. */
static char *temp_dir(void) {
  const char *base = getenv("TMPDIR");
  char *tmpl = mb_path_join(base && *base ? base : "/tmp", "mb-test-util-XXXXXX");
  if (!mkdtemp(tmpl)) {
    perror("mkdtemp");
    exit(2);
  }
  return tmpl;
}

/* Number of ".mkbrochure-*" temporary files in dir. */
static int count_temp_files(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  if (!d) return -1;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    n += strncmp(e->d_name, ".mkbrochure-", 12) == 0;
  closedir(d);
  return n;
}

static char *slurp(const char *path) {
  mb_diags *d = mb_diags_new();
  char *text = mb_read_file(path, 1 << 20, NULL, d, mb_pos_file(NULL));
  mb_diags_free(d);
  return text;
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (!f) return;
  fputs(text, f);
  fclose(f);
}

static void test_outfile_commit(void) {
  char *dir = temp_dir(), *path = mb_path_join(dir, "out.txt");
  mb_diags *d = mb_diags_new();
  mb_outfile out;
  CHECK(mb_outfile_open(&out, path, d));
  CHECK(out.tmp_path != NULL && out.fp != NULL);
  CHECK_STR(mb_outfile_pending(), out.tmp_path);
  CHECK_INT(strncmp(mb_path_base(out.tmp_path), ".mkbrochure-", 12), 0);
  CHECK(!mb_is_file(path)); /* nothing at the destination until commit */
  CHECK_INT(count_temp_files(dir), 1);
  fputs("hello, world\n", out.fp);
  CHECK(mb_outfile_commit(&out, d));
  CHECK(mb_outfile_pending() == NULL);
  char *text = slurp(path);
  CHECK_STR(text, "hello, world\n");
  free(text);
  CHECK_INT(count_temp_files(dir), 0);
  CHECK_INT(mb_diags_count(d), 0);
  unlink(path);
  rmdir(dir);
  free(path);
  free(dir);
  mb_diags_free(d);
}

static void test_outfile_replace(void) {
  char *dir = temp_dir(), *path = mb_path_join(dir, "out.txt");
  write_text(path, "old contents");
  mb_diags *d = mb_diags_new();
  mb_outfile out;
  CHECK(mb_outfile_open(&out, path, d));
  fputs("new", out.fp);
  char *text = slurp(path);
  CHECK_STR(text, "old contents"); /* untouched while writing */
  free(text);
  CHECK(mb_outfile_commit(&out, d));
  text = slurp(path);
  CHECK_STR(text, "new");
  free(text);
  CHECK_INT(count_temp_files(dir), 0);
  unlink(path);
  rmdir(dir);
  free(path);
  free(dir);
  mb_diags_free(d);
}

static void test_outfile_abort(void) {
  char *dir = temp_dir(), *path = mb_path_join(dir, "keep.pdf");
  write_text(path, "the previous brochure");
  mb_diags *d = mb_diags_new();
  mb_outfile out;
  CHECK(mb_outfile_open(&out, path, d));
  char *tmp = mb_xstrdup(out.tmp_path);
  fputs("half-written", out.fp);
  fflush(out.fp);
  CHECK(mb_is_file(tmp));
  mb_outfile_abort(&out);
  CHECK(!mb_is_file(tmp));
  CHECK(mb_outfile_pending() == NULL);
  CHECK(out.path == NULL && out.tmp_path == NULL && out.fp == NULL);
  char *text = slurp(path);
  CHECK_STR(text, "the previous brochure");
  free(text);
  CHECK_INT(count_temp_files(dir), 0);
  CHECK_INT(mb_diags_count(d), 0);
  unlink(path);
  rmdir(dir);
  free(tmp);
  free(path);
  free(dir);
  mb_diags_free(d);
}

static void test_outfile_rename_fails(void) {
  char *dir = temp_dir(), *path = mb_path_join(dir, "taken");
  mkdir(path, 0700); /* a folder where the file should go: rename fails */
  mb_diags *d = mb_diags_new();
  mb_outfile out;
  CHECK(mb_outfile_open(&out, path, d));
  fputs("data", out.fp);
  CHECK(!mb_outfile_commit(&out, d));
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK(mb_diags_has_kind(d, MB_DIAG_IO));
  if (mb_diags_count(d)) {
    CHECK_STR(mb_diags_at(d, 0)->pos.file, path);
    CHECK_CONTAINS(mb_diags_at(d, 0)->message, "cannot write");
  }
  CHECK(mb_is_dir(path));
  CHECK_INT(count_temp_files(dir), 0);
  CHECK(mb_outfile_pending() == NULL);
  rmdir(path);
  rmdir(dir);
  free(path);
  free(dir);
  mb_diags_free(d);
}

static void test_outfile_stdout(void) {
  mb_diags *d = mb_diags_new();
  mb_outfile out;
  CHECK(mb_outfile_open(&out, "-", d));
  CHECK(out.fp == stdout);
  CHECK(out.tmp_path == NULL);
  CHECK(mb_outfile_pending() == NULL);
  CHECK(mb_outfile_commit(&out, d));
  CHECK(out.path == NULL);
  CHECK_INT(mb_diags_count(d), 0);
  mb_diags_free(d);
}

static void test_outfile_bad_folder(void) {
  char *dir = temp_dir(), *path = mb_path_join(dir, "no/such/folder/out.pdf");
  mb_diags *d = mb_diags_new();
  mb_outfile out;
  CHECK(!mb_outfile_open(&out, path, d));
  CHECK_INT(mb_diags_errors(d), 1);
  CHECK(mb_diags_has_kind(d, MB_DIAG_IO));
  CHECK_STR(mb_diags_at(d, 0)->pos.file, path);
  CHECK_CONTAINS(mb_diags_at(d, 0)->message, "cannot create a temporary file");
  CHECK(mb_outfile_pending() == NULL);
  rmdir(dir);
  free(path);
  free(dir);
  mb_diags_free(d);
}

int main(void) {
  RUN(test_length_units);
  RUN(test_length_percent);
  RUN(test_length_missing_unit);
  RUN(test_length_garbage);
  RUN(test_utf8_valid);
  RUN(test_utf8_truncated);
  RUN(test_utf8_overlong);
  RUN(test_utf8_surrogates);
  RUN(test_utf8_decode_encode);
  RUN(test_line_col);
  RUN(test_line_col_devanagari);
  RUN(test_edit_distance);
  RUN(test_suggest);
  RUN(test_quote_plain);
  RUN(test_quote_control);
  RUN(test_quote_truncation);
  RUN(test_quote_small_buffer);
  RUN(test_diags_counts);
  RUN(test_diags_copy_strings);
  RUN(test_diags_print);
  RUN(test_diags_limit);
  RUN(test_yaml_syntax_error);
  RUN(test_yaml_positions);
  RUN(test_yaml_empty);
  RUN(test_yaml_unknown_key);
  RUN(test_yaml_duplicate_key);
  RUN(test_yaml_check_map_shapes);
  RUN(test_yaml_wrong_types);
  RUN(test_yaml_sequences);
  RUN(test_yaml_numbers);
  RUN(test_yaml_bool);
  RUN(test_outfile_commit);
  RUN(test_outfile_replace);
  RUN(test_outfile_abort);
  RUN(test_outfile_rename_fails);
  RUN(test_outfile_stdout);
  RUN(test_outfile_bad_folder);
  return harness_report();
}
