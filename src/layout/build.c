/* Blocks into flow items: paragraphs become lines (with their keeps), headings keep with what
 * follows, quotes, call-out groups and images become unbreakable blocks or full-width spans. */
#include "flow.h"

#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct builder {
  lctx *c;
  flow *out;
  mb_len col_w, full_w;
  mb_len pending; /* space owed after the previous block */
  bool at_start;
} builder;

static mb_len max_len(mb_len a, mb_len b) {
  return a > b ? a : b;
}

/* The language of a text (by its letters; the section's for what has none), looked up once
 * for its style and its paragraph. */
static const char *text_lang(lctx *c, const mb_text *text) {
  if (c->lang_str != text->str || c->lang_len != text->len || c->lang_section != c->lang) {
    c->lang_str = text->str;
    c->lang_len = text->len;
    c->lang_section = c->lang;
    c->lang_found = mb_text_lang(text->str, text->len, c->lang);
  }
  return c->lang_found;
}

const mb_style *mb_flow_style(lctx *c, const char *role, const mb_text *text) {
  return mb_layout_style(c->spec, role, text ? text_lang(c, text) : c->lang);
}

mb_text mb_flow_plain(lctx *c, const char *s, mb_pos pos) {
  mb_text t;
  memset(&t, 0, sizeof t);
  t.str = s;
  t.len = (uint32_t)strlen(s);
  mb_srcmark *m = mb_arena_alloc(c->arena, sizeof(mb_srcmark));
  m->pos = pos;
  t.marks = m;
  t.nmarks = pos.file ? 1 : 0;
  return t;
}

bool mb_flow_para(lctx *c, const mb_text *text, const mb_style *style, mb_len width, int block,
                  mb_pos pos, mb_line **lines, size_t *nlines) {
  return mb_flow_para_hyphenated(c, text, style, false, width, block, pos, lines, nlines);
}

bool mb_flow_para_hyphenated(lctx *c, const mb_text *text, const mb_style *style, bool hyphenate,
                             mb_len width, int block, mb_pos pos, mb_line **lines, size_t *nlines) {
  const mb_style *link = mb_layout_find_style(c->spec, "link");
  mb_para_in in;
  memset(&in, 0, sizeof in);
  in.text = text;
  in.style = style;
  in.lang = c->lang;
  in.text_lang = text_lang(c, text);
  in.width = width > MB_PT(1) ? width : MB_PT(1);
  in.first_indent = style->first_indent;
  in.link_color = link ? link->color : style->color;
  in.code_font = mb_layout_style(c->spec, "code", c->lang)->font;
  in.pos = pos;
  in.block = block;
  in.hyphenate = hyphenate && style->hyphenate;
  return c->builder->build(c->builder, &in, c->arena, lines, nlines, c->diags);
}

/* ---- items ---- */

static flow_item *add_item(builder *b, flow_kind kind, mb_len height, const mb_block *blk) {
  flow_item *it = mb_vec_add(b->out);
  it->kind = kind;
  it->height = height;
  it->block = blk ? blk->id : -1;
  it->block_kind = blk ? blk->kind : MB_BLOCK_PARA;
  it->pos = blk ? blk->pos : (mb_pos){0};
  b->at_start = false;
  return it;
}

static void add_space(builder *b, mb_len before) {
  mb_len h = max_len(b->pending, before);
  b->pending = 0;
  if (b->at_start || h <= 0) return;
  bool keep = b->out->len && b->out->items[b->out->len - 1].keep;
  flow_item *it = add_item(b, FLOW_SPACE, h, NULL);
  it->keep = keep;
}

/* Copies boxes, moving them by (dx, dy). */
static mb_box *moved_boxes(lctx *c, const mb_box *src, size_t n, mb_len dx, mb_len dy) {
  mb_box *boxes = mb_arena_calloc(c->arena, n, sizeof(mb_box));
  for (size_t i = 0; i < n; i++) {
    boxes[i] = src[i];
    boxes[i].x += dx;
    boxes[i].y += dy;
    if (boxes[i].kind == MB_BOX_GLYPHS) boxes[i].u.glyphs.baseline += dy;
  }
  return boxes;
}

/* Line boxes with their runs moved to the line's place. */
static mb_box *line_boxes(lctx *c, const mb_line *line, mb_len dx, mb_len dy, size_t *n) {
  *n = line->nruns;
  return moved_boxes(c, line->runs, line->nruns, line->x + dx, dy);
}

/* Widows and orphans: a break after line k leaves k+1 lines above and n-k-1 below; both
 * must be at least 2. */
static bool break_allowed_after(size_t k, size_t n) {
  return k + 1 >= 2 && n - k - 1 >= 2;
}

static void add_lines(builder *b, const mb_block *blk, const mb_line *lines, size_t n, mb_len dx,
                      bool keep_last, const mb_box *marker) {
  for (size_t k = 0; k < n; k++) {
    flow_item *it = add_item(b, FLOW_LINE, lines[k].height, blk);
    it->boxes = line_boxes(b->c, &lines[k], dx, 0, &it->nboxes);
    if (k == 0 && marker) {
      mb_box *grown = mb_arena_calloc(b->c->arena, it->nboxes + 1, sizeof(mb_box));
      memcpy(grown, it->boxes, it->nboxes * sizeof(mb_box));
      grown[it->nboxes++] = *marker;
      it->boxes = grown;
    }
    it->line = (int)k;
    it->nlines = (int)n;
    it->keep = k + 1 < n ? !break_allowed_after(k, n) : keep_last;
  }
}

typedef MB_VEC(mb_box) box_vec;

/* Stacks lines into one list of boxes; returns the height. */
static mb_len stack_lines(lctx *c, const mb_line *lines, size_t n, mb_len dx, mb_len y,
                          box_vec *boxes) {
  for (size_t k = 0; k < n; k++) {
    size_t nb;
    mb_box *bx = line_boxes(c, &lines[k], dx, y, &nb);
    for (size_t i = 0; i < nb; i++) mb_vec_push(boxes, bx[i]);
    y += lines[k].height;
  }
  return y;
}

static void finish_boxes(lctx *c, flow_item *it, box_vec *boxes) {
  it->boxes = mb_arena_memdup(c->arena, boxes->items, boxes->len * sizeof(mb_box));
  it->nboxes = boxes->len;
  free(boxes->items);
  memset(boxes, 0, sizeof *boxes);
}

/* ---- paragraphs, headings, code ---- */

static void build_text(builder *b, const mb_block *blk, const mb_text *text, const char *role,
                       mb_len indent, const mb_box *marker) {
  const mb_style *s = mb_flow_style(b->c, role, text);
  mb_line *lines;
  size_t n;
  bool prose = blk->kind == MB_BLOCK_PARA && strcmp(role, "source") != 0;
  if (!mb_flow_para_hyphenated(b->c, text, s, prose, b->col_w - indent - s->indent, blk->id,
                               blk->pos, &lines, &n))
    return;
  add_space(b, s->space_before);
  add_lines(b, blk, lines, n, indent + s->indent, s->keep_with_next, marker);
  b->pending = s->space_after;
}

static void build_heading(builder *b, const mb_block *blk) {
  char role[8];
  snprintf(role, sizeof role, "h%d", blk->u.heading.level);
  const mb_text *text = &blk->u.heading.text;
  const mb_style *s = mb_flow_style(b->c, role, text);
  mb_line *lines;
  size_t n;
  mb_len width = (s->span ? b->full_w : b->col_w) - s->indent;
  if (!mb_flow_para(b->c, text, s, width, blk->id, blk->pos, &lines, &n)) return;
  if (!s->span) {
    add_space(b, s->space_before);
    add_lines(b, blk, lines, n, s->indent, true, NULL);
    b->pending = s->space_after;
    return;
  }
  b->pending = 0;
  box_vec boxes = {0};
  mb_len h = stack_lines(b->c, lines, n, s->indent, 0, &boxes);
  flow_item *it = add_item(b, FLOW_SPAN, h, blk);
  finish_boxes(b->c, it, &boxes);
  it->before = s->space_before;
  it->after = s->space_after;
  it->keep = true;
  it->nlines = (int)n;
}

/* ---- lists ---- */

static void build_blocks(builder *b, const mb_blocks *blocks, int depth);

static bool marker_box(builder *b, const mb_block *list, size_t index, const mb_text *first,
                       int first_block, mb_len indent, mb_box *out) {
  char label[32];
  if (list->u.list.ordered)
    snprintf(label, sizeof label, "%ld.", (long)list->u.list.start + (long)index);
  else
    snprintf(label, sizeof label, "%s", b->c->spec->lists.bullet);
  mb_text t = mb_flow_plain(b->c, mb_arena_strdup(b->c->arena, label), list->pos);
  const mb_style *s = mb_flow_style(b->c, "list", first);
  mb_line *lines;
  size_t n;
  if (!mb_flow_para(b->c, &t, s, MB_PT(200), -1, list->pos, &lines, &n) || n == 0 ||
      lines[0].nruns == 0)
    return false;
  *out = lines[0].runs[0];
  out->block = first_block;
  out->x = indent - s->size / 2 - lines[0].width;
  if (out->x < 0) out->x = 0;
  return true;
}

static void build_list(builder *b, const mb_block *blk, int depth) {
  const mb_list_spec *ls = &b->c->spec->lists;
  mb_len indent = ls->indent * (depth + 1);
  for (size_t i = 0; i < blk->u.list.nitems; i++) {
    const mb_blocks *item = &blk->u.list.items[i];
    for (size_t k = 0; k < item->len; k++) {
      const mb_block *child = &item->items[k];
      if (child->kind == MB_BLOCK_PARA) {
        mb_box marker;
        bool has = k == 0 && marker_box(b, blk, i, &child->u.text, child->id, indent, &marker);
        build_text(b, child, &child->u.text, "list", indent, has ? &marker : NULL);
      } else if (child->kind == MB_BLOCK_LIST) {
        build_list(b, child, depth + 1);
      } else {
        build_blocks(b, &(mb_blocks){(mb_block *)child, 1}, depth + 1);
      }
    }
  }
}

/* ---- pull quotes ---- */

static bool is_source_line(const mb_text *t) {
  return strncmp(t->str, "\xE2\x80\x94", 3) == 0 || strncmp(t->str, "\xE2\x80\x93", 3) == 0 ||
         strncmp(t->str, "--", 2) == 0;
}

/* The text of a block inside a pull quote: paragraphs, and headings and code set as them. */
static const mb_text *quote_text(const mb_block *b) {
  switch (b->kind) {
  case MB_BLOCK_PARA:
  case MB_BLOCK_CODE: return &b->u.text;
  case MB_BLOCK_HEADING: return &b->u.heading.text;
  default: return NULL;
  }
}

static void build_quote(builder *b, const mb_block *blk) {
  const mb_quote_spec *q = &b->c->spec->quotes;
  box_vec boxes = {0};
  mb_len y = 0, before = 0, after = 0;
  for (size_t i = 0; i < blk->u.quote.len; i++) {
    const mb_block *child = &blk->u.quote.items[i];
    const mb_text *text = quote_text(child);
    if (!text) {
      mb_warning(b->c->diags, child->pos,
                 "a pull quote holds paragraphs only: this part of it is not printed");
      continue;
    }
    const char *role = is_source_line(text) ? "quote-source" : "quote";
    const mb_style *s = mb_flow_style(b->c, role, text);
    mb_line *lines;
    size_t n;
    if (!mb_flow_para_hyphenated(b->c, text, s, true, b->col_w - q->indent, child->id, child->pos,
                                 &lines, &n))
      continue;
    if (y > 0) y += s->space_before;
    if (!boxes.len) before = s->space_before;
    y = stack_lines(b->c, lines, n, q->indent, y, &boxes);
    after = s->space_after;
  }
  if (!boxes.len) return;
  if (q->rule_weight > 0 && (q->rule_color & 0xFF)) {
    mb_box rule;
    memset(&rule, 0, sizeof rule);
    rule.kind = MB_BOX_RULE;
    rule.x = q->rule_weight / 2;
    rule.h = y;
    rule.frame = -1;
    rule.block = blk->id;
    rule.u.rule.color = q->rule_color;
    rule.u.rule.weight = q->rule_weight;
    mb_vec_push(&boxes, rule);
  }
  add_space(b, before);
  flow_item *it = add_item(b, FLOW_BLOCK, y, blk);
  finish_boxes(b->c, it, &boxes);
  b->pending = after;
}

/* ---- call-outs ---- */

typedef struct cell {
  mb_line *value, *label, *note;
  size_t nvalue, nlabel, nnote;
  mb_len height;
} cell;

static mb_len lines_height(const mb_line *lines, size_t n) {
  mb_len h = 0;
  for (size_t i = 0; i < n; i++) h += lines[i].height;
  return h;
}

static void build_cell(builder *b, const mb_stat *st, int block, mb_len w, cell *out) {
  lctx *c = b->c;
  const mb_callout_spec *cs = &c->spec->callouts;
  mb_text value = mb_flow_plain(c, st->value, st->value_pos);
  mb_text label = mb_flow_plain(c, st->label, st->label_pos);
  const mb_style *vs = mb_flow_style(c, cs->value_style, &value);
  const mb_style *ls = mb_flow_style(c, cs->label_style, &label);
  memset(out, 0, sizeof *out);
  mb_flow_para(c, &value, vs, w, block, st->value_pos, &out->value, &out->nvalue);
  mb_flow_para(c, &label, ls, w, block, st->label_pos, &out->label, &out->nlabel);
  out->height = lines_height(out->value, out->nvalue) + ls->space_before +
                lines_height(out->label, out->nlabel);
  if (st->note) {
    mb_text note = mb_flow_plain(c, st->note, st->note_pos);
    const mb_style *ns = mb_flow_style(c, cs->note_style, &note);
    mb_flow_para(c, &note, ns, w, block, st->note_pos, &out->note, &out->nnote);
    out->height += ns->space_before + lines_height(out->note, out->nnote);
  }
  if (out->nvalue > 1)
    mb_warning(c->diags, st->value_pos,
               "call-out value does not fit on one line (%.0f pt wide): shorten it or use fewer "
               "call-out columns",
               mb_len_pt(w));
  if ((int)out->nlabel > cs->max_label_lines)
    mb_warning(c->diags, st->label_pos,
               "call-out label is too long: it takes %zu lines and at most %d fit; shorten it to "
               "about %zu characters",
               out->nlabel, cs->max_label_lines,
               (size_t)(strlen(st->label) * (size_t)cs->max_label_lines / out->nlabel * 9 / 10));
}

static void place_cell(builder *b, const cell *cl, const mb_stat *st, mb_rect r, int block,
                       box_vec *boxes) {
  lctx *c = b->c;
  const mb_callout_spec *cs = &c->spec->callouts;
  if (cs->background & 0xFF) {
    mb_box fill = {
        .kind = MB_BOX_FILL, .x = r.x, .y = r.y, .w = r.w, .h = r.h, .frame = -1, .block = block};
    fill.u.fill = cs->background;
    mb_vec_push(boxes, fill);
  }
  if (cs->rule_weight > 0 && (cs->rule_color & 0xFF)) {
    mb_box rule = {.kind = MB_BOX_RULE,
                   .x = r.x,
                   .y = r.y + cs->rule_weight / 2,
                   .w = r.w,
                   .frame = -1,
                   .block = block};
    rule.u.rule.color = cs->rule_color;
    rule.u.rule.weight = cs->rule_weight;
    mb_vec_push(boxes, rule);
  }
  mb_text label = mb_flow_plain(c, st->label, st->label_pos);
  const mb_style *ls = mb_flow_style(c, cs->label_style, &label);
  mb_len x = r.x + cs->padding, y = r.y + cs->padding;
  y = stack_lines(c, cl->value, cl->nvalue, x, y, boxes);
  y = stack_lines(c, cl->label, cl->nlabel, x, y + ls->space_before, boxes);
  if (cl->nnote) {
    mb_text note = mb_flow_plain(c, st->note, st->note_pos);
    const mb_style *ns = mb_flow_style(c, cs->note_style, &note);
    stack_lines(c, cl->note, cl->nnote, x, y + ns->space_before, boxes);
  }
}

static void build_stats(builder *b, const mb_block *blk) {
  const mb_callout_spec *cs = &b->c->spec->callouts;
  bool band = cs->kind == MB_CALLOUT_BAND;
  size_t n = blk->u.stats.len;
  if (!n) return;
  mb_len width = band ? b->full_w : b->col_w;
  int cols = cs->columns < (int)n ? cs->columns : (int)n;
  mb_len cell_w = (width - (cols - 1) * cs->gap) / cols;
  cell *cells = mb_arena_calloc(b->c->arena, n, sizeof(cell));
  for (size_t i = 0; i < n; i++)
    build_cell(b, &blk->u.stats.items[i], blk->id, cell_w - 2 * cs->padding, &cells[i]);
  box_vec boxes = {0};
  mb_len y = 0;
  for (size_t row = 0; row * (size_t)cols < n; row++) {
    mb_len row_h = 0;
    for (size_t i = row * (size_t)cols; i < n && i < (row + 1) * (size_t)cols; i++)
      row_h = max_len(row_h, cells[i].height + 2 * cs->padding);
    for (size_t i = row * (size_t)cols; i < n && i < (row + 1) * (size_t)cols; i++) {
      mb_rect r = {(mb_len)(i - row * (size_t)cols) * (cell_w + cs->gap), y, cell_w, row_h};
      place_cell(b, &cells[i], &blk->u.stats.items[i], r, blk->id, &boxes);
    }
    y += row_h + cs->gap;
  }
  y -= cs->gap;
  if (band) {
    b->pending = 0;
  } else {
    add_space(b, cs->space_before);
  }
  flow_item *it = add_item(b, band ? FLOW_SPAN : FLOW_BLOCK, y, blk);
  finish_boxes(b->c, it, &boxes);
  it->before = cs->space_before;
  it->after = cs->space_after;
  b->pending = band ? 0 : cs->space_after;
}

/* ---- images ---- */

static void build_image(builder *b, const mb_block *blk) {
  double iw = blk->u.image.width, ih = blk->u.image.height;
  if (iw <= 0 || ih <= 0) return; /* not loaded: diagnosed when probing */
  lctx *c = b->c;
  mb_len w = b->col_w, natural = mb_len_from_pt(iw);
  if (natural < w) w = natural; /* never enlarged */
  mb_len max_h = (c->spec->page_h - c->spec->margin_top - c->spec->margin_bottom) * 6 / 10;
  mb_len h = (mb_len)((double)w * ih / iw);
  if (h > max_h) {
    w = (mb_len)((double)w * max_h / h);
    h = max_h;
  }
  box_vec boxes = {0};
  mb_box img = {
      .kind = MB_BOX_IMAGE, .x = 0, .y = 0, .w = w, .h = h, .frame = -1, .block = blk->id};
  img.u.image.path = blk->u.image.path;
  img.u.image.format = blk->u.image.format;
  mb_vec_push(&boxes, img);
  mb_len y = h;
  if (blk->u.image.title) {
    mb_text cap = mb_flow_plain(c, blk->u.image.title, blk->pos);
    const mb_style *s = mb_flow_style(c, "caption", &cap);
    mb_line *lines;
    size_t n;
    if (mb_flow_para_hyphenated(c, &cap, s, true, b->col_w, blk->id, blk->pos, &lines, &n))
      y = stack_lines(c, lines, n, 0, y + s->space_before, &boxes);
  }
  const mb_style *body = mb_flow_style(c, "body", NULL);
  add_space(b, body->space_after);
  flow_item *it = add_item(b, FLOW_BLOCK, y, blk);
  finish_boxes(c, it, &boxes);
  b->pending = body->space_after;
}

/* ---- blocks ---- */

static void build_block(builder *b, const mb_block *blk, int depth) {
  switch (blk->kind) {
  case MB_BLOCK_PARA:
    build_text(b, blk, &blk->u.text, is_source_line(&blk->u.text) ? "source" : b->c->body_role, 0,
               NULL);
    break;
  case MB_BLOCK_CODE: build_text(b, blk, &blk->u.text, "code", 0, NULL); break;
  case MB_BLOCK_HEADING: build_heading(b, blk); break;
  case MB_BLOCK_LIST: build_list(b, blk, depth); break;
  case MB_BLOCK_QUOTE: build_quote(b, blk); break;
  case MB_BLOCK_STATS: build_stats(b, blk); break;
  case MB_BLOCK_IMAGE: build_image(b, blk); break;
  case MB_BLOCK_PAGEBREAK:
    add_item(b, FLOW_BREAK, 0, blk);
    b->pending = 0;
    b->at_start = true;
    break;
  }
}

static void build_blocks(builder *b, const mb_blocks *blocks, int depth) {
  for (size_t i = 0; i < blocks->len; i++) build_block(b, &blocks->items[i], depth);
}

void mb_flow_add_text(lctx *c, flow *out, const mb_text *text, const mb_style *style, mb_len width,
                      mb_pos pos) {
  builder b = {c, out, width, width, 0, out->len == 0};
  mb_block blk;
  memset(&blk, 0, sizeof blk);
  blk.id = -1;
  blk.pos = pos;
  mb_line *lines;
  size_t n;
  if (!mb_flow_para(c, text, style, width - style->indent, -1, pos, &lines, &n)) return;
  add_space(&b, style->space_before);
  add_lines(&b, &blk, lines, n, style->indent, false, NULL);
  if (n) out->items[out->len - 1].keep = false;
}

void mb_flow_build(lctx *c, const mb_blocks *blocks, mb_len col_w, mb_len full_w, flow *out) {
  builder b = {c, out, col_w, full_w, 0, true};
  build_blocks(&b, blocks, 0);
}

void mb_flow_build_each(lctx *c, const mb_blocks *blocks, mb_len col_w, mb_len full_w, flow *out,
                        void (*each)(void *data), void *data) {
  builder b = {c, out, col_w, full_w, 0, true};
  for (size_t i = 0; i < blocks->len; i++) {
    build_block(&b, &blocks->items[i], 0);
    each(data);
  }
}
