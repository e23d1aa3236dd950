/* The layout run: covers first, then body sections (each from a new page), then back covers;
 * padding to the page multiple. Pages get their folios and running heads as they are finished
 * (page numbers never change: padding goes before the back cover, which is finished last). */
#include "flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mb_book_free(mb_book *book) {
  if (!book) return;
  mb_arena_free(book->arena);
  free(book);
}

static const mb_template *template_of(const mb_layout *l, mb_template_kind kind) {
  return kind == MB_TEMPLATE_COVER ? &l->cover : kind == MB_TEMPLATE_BACK ? &l->back : &l->body;
}

static mb_len items_height(const flow *items, size_t from) {
  mb_len h = 0;
  for (size_t i = from; i < items->len; i++) h += items->items[i].height;
  return h;
}

/* ---- cover and back cover ---- */

static const char *const frame_names[] = {"flow", "title", "subtitle", "text"};

/* The text of a title, subtitle or text frame as flow items. */
static void frame_text(lctx *c, const mb_section *sec, const mb_frame_spec *f, flow *items,
                       mb_pos *pos) {
  const mb_style *s;
  mb_text t;
  const mb_meta *m = &sec->meta, *dm = &c->doc->meta;
  switch (f->content) {
  case MB_FRAME_TITLE: {
    const char *title = m->title ? m->title : dm->title;
    *pos = m->title ? m->title_pos : dm->title_pos;
    if (!title) return;
    t = mb_flow_plain(c, title, *pos);
    s = mb_flow_style(c, f->style, &t);
    mb_flow_add_text(c, items, &t, s, f->rect.w, *pos);
    return;
  }
  case MB_FRAME_SUBTITLE: {
    const mb_meta *src = m->nsubtitles ? m : dm;
    *pos = src->subtitle_pos;
    for (size_t i = 0; i < src->nsubtitles; i++) {
      t = mb_flow_plain(c, src->subtitles[i], *pos);
      s = mb_flow_style(c, f->style, &t);
      mb_flow_add_text(c, items, &t, s, f->rect.w, *pos);
    }
    return;
  }
  case MB_FRAME_TEXT:
    *pos = f->pos;
    t = mb_flow_plain(c, f->text, f->pos);
    s = mb_flow_style(c, f->style, &t);
    mb_flow_add_text(c, items, &t, s, f->rect.w, f->pos);
    return;
  case MB_FRAME_FLOW: return;
  }
}

static void fill_frame(lctx *c, page_builder *pb, const mb_section *sec, const mb_frame_spec *f) {
  flow items = {0};
  mb_pos pos = f->pos;
  if (f->content == MB_FRAME_FLOW) {
    mb_len col_w = (f->rect.w - (f->columns - 1) * f->gutter) / f->columns;
    c->body_role = f->style;
    mb_flow_build(c, &sec->blocks, col_w, f->rect.w, &items);
    c->body_role = "body";
  } else {
    frame_text(c, sec, f, &items, &pos);
  }
  size_t placed = mb_pages_flow_area(pb, &items, f->rect, f->columns, f->gutter, f->valign);
  if (placed < items.len) {
    mb_pos at = pos;
    for (size_t i = placed; i < items.len && f->content == MB_FRAME_FLOW; i++)
      if (items.items[i].pos.file) {
        at = items.items[i].pos;
        break;
      }
    mb_warning(c->diags, at.file ? at : mb_pos_file(sec->path),
               "content does not fit the %s frame of the %s page: %.0f pt more than its %.0f pt",
               frame_names[f->content], sec->meta.template_name ? sec->meta.template_name : "body",
               mb_len_pt(items_height(&items, placed)), mb_len_pt(f->rect.h));
  }
  free(items.items);
}

static void layout_fixed(lctx *c, page_builder *pb, const mb_section *sec) {
  const mb_layout *l = c->spec;
  const mb_template *t = template_of(l, sec->template_kind);
  mb_pages_start(pb, sec->template_kind, NULL);
  if (t->nframes) {
    bool flowed = false;
    for (size_t i = 0; i < t->nframes; i++) {
      fill_frame(c, pb, sec, &t->frames[i]);
      flowed |= t->frames[i].content == MB_FRAME_FLOW;
    }
    if (!flowed && sec->blocks.len)
      mb_warning(c->diags, sec->blocks.items[0].pos,
                 "the %s template has no flow frame: this text is not printed",
                 sec->meta.template_name ? sec->meta.template_name : "page");
    return;
  }
  mb_frame_spec f;
  memset(&f, 0, sizeof f);
  f.rect = mb_layout_body_area(l, (int)mb_pages_count(pb));
  f.columns = 1;
  f.style = "body";
  fill_frame(c, pb, sec, &f);
}

/* ---- body sections ---- */

static const char *running_head(const mb_doc *doc, const mb_section *sec) {
  if (sec->meta.running_head) return sec->meta.running_head;
  if (sec->meta.title) return sec->meta.title;
  return doc->meta.title;
}

/* Pages fill as the blocks are made, so finished pages can be drawn while the rest of the
 * section is still being shaped. */
typedef struct body_feed {
  page_builder *pb;
  const flow *items;
  size_t next; /* the first item not placed yet */
} body_feed;

static void flow_made(void *data) {
  body_feed *f = data;
  f->next = mb_pages_flow_body(f->pb, f->items, f->next, false);
}

static void layout_body(lctx *c, page_builder *pb, const mb_section *sec) {
  const mb_layout *l = c->spec;
  mb_pages_start(pb, MB_TEMPLATE_BODY, running_head(c->doc, sec));
  mb_rect area = mb_layout_body_area(l, (int)mb_pages_count(pb));
  mb_len col_w = (area.w - (l->columns - 1) * l->gutter) / l->columns;
  flow items = {0};
  body_feed feed = {pb, &items, 0};
  mb_flow_build_each(c, &sec->blocks, col_w, area.w, &items, flow_made, &feed);
  mb_pages_flow_body(pb, &items, feed.next, true);
  free(items.items);
}

/* ---- folios and running heads ---- */

/* Places a one-line text with its baseline at y, on a side of the text area. */
static void add_line_furniture(lctx *c, page_builder *pb, size_t i, const char *text,
                               const char *role, mb_side side, mb_len baseline) {
  const mb_page *page = mb_pages_get(pb, i);
  mb_rect area = mb_layout_body_area(c->spec, page->number);
  mb_text t = mb_flow_plain(c, text, (mb_pos){0});
  const mb_style *s = mb_flow_style(c, role, &t);
  mb_line *lines;
  size_t n;
  if (!mb_flow_para(c, &t, s, area.w, -1, (mb_pos){0}, &lines, &n) || n == 0) return;
  bool left_page = page->number % 2 == 0;
  mb_len x = area.x;
  if (side == MB_SIDE_CENTER)
    x += (area.w - lines[0].width) / 2;
  else if ((side == MB_SIDE_OUTER) != left_page)
    x += area.w - lines[0].width;
  for (size_t r = 0; r < lines[0].nruns; r++) {
    mb_box b = lines[0].runs[r];
    b.x += x;
    b.y = baseline - lines[0].baseline;
    b.u.glyphs.baseline = baseline;
    mb_pages_add_furniture(pb, i, &b);
  }
}

static void add_head_rule(lctx *c, page_builder *pb, size_t i) {
  const mb_head_spec *h = &c->spec->running_head;
  if (!(h->rule_color & 0xFF) || h->rule_weight <= 0) return;
  mb_rect area = mb_layout_body_area(c->spec, mb_pages_get(pb, i)->number);
  const mb_style *s = mb_flow_style(c, h->style, NULL);
  mb_box rule = {.kind = MB_BOX_RULE,
                 .x = area.x,
                 .y = h->baseline + s->size / 2,
                 .w = area.w,
                 .frame = -1,
                 .block = -1};
  rule.u.rule.color = h->rule_color;
  rule.u.rule.weight = h->rule_weight;
  mb_pages_add_furniture(pb, i, &rule);
}

/* The folio and running head of page index i, in the language of its page's section. */
static void furnish(lctx *c, page_builder *pb, size_t i) {
  const mb_layout *l = c->spec;
  const mb_page *page = mb_pages_get(pb, i);
  const mb_template *t = template_of(l, page->template_kind);
  if (page->blank) return;
  const char *lang = c->lang;
  c->lang = page->lang;
  if (t->folio) {
    char num[16];
    snprintf(num, sizeof num, "%d", page->number);
    add_line_furniture(c, pb, i, mb_arena_strdup(c->arena, num), l->folio.style, l->folio.side,
                       l->page_h - l->folio.baseline);
  }
  if (t->running_head && page->section) {
    add_line_furniture(c, pb, i, page->section, l->running_head.style, l->running_head.side,
                       l->running_head.baseline);
    add_head_rule(c, pb, i);
  }
  c->lang = lang;
}

mb_book *mb_layout_run(const mb_doc *doc, const mb_layout *layout, mb_para_builder *builder,
                       mb_diags *diags) {
  return mb_layout_run_to(doc, layout, builder, NULL, diags);
}

mb_book *mb_layout_run_to(const mb_doc *doc, const mb_layout *layout, mb_para_builder *builder,
                          const mb_page_sink *sink, mb_diags *diags) {
  mb_book *book = mb_xcalloc(1, sizeof(mb_book));
  book->arena = mb_arena_new();
  book->doc = doc;
  book->layout = layout;
  lctx c = {doc, layout, builder, diags, book->arena, NULL, NULL, "body"};
  page_builder *pb = mb_pages_new(&c, furnish, sink);
  static const mb_template_kind order[] = {MB_TEMPLATE_COVER, MB_TEMPLATE_BODY, MB_TEMPLATE_BACK};
  bool has_back = false;
  for (int k = 0; k < 3; k++) {
    for (size_t i = 0; i < doc->nsections; i++) {
      const mb_section *sec = &doc->sections[i];
      if (sec->template_kind != order[k]) continue;
      c.section = sec;
      c.lang = sec->meta.lang ? sec->meta.lang : doc->meta.lang;
      if (order[k] == MB_TEMPLATE_BODY)
        layout_body(&c, pb, sec);
      else
        layout_fixed(&c, pb, sec);
      has_back |= order[k] == MB_TEMPLATE_BACK;
    }
  }
  mb_pages_pad(pb, layout->page_multiple, has_back);
  mb_pages_finish(pb, book);
  return book;
}
