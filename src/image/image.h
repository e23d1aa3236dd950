/* Images: probing sizes before layout (so layout stays pure) and loading them for drawing.
 *
 * PNG and JPEG are read with gdk-pixbuf, SVG with librsvg. mb_image_probe checks every image
 * block of a document (the file exists, its bytes match a supported format, its pixel size is
 * within limits) and stores its intrinsic size. Drawing is in the renderer (image_cairo.h). */
#ifndef MB_IMAGE_IMAGE_H
#define MB_IMAGE_IMAGE_H

#include "doc/doc.h"

enum { MB_IMAGE_MAX_PIXELS = 100 * 1000 * 1000, MB_IMAGE_MAX_SIDE = 20000 };

/* Returns false if any image failed (diagnosed). Images must lie inside the content's folder
 * (content_path itself, or the folder of a single file) unless allow_outside. */
bool mb_image_probe(mb_doc *doc, const char *content_path, bool allow_outside, mb_diags *diags);

/* The format a file's first bytes show, or MB_IMAGE_UNKNOWN. */
mb_image_format mb_image_sniff(const unsigned char *bytes, size_t len);

#endif
