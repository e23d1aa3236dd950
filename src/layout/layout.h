/* Layout: document + layout description + paragraph builder in, a book of positioned boxes
 * out. A pure step: no cairo, no files, no clock.
 *
 * Sections flow into the columns of successive pages (headings kept with the next two lines,
 * no widows or orphans, call-out groups never split, each section's last page balanced);
 * cover and back-cover sections fill their templates' frames; folios and running heads go on
 * body pages; blank pages pad the count to the layout's page multiple, the back cover last.
 * The caller owns the book (mb_book_free); it borrows doc and layout. */
#ifndef MB_LAYOUT_LAYOUT_H
#define MB_LAYOUT_LAYOUT_H

#include "box.h"
#include "para.h"

/* Layout stops with an error after this many pages. */
enum { MB_LAYOUT_MAX_PAGES = 1000 };

mb_book *mb_layout_run(const mb_doc *doc, const mb_layout *layout, mb_para_builder *builder,
                       mb_diags *diags);

/* Receives each page as soon as it is final, in page order, while later pages are still being
 * laid out (a renderer can draw it meanwhile). The page stays valid as long as the book. */
typedef struct mb_page_sink {
  void (*page)(void *data, const mb_page *page);
  void *data;
} mb_page_sink;

/* mb_layout_run, handing every page to sink as soon as it is final. */
mb_book *mb_layout_run_to(const mb_doc *doc, const mb_layout *layout, mb_para_builder *builder,
                          const mb_page_sink *sink, mb_diags *diags);

#endif
