/* Fuzz target: layout description bytes into a layout. */
#include "style/style.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mb_diags *diags = mb_diags_new();
  mb_layout *layout = mb_layout_parse("fuzz.yaml", (const char *)data, size, diags);
  if (layout) mb_layout_style(layout, "h4", "hi");
  mb_layout_free(layout);
  mb_diags_free(diags);
  return 0;
}
