#include "content.h"

#include "util/file.h"
#include "util/text.h"
#include "util/yaml.h"

#include <cmark.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
  mb_doc *doc;
  mb_arena *arena;
  const char *path; /* arena copy */
  const char *dir;  /* arena copy: the file's folder */
  const char *src;  /* the buffer given to cmark (front matter blanked) */
  size_t len;
  MB_VEC(size_t) lines; /* byte offset of each line start */
  mb_diags *diags;
  int depth;
  bool failed; /* an error in a block that was kept */
} parser;

typedef struct textbuf {
  MB_VEC(char) s;
  MB_VEC(mb_span) spans;
  MB_VEC(mb_srcmark) marks;
} textbuf;

enum { MAX_NESTING = MB_CONTENT_MAX_NESTING };

/* ---- positions ---- */

static void index_lines(parser *p) {
  mb_vec_push(&p->lines, (size_t)0);
  for (size_t i = 0; i < p->len; i++)
    if (p->src[i] == '\n') mb_vec_push(&p->lines, i + 1);
}

/* cmark columns count bytes; diagnostics count characters. */
static mb_pos src_pos(const parser *p, int line, int byte_col) {
  mb_pos pos = {p->path, line, byte_col};
  if (line < 1 || (size_t)line > p->lines.len || byte_col < 1) return pos;
  size_t start = p->lines.items[line - 1];
  int col = 1;
  for (size_t i = start; i < p->len && i < start + (size_t)byte_col - 1; i++)
    if (((unsigned char)p->src[i] & 0xC0) != 0x80) col++;
  pos.col = col;
  return pos;
}

static mb_pos node_pos(const parser *p, cmark_node *n) {
  return src_pos(p, cmark_node_get_start_line(n), cmark_node_get_start_column(n));
}

/* ---- inline text ---- */

/* Appends text. In running text (collapse) runs of spaces become one, as a reader expects of
 * typeset text; code keeps its spaces. */
static void append_text(textbuf *tb, const char *s, size_t len, unsigned flags, const char *href,
                        bool collapse) {
  uint32_t start = (uint32_t)tb->s.len;
  /* This text's own mark (pushed just before), so columns stay true after collapsing. */
  const mb_srcmark *mark = tb->marks.len && tb->marks.items[tb->marks.len - 1].offset == start
                               ? &tb->marks.items[tb->marks.len - 1]
                               : NULL;
  mb_pos base = mark ? mark->pos : (mb_pos){0};
  int chars = 0;
  bool skipped = false;
  for (size_t i = 0; i < len; i++) {
    bool after_space = tb->s.len && tb->s.items[tb->s.len - 1] == ' ';
    if (collapse && s[i] == ' ' && after_space) {
      skipped = true;
    } else {
      if (skipped && base.file) {
        mb_srcmark m = {(uint32_t)tb->s.len, {base.file, base.line, base.col + chars}};
        mb_vec_push(&tb->marks, m);
      }
      skipped = false;
      mb_vec_push(&tb->s, s[i]);
    }
    chars += ((unsigned char)s[i] & 0xC0) != 0x80;
  }
  if (!flags || len == 0) return;
  mb_span *last = tb->spans.len ? &tb->spans.items[tb->spans.len - 1] : NULL;
  if (last && last->end == start && last->flags == flags && last->href == href) {
    last->end = (uint32_t)tb->s.len;
    return;
  }
  mb_span span = {start, (uint32_t)tb->s.len, flags, href};
  mb_vec_push(&tb->spans, span);
}

static void append(textbuf *tb, const char *s, size_t len, unsigned flags, const char *href) {
  append_text(tb, s, len, flags, href, false);
}

/* cmark percent-encodes link destinations ("the dome.jpg" becomes "the%20dome.jpg"); a file
 * path or a heading anchor needs them decoded. Arena-owned. */
static char *decoded(parser *p, const char *url) {
  return mb_percent_decode(mb_arena_strdup(p->arena, url));
}

/* HTML comments are the writer's notes: they are not printed. */
static bool is_comment(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\n') s++;
  return strncmp(s, "<!--", 4) == 0;
}

static void gather(parser *p, textbuf *tb, cmark_node *parent, unsigned flags, const char *href) {
  for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
    const char *lit = cmark_node_get_literal(n);
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_HTML_INLINE: /* raw HTML is text like any other, comments aside */
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE:
      if (cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE && is_comment(lit)) break;
      if (cmark_node_get_start_line(n) > 0) {
        mb_srcmark m = {(uint32_t)tb->s.len, node_pos(p, n)};
        mb_vec_push(&tb->marks, m);
      }
      if (cmark_node_get_type(n) == CMARK_NODE_CODE)
        append(tb, lit, strlen(lit), flags | MB_SPAN_CODE, href);
      else
        append_text(tb, lit, strlen(lit), flags, href, true);
      break;
    case CMARK_NODE_SOFTBREAK: append_text(tb, " ", 1, flags, href, true); break;
    case CMARK_NODE_LINEBREAK: append(tb, "\xE2\x80\xA8", 3, flags, href); break;
    case CMARK_NODE_EMPH: gather(p, tb, n, flags | MB_SPAN_EMPH, href); break;
    case CMARK_NODE_STRONG: gather(p, tb, n, flags | MB_SPAN_STRONG, href); break;
    case CMARK_NODE_LINK: {
      const char *url = cmark_node_get_url(n);
      const char *h = !url || !*url   ? NULL
                      : url[0] == '#' ? decoded(p, url)
                                      : mb_arena_strdup(p->arena, url);
      gather(p, tb, n, h ? flags | MB_SPAN_LINK : flags, h ? h : href);
      break;
    }
    case CMARK_NODE_IMAGE: gather(p, tb, n, flags, href); break;
    default: gather(p, tb, n, flags, href); break;
    }
  }
}

static mb_text finish_text(parser *p, textbuf *tb) {
  mb_text t;
  t.len = (uint32_t)tb->s.len;
  t.str = mb_arena_strndup(p->arena, tb->s.items ? tb->s.items : "", tb->s.len);
  t.nspans = (uint32_t)tb->spans.len;
  t.spans = mb_arena_memdup(p->arena, tb->spans.items, tb->spans.len * sizeof(mb_span));
  t.nmarks = (uint32_t)tb->marks.len;
  t.marks = mb_arena_memdup(p->arena, tb->marks.items, tb->marks.len * sizeof(mb_srcmark));
  free(tb->s.items);
  free(tb->spans.items);
  free(tb->marks.items);
  return t;
}

static mb_text inline_text(parser *p, cmark_node *n) {
  textbuf tb = {0};
  gather(p, &tb, n, 0, NULL);
  return finish_text(p, &tb);
}

static mb_text literal_text(parser *p, cmark_node *n, int first_line_offset) {
  textbuf tb = {0};
  const char *lit = cmark_node_get_literal(n);
  size_t len = lit ? strlen(lit) : 0;
  while (len && (lit[len - 1] == '\n' || lit[len - 1] == '\r')) len--;
  mb_srcmark m = {0, node_pos(p, n)};
  m.pos.line += first_line_offset;
  mb_vec_push(&tb.marks, m);
  append(&tb, lit ? lit : "", len, 0, NULL);
  return finish_text(p, &tb);
}

/* ---- stats blocks ---- */

static const char *stat_string(parser *p, mb_yaml *y, yaml_node_t *item, const char *key,
                               bool required, mb_pos *pos) {
  yaml_node_t *v = mb_yaml_get(y, item, key);
  *pos = mb_yaml_pos(y, v ? v : item);
  if (!v) {
    if (required) mb_error(p->diags, mb_yaml_pos(y, item), "call-out item has no '%s'", key);
    return NULL;
  }
  char what[64];
  snprintf(what, sizeof what, "call-out '%s'", key);
  const char *s = mb_yaml_str(y, v, what);
  if (!s) return NULL;
  if (!*s && required) {
    mb_error(p->diags, *pos, "call-out '%s' is empty", key);
    return NULL;
  }
  return mb_arena_strdup(p->arena, s);
}

static bool parse_stats(parser *p, cmark_node *n, mb_block *b) {
  const char *lit = cmark_node_get_literal(n);
  mb_yaml y;
  int line = cmark_node_get_start_line(n); /* the fence; YAML starts on the next line */
  if (!mb_yaml_load(&y, p->path, lit, strlen(lit), line, cmark_node_get_start_column(n) - 1,
                    p->diags))
    return false;
  bool ok = true;
  yaml_node_t *root = mb_yaml_root(&y);
  if (!root) {
    mb_error(p->diags, node_pos(p, n), "empty stats block: list call-outs as '- value: ...'");
    ok = false;
  } else if (!mb_yaml_expect_seq(&y, root, "a stats block")) {
    ok = false;
  } else {
    static const char *const keys[] = {"value", "label", "note", NULL};
    size_t count = mb_yaml_seq_len(root);
    b->u.stats.items = mb_arena_calloc(p->arena, count, sizeof(mb_stat));
    for (size_t i = 0; i < count; i++) {
      yaml_node_t *item = mb_yaml_seq_item(&y, root, i);
      if (!mb_yaml_check_map(&y, item, keys, "a call-out item")) {
        ok = false;
        continue;
      }
      mb_stat *s = &b->u.stats.items[b->u.stats.len];
      s->pos = mb_yaml_pos(&y, item);
      s->value = stat_string(p, &y, item, "value", true, &s->value_pos);
      s->label = stat_string(p, &y, item, "label", true, &s->label_pos);
      s->note = stat_string(p, &y, item, "note", false, &s->note_pos);
      if (!s->value || !s->label) {
        ok = false;
        continue;
      }
      b->u.stats.len++;
    }
    if (count == 0) {
      mb_error(p->diags, node_pos(p, n), "empty stats block: list call-outs as '- value: ...'");
      ok = false;
    }
  }
  mb_yaml_done(&y);
  return ok;
}

/* ---- blocks ---- */

static bool convert_blocks(parser *p, cmark_node *parent, mb_blocks *out);

static mb_image_format image_format(const char *path) {
  const char *dot = strrchr(path, '.');
  if (!dot) return MB_IMAGE_UNKNOWN;
  if (mb_str_eq_nocase(dot, ".png")) return MB_IMAGE_PNG;
  if (mb_str_eq_nocase(dot, ".jpg") || mb_str_eq_nocase(dot, ".jpeg")) return MB_IMAGE_JPEG;
  if (mb_str_eq_nocase(dot, ".svg")) return MB_IMAGE_SVG;
  return MB_IMAGE_UNKNOWN;
}

/* A paragraph that holds one image and nothing else but spaces becomes an image block. */
static cmark_node *lone_image(cmark_node *para) {
  cmark_node *image = NULL;
  for (cmark_node *n = cmark_node_first_child(para); n; n = cmark_node_next(n)) {
    cmark_node_type t = cmark_node_get_type(n);
    if (t == CMARK_NODE_IMAGE && !image) {
      image = n;
    } else if (t == CMARK_NODE_TEXT) {
      const char *s = cmark_node_get_literal(n);
      if (s[strspn(s, " \t")]) return NULL;
    } else if (t != CMARK_NODE_SOFTBREAK) {
      return NULL;
    }
  }
  return image;
}

static void convert_image(parser *p, cmark_node *img, mb_block *b) {
  b->kind = MB_BLOCK_IMAGE;
  const char *url = cmark_node_get_url(img);
  const char *title = cmark_node_get_title(img);
  b->u.image.src = mb_arena_strdup(p->arena, url ? url : "");
  const char *path = decoded(p, url ? url : "");
  if (path[0] == '/') {
    b->u.image.path = path;
  } else {
    char *joined = mb_path_join(p->dir, path);
    b->u.image.path = mb_arena_strdup(p->arena, joined);
    free(joined);
  }
  mb_text alt = inline_text(p, img);
  b->u.image.alt = alt.str;
  b->u.image.title = title && *title ? mb_arena_strdup(p->arena, title) : NULL;
  b->u.image.format = image_format(b->u.image.path);
}

static bool convert_list(parser *p, cmark_node *n, mb_block *b) {
  bool ok = true;
  b->kind = MB_BLOCK_LIST;
  b->u.list.ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
  b->u.list.tight = cmark_node_get_list_tight(n);
  b->u.list.start = cmark_node_get_list_start(n);
  size_t count = 0;
  for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) count++;
  b->u.list.items = mb_arena_calloc(p->arena, count, sizeof(mb_blocks));
  for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
    ok &= convert_blocks(p, c, &b->u.list.items[b->u.list.nitems++]);
  return ok;
}

/* A fenced code block's text starts on the line after its fence. */
static bool is_fenced(cmark_node *n) {
  /* An indented block's text fills every line of the block; a fenced one's does not. */
  const char *lit = cmark_node_get_literal(n);
  int lines = 0;
  for (const char *c = lit ? lit : ""; *c; c++) lines += *c == '\n';
  return lines < cmark_node_get_end_line(n) - cmark_node_get_start_line(n) + 1;
}

/* Keeps the work of one paragraph bounded. */
static void check_size(parser *p, const mb_block *b, const mb_text *t, const char *what) {
  if (t->len <= MB_CONTENT_MAX_TEXT) return;
  mb_error(p->diags, b->pos, "%s of %u bytes is longer than the limit of %d bytes: split it", what,
           t->len, MB_CONTENT_MAX_TEXT);
  p->failed = true;
}

static bool convert_block(parser *p, cmark_node *n, mb_block *b) {
  b->pos = node_pos(p, n);
  switch (cmark_node_get_type(n)) {
  case CMARK_NODE_PARAGRAPH: {
    cmark_node *img = lone_image(n);
    if (img) {
      convert_image(p, img, b);
    } else {
      b->kind = MB_BLOCK_PARA;
      b->u.text = inline_text(p, n);
      check_size(p, b, &b->u.text, "a paragraph");
    }
    return true;
  }
  case CMARK_NODE_HEADING:
    b->kind = MB_BLOCK_HEADING;
    b->u.heading.level = cmark_node_get_heading_level(n);
    b->u.heading.text = inline_text(p, n);
    check_size(p, b, &b->u.heading.text, "a heading");
    return true;
  case CMARK_NODE_BLOCK_QUOTE: b->kind = MB_BLOCK_QUOTE; return convert_blocks(p, n, &b->u.quote);
  case CMARK_NODE_LIST: return convert_list(p, n, b);
  case CMARK_NODE_CODE_BLOCK: {
    const char *info = cmark_node_get_fence_info(n);
    if (info && strncmp(info, "stats", 5) == 0 && (info[5] == '\0' || info[5] == ' ')) {
      b->kind = MB_BLOCK_STATS;
      return parse_stats(p, n, b);
    }
    b->kind = MB_BLOCK_CODE;
    b->u.text = literal_text(p, n, is_fenced(n) ? 1 : 0);
    check_size(p, b, &b->u.text, "a code block");
    return true;
  }
  case CMARK_NODE_HTML_BLOCK:
    if (is_comment(cmark_node_get_literal(n))) return false;
    b->kind = MB_BLOCK_PARA;
    b->u.text = literal_text(p, n, 0);
    check_size(p, b, &b->u.text, "a block of HTML");
    return true;
  case CMARK_NODE_THEMATIC_BREAK: b->kind = MB_BLOCK_PAGEBREAK; return true;
  default: return false;
  }
}

static bool convert_blocks(parser *p, cmark_node *parent, mb_blocks *out) {
  if (++p->depth > MAX_NESTING) {
    mb_error(p->diags, node_pos(p, parent), "lists and quotes nested deeper than %d levels",
             MAX_NESTING);
    p->depth--;
    return false;
  }
  MB_VEC(mb_block) v = {0};
  bool ok = true;
  for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
    mb_block b;
    memset(&b, 0, sizeof b);
    if (convert_block(p, n, &b)) {
      mb_vec_push(&v, b);
    } else if (cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK ||
               cmark_node_get_type(n) == CMARK_NODE_LIST ||
               cmark_node_get_type(n) == CMARK_NODE_BLOCK_QUOTE) {
      ok = false;
    }
  }
  out->len = v.len;
  out->items = mb_arena_memdup(p->arena, v.items, v.len * sizeof(mb_block));
  free(v.items);
  p->depth--;
  return ok;
}

/* ---- front matter ---- */

/* Length of the line at s (without its newline) and where the next line starts. */
static size_t line_end(const char *s, size_t len, size_t at, size_t *next) {
  size_t e = at;
  while (e < len && s[e] != '\n') e++;
  *next = e < len ? e + 1 : e;
  while (e > at && (s[e - 1] == '\r' || s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
  return e - at;
}

/* Finds front matter: a first line "---", then YAML, then a line "---" or "...".
 * Sets the YAML's start and end offsets and where the Markdown body starts. */
static bool find_front_matter(const char *s, size_t len, size_t *yaml_start, size_t *yaml_end,
                              size_t *body) {
  size_t next;
  if (line_end(s, len, 0, &next) != 3 || memcmp(s, "---", 3) != 0) return false;
  *yaml_start = next;
  for (size_t at = next; at < len;) {
    size_t n = line_end(s, len, at, &next);
    if (n == 3 && (memcmp(s + at, "---", 3) == 0 || memcmp(s + at, "...", 3) == 0)) {
      *yaml_end = at;
      *body = next;
      return true;
    }
    at = next;
  }
  return false;
}

static bool valid_lang(const char *s) {
  size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
  if (n < 2 || n > 3) return false;
  s += n;
  while (*s == '-') {
    n = strspn(s + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    if (n < 1 || n > 8) return false;
    s += 1 + n;
  }
  return *s == '\0';
}

static const char *meta_str(parser *p, mb_yaml *y, yaml_node_t *map, const char *key) {
  yaml_node_t *v = mb_yaml_get(y, map, key);
  if (!v) return NULL;
  char what[64];
  snprintf(what, sizeof what, "front matter '%s'", key);
  const char *s = mb_yaml_str(y, v, what);
  return s ? mb_arena_strdup(p->arena, s) : NULL;
}

/* A string or a list of strings. */
static const char **meta_list(parser *p, mb_yaml *y, yaml_node_t *map, const char *key,
                              size_t *count) {
  yaml_node_t *v = mb_yaml_get(y, map, key);
  *count = 0;
  if (!v) return NULL;
  char what[64];
  snprintf(what, sizeof what, "front matter '%s'", key);
  if (v->type == YAML_SCALAR_NODE) {
    const char **list = mb_arena_calloc(p->arena, 1, sizeof(char *));
    const char *s = mb_yaml_str(y, v, what);
    if (!s) return NULL;
    list[0] = mb_arena_strdup(p->arena, s);
    *count = 1;
    return list;
  }
  if (!mb_yaml_expect_seq(y, v, what)) return NULL;
  size_t n = mb_yaml_seq_len(v);
  const char **list = mb_arena_calloc(p->arena, n ? n : 1, sizeof(char *));
  for (size_t i = 0; i < n; i++) {
    const char *s = mb_yaml_str(y, mb_yaml_seq_item(y, v, i), what);
    if (s) list[(*count)++] = mb_arena_strdup(p->arena, s);
  }
  return list;
}

static bool parse_template(parser *p, mb_yaml *y, yaml_node_t *map, mb_section *sec) {
  static const char *const names[] = {"body", "cover", "back", NULL};
  static const mb_template_kind kinds[] = {MB_TEMPLATE_BODY, MB_TEMPLATE_COVER, MB_TEMPLATE_BACK};
  yaml_node_t *v = mb_yaml_get(y, map, "template");
  sec->template_kind = MB_TEMPLATE_BODY;
  if (!v) return true;
  sec->meta.template_pos = mb_yaml_pos(y, v);
  const char *s = mb_yaml_str(y, v, "front matter 'template'");
  if (!s) return false;
  for (int i = 0; names[i]; i++) {
    if (strcmp(s, names[i]) == 0) {
      sec->template_kind = kinds[i];
      sec->meta.template_name = names[i];
      return true;
    }
  }
  char q[120];
  const char *hint = mb_suggest(s, names);
  mb_error(p->diags, mb_yaml_pos(y, v), "unknown template %s (use cover, body or back)%s%s%s",
           mb_quote(q, sizeof q, s, strlen(s), 40), hint ? "; did you mean '" : "",
           hint ? hint : "", hint ? "'?" : "");
  return false;
}

static bool parse_front_matter(parser *p, const char *buf, size_t start, size_t end,
                               mb_section *sec) {
  mb_yaml y;
  int line, col;
  mb_line_col(buf, start, &line, &col);
  if (!mb_yaml_load(&y, p->path, buf + start, end - start, line - 1, 0, p->diags)) return false;
  yaml_node_t *root = mb_yaml_root(&y);
  size_t errors = mb_diags_errors(p->diags);
  bool ok = true;
  static const char *const keys[] = {"title",    "subtitle", "lang",     "author",       "subject",
                                     "keywords", "date",     "template", "running-head", NULL};
  if (root && mb_yaml_check_map(&y, root, keys, "front matter")) {
    mb_meta *m = &sec->meta;
    m->title = meta_str(p, &y, root, "title");
    m->title_pos = mb_yaml_pos(&y, mb_yaml_get(&y, root, "title"));
    m->subtitles = meta_list(p, &y, root, "subtitle", &m->nsubtitles);
    m->subtitle_pos = mb_yaml_pos(&y, mb_yaml_get(&y, root, "subtitle"));
    m->lang = meta_str(p, &y, root, "lang");
    m->author = meta_str(p, &y, root, "author");
    m->subject = meta_str(p, &y, root, "subject");
    m->keywords = meta_list(p, &y, root, "keywords", &m->nkeywords);
    m->date = meta_str(p, &y, root, "date");
    m->running_head = meta_str(p, &y, root, "running-head");
    if (m->lang && !valid_lang(m->lang)) {
      char q[80];
      mb_error(p->diags, mb_yaml_pos(&y, mb_yaml_get(&y, root, "lang")),
               "front matter 'lang' must be a language tag such as en or hi, not %s",
               mb_quote(q, sizeof q, m->lang, strlen(m->lang), 20));
      ok = false;
    }
    ok &= parse_template(p, &y, root, sec);
  } else if (root) {
    ok = false;
  }
  mb_yaml_done(&y);
  return ok && mb_diags_errors(p->diags) == errors; /* a value of the wrong type, say */
}

/* ---- files ---- */

static bool check_bytes(parser *p, const char *buf, size_t len) {
  size_t bad = mb_utf8_check(buf, len);
  const char *zero = memchr(buf, '\0', len);
  size_t nul = zero ? (size_t)(zero - buf) : len;
  if (nul < len && nul < bad) bad = nul;
  if (bad == len) return true;
  int line, col;
  mb_line_col(buf, bad, &line, &col);
  mb_pos pos = {p->path, line, col};
  if (bad == nul)
    mb_error(p->diags, pos, "NUL byte at offset %zu: the file is not text", bad);
  else
    mb_error(p->diags, pos, "invalid UTF-8 (byte 0x%02X at offset %zu); save the file as UTF-8",
             (unsigned char)buf[bad], bad);
  return false;
}

bool mb_content_parse(mb_doc *doc, const char *path, const char *buf, size_t len, mb_diags *diags) {
  parser p = {0};
  p.doc = doc;
  p.arena = doc->arena;
  p.path = mb_arena_strdup(doc->arena, path);
  char *dir = mb_path_dir(path);
  p.dir = mb_arena_strdup(doc->arena, dir);
  free(dir);
  p.diags = diags;
  if (!check_bytes(&p, buf, len)) return false;
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) { /* a byte order mark */
    buf += 3;
    len -= 3;
  }

  mb_section sec;
  memset(&sec, 0, sizeof sec);
  sec.path = p.path;
  size_t ystart, yend, body;
  char *copy = mb_xstrndup(buf, len);
  bool ok = true;
  if (find_front_matter(buf, len, &ystart, &yend, &body)) {
    ok = parse_front_matter(&p, buf, ystart, yend, &sec);
    /* Blank the front matter, keeping its newlines, so cmark's line numbers stay true. */
    for (size_t i = 0; i < body; i++)
      if (copy[i] != '\n') copy[i] = ' ';
  }
  p.src = copy;
  p.len = len;
  index_lines(&p);
  cmark_node *root = cmark_parse_document(copy, len, CMARK_OPT_SOURCEPOS | CMARK_OPT_SMART);
  ok &= convert_blocks(&p, root, &sec.blocks);
  ok &= !p.failed;
  cmark_node_free(root);
  free(copy);
  free(p.lines.items);

  size_t n = doc->nsections;
  mb_section *grown = mb_arena_calloc(doc->arena, n + 1, sizeof(mb_section));
  if (n) memcpy(grown, doc->sections, n * sizeof(mb_section));
  grown[n] = sec;
  doc->sections = grown;
  doc->nsections = n + 1;
  return ok;
}

mb_doc *mb_doc_new(void) {
  mb_doc *doc = mb_xcalloc(1, sizeof(mb_doc));
  doc->arena = mb_arena_new();
  return doc;
}

static void number_block(mb_block *b, int depth, void *data) {
  (void)depth;
  int *next = data;
  b->id = (*next)++;
}

#define FIRST(field)                                                                               \
  if (!m->field && s->field) m->field = s->field

void mb_doc_finish(mb_doc *doc) {
  int next = 0;
  mb_doc_walk(doc, number_block, &next);
  doc->nblocks = next;
  mb_meta *m = &doc->meta;
  for (size_t i = 0; i < doc->nsections; i++) {
    const mb_meta *s = &doc->sections[i].meta;
    FIRST(title);
    FIRST(lang);
    FIRST(author);
    FIRST(subject);
    FIRST(date);
    if (!m->nsubtitles && s->nsubtitles) {
      m->subtitles = s->subtitles;
      m->nsubtitles = s->nsubtitles;
    }
    if (!m->nkeywords && s->nkeywords) {
      m->keywords = s->keywords;
      m->nkeywords = s->nkeywords;
    }
  }
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .md files of a folder, sorted by name; NULL-terminated, caller frees. */
static char **list_markdown(const char *dir, mb_diags *diags) {
  DIR *d = opendir(dir);
  if (!d) {
    mb_io_error(diags, mb_pos_file(dir), "cannot read the content folder");
    return NULL;
  }
  MB_VEC(char *) names = {0};
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || !mb_path_has_suffix(e->d_name, ".md")) continue;
    if (names.len >= MB_CONTENT_MAX_FILES) {
      mb_error(diags, mb_pos_file(dir), "more than %d Markdown files", MB_CONTENT_MAX_FILES);
      break;
    }
    mb_vec_push(&names, mb_path_join(dir, e->d_name));
  }
  closedir(d);
  if (names.len) qsort(names.items, names.len, sizeof(char *), compare_names);
  mb_vec_push(&names, (char *)NULL);
  return names.items;
}

static bool load_file(mb_doc *doc, const char *path, mb_diags *diags) {
  size_t len;
  char *buf = mb_read_file(path, MB_CONTENT_MAX_FILE, &len, diags, mb_pos_file(NULL));
  if (!buf) return false;
  bool ok = mb_content_parse(doc, path, buf, len, diags);
  free(buf);
  return ok;
}

mb_doc *mb_content_load(const char *path, mb_diags *diags) {
  mb_doc *doc = mb_doc_new();
  bool ok = true;
  if (mb_is_dir(path)) {
    char **names = list_markdown(path, diags);
    if (!names) {
      mb_doc_free(doc);
      return NULL;
    }
    if (!names[0]) {
      mb_error(diags, mb_pos_file(path), "the content folder has no .md files");
      ok = false;
    }
    for (size_t i = 0; names[i]; i++) {
      ok &= load_file(doc, names[i], diags);
      free(names[i]);
    }
    free(names);
  } else {
    ok = load_file(doc, path, diags);
  }
  if (ok) {
    mb_doc_finish(doc);
    if (doc->nblocks > MB_CONTENT_MAX_BLOCKS) {
      mb_error(diags, mb_pos_file(path),
               "the content has %d paragraphs, headings and other blocks; the limit is %d",
               doc->nblocks, MB_CONTENT_MAX_BLOCKS);
      ok = false;
    }
  }
  if (!ok) {
    mb_doc_free(doc);
    return NULL;
  }
  return doc;
}
