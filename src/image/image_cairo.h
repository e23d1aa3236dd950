/* Drawing images with cairo: raster images become image surfaces (JPEG files keep their
 * original bytes as MIME data, so PDF embeds them as they are); SVG is drawn as vectors. */
#ifndef MB_IMAGE_IMAGE_CAIRO_H
#define MB_IMAGE_IMAGE_CAIRO_H

#include "doc/doc.h"

#include <cairo.h>

/* Draws the image at path into the rectangle (x, y, w, h) in user space. */
bool mb_image_draw(cairo_t *cr, const char *path, mb_image_format format, double x, double y,
                   double w, double h, mb_diags *diags);

#endif
