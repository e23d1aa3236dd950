/* Fuzz target: Markdown + front matter + stats bytes into the document model. */
#include "content/content.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mb_diags *diags = mb_diags_new();
  mb_doc *doc = mb_doc_new();
  mb_content_parse(doc, "fuzz.md", (const char *)data, size, diags);
  mb_doc_finish(doc);
  mb_doc_free(doc);
  mb_diags_free(diags);
  return 0;
}
