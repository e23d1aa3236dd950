/* Paragraph builder on PangoLayout: Pango itemises, shapes and breaks (greedily, reshaping as
 * it goes), then each line's glyph items are copied out as glyph runs. Kept to compare the
 * total-fit builder against (layout option `breaker: greedy`). */
#include "pango_common.h"

#include "text/fonts.h"
#include "util/clock.h"
#include "util/mem.h"

#include <stdlib.h>

typedef struct pango_builder {
  mb_para_builder base;
  mb_fonts *fonts;
} pango_builder;

static PangoLayout *make_layout(pango_builder *pb, const mb_para_in *in) {
  PangoLayout *layout = pango_layout_new(mb_fonts_context(pb->fonts));
  PangoFontDescription *desc = mb_pc_font(in->style);
  PangoAttrList *attrs = mb_pc_attrs(in);
  pango_layout_set_text(layout, in->text->str, (int)in->text->len);
  pango_layout_set_font_description(layout, desc);
  pango_layout_set_attributes(layout, attrs);
  pango_layout_set_width(layout, in->width);
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_indent(layout, in->first_indent);
  static const PangoAlignment aligns[] = {PANGO_ALIGN_LEFT, PANGO_ALIGN_RIGHT, PANGO_ALIGN_CENTER,
                                          PANGO_ALIGN_LEFT};
  pango_layout_set_alignment(layout, aligns[in->style->align]);
  pango_layout_set_justify(layout, in->style->align == MB_ALIGN_JUSTIFY);
  pango_attr_list_unref(attrs);
  pango_font_description_free(desc);
  return layout;
}

static mb_box glyph_run(pango_builder *pb, const mb_para_in *in, const PangoGlyphItem *gi,
                        const mb_pc_clusters *clusters, mb_arena *arena,
                        mb_pc_missing_vec *missing) {
  uint32_t start = (uint32_t)gi->item->offset, end = start + (uint32_t)gi->item->length;
  mb_pc_source src = {gi->item, gi->glyphs, 0,       gi->glyphs->num_glyphs, in->text->str, start,
                      end,      start,      clusters};
  return mb_pc_run(pb->fonts, in, &src, 0, arena, missing);
}

static void copy_line(pango_builder *pb, const mb_para_in *in, PangoLayoutIter *it,
                      const mb_pc_clusters *clusters, mb_arena *arena, mb_pc_missing_vec *missing,
                      mb_line *L) {
  PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
  PangoRectangle logical;
  pango_layout_iter_get_line_extents(it, NULL, &logical);
  L->x = logical.x;
  L->width = logical.width;
  L->height = in->style->leading;
  L->start = (uint32_t)line->start_index;
  L->end = (uint32_t)(line->start_index + line->length);
  /* At most one link box beside each glyph run. */
  L->runs = mb_arena_calloc(arena, 2 * g_slist_length(line->runs), sizeof(mb_box));
  mb_len x = 0;
  for (GSList *l = line->runs; l; l = l->next) {
    mb_box *run = &L->runs[L->nruns++];
    *run = glyph_run(pb, in, l->data, clusters, arena, missing);
    run->x = x;
    run->h = L->height;
    run->u.glyphs.baseline = L->baseline;
    const char *href = mb_pc_link_at(in->text, run->u.glyphs.run.text_offset);
    if (href) L->runs[L->nruns++] = mb_pc_link_box(run, href);
    x += run->w;
  }
}

static bool pango_build(mb_para_builder *self, const mb_para_in *in, mb_arena *arena,
                        mb_line **lines_out, size_t *nlines_out, mb_diags *diags) {
  pango_builder *pb = (pango_builder *)self;
  double start = mb_now_ms();
  PangoLayout *layout = make_layout(pb, in);
  int count = pango_layout_get_line_count(layout), nattrs;
  mb_line *lines = mb_arena_calloc(arena, (size_t)count, sizeof(mb_line));
  mb_len baseline = mb_pc_baseline(pb->fonts, in);
  const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly(layout, &nattrs);
  mb_pc_clusters clusters = mb_pc_clusters_new(attrs, nattrs, in->text);
  mb_pc_missing_vec missing = {0};
  PangoLayoutIter *it = pango_layout_get_iter(layout);
  int n = 0;
  do {
    lines[n].baseline = baseline;
    copy_line(pb, in, it, &clusters, arena, &missing, &lines[n++]);
  } while (pango_layout_iter_next_line(it) && n < count);
  pango_layout_iter_free(it);
  g_object_unref(layout);
  mb_pc_clusters_free(&clusters);
  mb_pc_report_missing(in, &missing, diags);
  free(missing.items);
  *lines_out = lines;
  *nlines_out = (size_t)n;
  self->break_ms += mb_now_ms() - start; /* PangoLayout shapes as it breaks */
  return true;
}

static void pango_free(mb_para_builder *self) {
  free(self);
}

mb_para_builder *mb_para_pango_new(mb_fonts *fonts) {
  pango_builder *pb = mb_xcalloc(1, sizeof(pango_builder));
  pb->base.build = pango_build;
  pb->base.free = pango_free;
  pb->fonts = fonts;
  return &pb->base;
}

void mb_para_builder_free(mb_para_builder *builder) {
  if (builder) builder->free(builder);
}
