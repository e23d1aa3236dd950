/* Content: Markdown files (CommonMark via libcmark) with YAML front matter and `stats`
 * blocks, read into the document model.
 *
 * A content path is one .md file or a folder of them (read in name order, one section each).
 * Errors (unreadable files, invalid UTF-8, bad front matter or stats) go to diags; the
 * returned document is NULL when there was any error. The caller owns the document. */
#ifndef MB_CONTENT_CONTENT_H
#define MB_CONTENT_CONTENT_H

#include "doc/doc.h"

/* Content limits, so that hostile input ends quickly. */
enum {
  MB_CONTENT_MAX_FILE = 32 * 1024 * 1024, /* bytes in one Markdown file */
  MB_CONTENT_MAX_FILES = 1000,            /* Markdown files in a content folder */
  MB_CONTENT_MAX_TEXT = 32 * 1024,        /* bytes in one paragraph, heading or code block */
  MB_CONTENT_MAX_BLOCKS = 20000,          /* paragraphs, headings, items... in a document */
  MB_CONTENT_MAX_NESTING = 64,            /* lists and quotes inside each other */
};

mb_doc *mb_content_load(const char *path, mb_diags *diags);

/* Parses one Markdown buffer as a section of doc (exposed for tests and fuzzers). */
bool mb_content_parse(mb_doc *doc, const char *path, const char *buf, size_t len, mb_diags *diags);
mb_doc *mb_doc_new(void);
/* Finishes a document built with mb_content_parse: document metadata, block ids. */
void mb_doc_finish(mb_doc *doc);

#endif
