/* Drawing images with cairo: raster images become image surfaces (JPEG files keep their
 * original bytes as MIME data, so PDF embeds them as they are); SVG is drawn as vectors. */
#ifndef MB_IMAGE_IMAGE_CAIRO_H
#define MB_IMAGE_IMAGE_CAIRO_H

#include "doc/doc.h"

#include <cairo.h>

/* Draws the image at path into the rectangle (x, y, w, h) in user space (points). A raster
 * image with more than max_ppi pixels per inch at that size is scaled down first (a JPEG is
 * re-encoded as JPEG); max_ppi 0 keeps every image as it is. */
bool mb_image_draw(cairo_t *cr, const char *path, mb_image_format format, double x, double y,
                   double w, double h, double max_ppi, mb_diags *diags);

#endif
