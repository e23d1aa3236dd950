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

/* Draws every page of the book; returns the device's close result. */
bool mb_render(const mb_book *book, mb_device *dev);
void mb_device_free(mb_device *dev);

/* Document information written into the PDF. */
typedef struct mb_pdf_info {
  const char *title, *author, *subject, *keywords, *creator;
  const char *date; /* ISO 8601 (YYYY-MM-DDThh:mm:ssZ), or NULL for none */
} mb_pdf_info;

typedef struct mb_fonts mb_fonts;

/* PDF to a stream (borrowed; the caller closes it after mb_device's close). */
mb_device *mb_pdf_device_new(FILE *out, mb_fonts *fonts, const mb_pdf_info *info, mb_diags *diags);
/* One PNG per page, written as dir/page-NNN.png at dpi. */
mb_device *mb_png_device_new(const char *dir, double dpi, mb_fonts *fonts, mb_diags *diags);
/* A line per call on out. */
mb_device *mb_trace_device_new(FILE *out);

#endif
