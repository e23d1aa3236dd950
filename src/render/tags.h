/* Document structure for tagged PDF: every block of the document gets a chain of structure
 * elements (a list paragraph is L > LI > LBody > P), and the tagger opens and closes cairo
 * structure tags as drawing moves from one block to the next. It records, for each element
 * in the order cairo creates them, the element's language and alternate text: cairo 1.16
 * cannot write them, so the PDF post-pass adds them (mb_pdf_struct_attrs).
 *
 * Also the heading destinations that internal links and the outline point to. */
#ifndef MB_RENDER_TAGS_H
#define MB_RENDER_TAGS_H

#include "layout/box.h"

#include <cairo.h>

typedef struct mb_struct_attr {
  const char *lang; /* NULL: the document's language */
  const char *alt;  /* alternate text of a figure, or NULL */
} mb_struct_attr;

/* Where a heading is: page (1-based; 0 while not placed) and position in trim coordinates
 * (pt). */
typedef struct mb_dest {
  int block, level, page;
  double x, y;
  const char *title, *slug;
} mb_dest;

typedef struct mb_tagger mb_tagger;

/* Knows the document's headings; where they are comes from the pages as they are added. */
mb_tagger *mb_tagger_new(const mb_doc *doc);
void mb_tagger_free(mb_tagger *t);
/* Places the headings on a page; add the pages in order. */
void mb_tagger_add_page(mb_tagger *t, const mb_page *page);

/* Makes the open tags those of block (-1: none). */
void mb_tagger_enter(mb_tagger *t, cairo_t *cr, int block);
/* A link inside the current element: records its place in the structure order. For a link
 * to a heading, dest is the heading (cairo 1.16 leaves links to later pages without a
 * destination; the post-pass sets them from mb_tagger_internal). */
void mb_tagger_link(mb_tagger *t, cairo_t *cr, const char *attributes, const mb_dest *dest);
/* The attributes recorded so far, one per element in creation order. */
const mb_struct_attr *mb_tagger_attrs(const mb_tagger *t, size_t *n);

/* The heading every internal link points to, in the order the links were drawn. */
const mb_dest *const *mb_tagger_internal(const mb_tagger *t, size_t *n);

/* The headings on the pages added so far, in reading order. */
const mb_dest *const *mb_tagger_dests(const mb_tagger *t, size_t *n);
/* The heading a "#slug" link points to (placed or not yet: page 0), or NULL. The pointer stays
 * valid as long as the tagger, and the heading's place is filled in when its page is added. */
const mb_dest *mb_tagger_find(const mb_tagger *t, const char *href);

/* Warns about every "#anchor" link in the document that names no heading on a page (add all
 * the pages first). */
void mb_tagger_check_links(const mb_tagger *t, const mb_doc *doc, mb_diags *diags);

#endif
