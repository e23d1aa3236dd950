/* The trace device: one line per page and box, in a stable text format. */
#include "device.h"

#include "util/mem.h"

#include <inttypes.h>
#include <stdlib.h>

typedef struct trace_device {
  mb_device base;
  FILE *out;
} trace_device;

static double pt(mb_len v) {
  return mb_len_pt(v);
}

static void trace_begin(mb_device *dev, const mb_page *page) {
  static const char *const kinds[] = {"body", "cover", "back"};
  trace_device *t = (trace_device *)dev;
  fprintf(t->out, "page %d %s%s %.2fx%.2f bleed %.2f\n", page->number, kinds[page->template_kind],
          page->blank ? " blank" : "", pt(page->width), pt(page->height), pt(page->bleed));
  for (size_t i = 0; i < page->nframes; i++) {
    const mb_page_frame *f = &page->frames[i];
    fprintf(t->out, "  frame %zu %s %.2f %.2f %.2f %.2f\n", i,
            f->kind == MB_PFRAME_SPAN     ? "span"
            : f->kind == MB_PFRAME_COLUMN ? "column"
                                          : "fixed",
            pt(f->rect.x), pt(f->rect.y), pt(f->rect.w), pt(f->rect.h));
  }
}

static void trace_text(FILE *out, const char *s, uint32_t len) {
  fputc('"', out);
  for (uint32_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      fprintf(out, "\\%c", c);
    else if (c < 0x20)
      fprintf(out, "\\x%02X", c);
    else
      fputc(c, out);
  }
  fputc('"', out);
}

static void trace_box(mb_device *dev, const mb_page *page, const mb_box *b) {
  (void)page;
  trace_device *t = (trace_device *)dev;
  switch (b->kind) {
  case MB_BOX_GLYPHS: {
    const mb_glyph_run *r = &b->u.glyphs.run;
    fprintf(t->out, "  glyphs f%d %.2fpt #%08" PRIX32 " %s at %.2f,%.2f w %.2f frame %d block %d ",
            r->font, pt(r->size), r->color, r->lang ? r->lang : "-", pt(b->x),
            pt(b->u.glyphs.baseline), pt(b->w), b->frame, b->block);
    trace_text(t->out, r->text, r->text_len);
    fputc('\n', t->out);
    break;
  }
  case MB_BOX_FILL:
    fprintf(t->out, "  fill #%08" PRIX32 " %.2f %.2f %.2f %.2f\n", b->u.fill, pt(b->x), pt(b->y),
            pt(b->w), pt(b->h));
    break;
  case MB_BOX_RULE:
    fprintf(t->out, "  rule #%08" PRIX32 " %.2f %.2f to %.2f %.2f weight %.2f\n", b->u.rule.color,
            pt(b->x), pt(b->y), pt(b->x + b->w), pt(b->y + b->h), pt(b->u.rule.weight));
    break;
  case MB_BOX_IMAGE:
    fprintf(t->out, "  image %.2f %.2f %.2f %.2f %s\n", pt(b->x), pt(b->y), pt(b->w), pt(b->h),
            b->u.image.path);
    break;
  case MB_BOX_LINK:
    fprintf(t->out, "  link %.2f %.2f %.2f %.2f %s\n", pt(b->x), pt(b->y), pt(b->w), pt(b->h),
            b->u.href);
    break;
  }
}

static void trace_end(mb_device *dev, const mb_page *page) {
  (void)dev, (void)page;
}

static bool trace_close(mb_device *dev) {
  trace_device *t = (trace_device *)dev;
  return fflush(t->out) == 0;
}

static void trace_free(mb_device *dev) {
  free(dev);
}

mb_device *mb_trace_device_new(FILE *out) {
  trace_device *t = mb_xcalloc(1, sizeof(trace_device));
  t->base = (mb_device){trace_begin, trace_box, trace_end, trace_close, trace_free};
  t->out = out;
  return &t->base;
}
