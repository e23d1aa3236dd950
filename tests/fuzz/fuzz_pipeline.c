/* Fuzz target: content bytes through the whole pipeline to boxes: parse, probe images, lay out
 * with the shipped A4 layout and the bundled fonts through Pango, and walk the boxes with the
 * trace device. */
#include "content/content.h"
#include "image/image.h"
#include "layout/layout.h"
#include "render/device.h"
#include "style/style.h"
#include "text/fonts.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mb_layout *layout;
static mb_fonts *fonts;
static mb_para_builder *builder;
static FILE *sink;

static void setup(void) {
  mb_diags *d = mb_diags_new();
  layout = mb_layout_load(MB_SOURCE_DIR "/layouts/a4-booklet.yaml", d);
  fonts = mb_fonts_new(MB_SOURCE_DIR "/fonts", d);
  if (!layout || !fonts) {
    mb_diags_print(d, stderr);
    abort();
  }
  builder = mb_para_tex_new(fonts);
  sink = fopen("/dev/null", "w");
  mb_diags_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!layout) setup();
  mb_diags *diags = mb_diags_new();
  mb_doc *doc = mb_doc_new();
  if (mb_content_parse(doc, MB_SOURCE_DIR "/tests/fuzz/fuzz.md", (const char *)data, size, diags)) {
    mb_doc_finish(doc);
    if (doc->nblocks <= MB_CONTENT_MAX_BLOCKS &&
        mb_image_probe(doc, MB_SOURCE_DIR "/tests/fuzz", false, diags)) {
      mb_book *book = mb_layout_run(doc, layout, builder, diags);
      mb_device *dev = mb_trace_device_new(sink);
      mb_render(book, dev);
      mb_device_free(dev);
      mb_book_free(book);
    }
  }
  mb_doc_free(doc);
  mb_diags_free(diags);
  return 0;
}
