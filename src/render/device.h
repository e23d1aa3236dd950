/* Drawing through a device: a table of callbacks the renderer calls for every page and box.
 *
 * Devices: cairo PDF, cairo PNG (one file per page), and a trace device that prints each call
 * (the basis of --dump-layout and golden tests). mb_render walks a book and drives a device;
 * the device owns its output until mb_device_close. */
#ifndef MB_RENDER_DEVICE_H
#define MB_RENDER_DEVICE_H

#include "layout/box.h"

#include <stdio.h>

typedef struct mb_device mb_device;

struct mb_device {
  void (*begin_page)(mb_device *dev, const mb_page *page);
  void (*box)(mb_device *dev, const mb_page *page, const mb_box *box);
  void (*end_page)(mb_device *dev, const mb_page *page);
  /* Finishes the output; false on failure (diagnosed). */
  bool (*close)(mb_device *dev);
  void (*free)(mb_device *dev);
};

/* Draws one page. */
void mb_render_page(mb_device *dev, const mb_page *page);
/* Draws every page of the book; returns the device's close result. */
bool mb_render(const mb_book *book, mb_device *dev);
void mb_device_free(mb_device *dev);

/* Document information written into the PDF. */
typedef struct mb_pdf_info {
  const char *title, *author, *subject, *keywords, *creator;
  const char *date; /* ISO 8601 (YYYY-MM-DDThh:mm:ssZ) */
} mb_pdf_info;

/* How a PDF is drawn: for the screen (trim-size pages, links, outline, images at most
 * max_ppi) or as a print master (pages grown by media_margin on every side for marks and a
 * slug line, drawing clipped to the bleed, no links). Both are tagged. */
typedef struct mb_pdf_options {
  mb_pdf_info info;
  bool print;
  mb_len media_margin; /* print: from the trim edge to the media edge */
  const char *slug;    /* print: the slug line's text (page numbers are added), or NULL */
  double max_ppi;      /* downsample raster images above this resolution; 0: never */
} mb_pdf_options;

typedef struct mb_fonts mb_fonts;
typedef struct mb_struct_attr mb_struct_attr;
typedef struct mb_dest mb_dest;

/* PDF to a stream (borrowed; the caller closes it after the device's close). The pages of
 * doc come one by one, and may be drawn on another thread than the one laying out doc: the
 * device uses only cairo, the font set's scaled fonts and a Pango context of its own. */
mb_device *mb_pdf_device_new(FILE *out, mb_fonts *fonts, const mb_doc *doc,
                             const mb_pdf_options *options, mb_diags *diags);
/* The language and alternate text of every structure element the PDF device created, in
 * creation order (valid until the device is freed). */
const mb_struct_attr *mb_pdf_device_struct(mb_device *dev, size_t *n);
/* The heading each internal link points to, in drawing order (valid until freed). */
const mb_dest *const *mb_pdf_device_links(mb_device *dev, size_t *n);
/* One PNG per page, written as dir/page-NNN.png at dpi. */
mb_device *mb_png_device_new(const char *dir, double dpi, mb_fonts *fonts, mb_diags *diags);
/* A line per call on out. */
mb_device *mb_trace_device_new(FILE *out);

#endif
