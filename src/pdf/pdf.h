/* PDF post-processing with libqpdf's C API: what cairo cannot write.
 *
 * For every PDF: the catalog's /Lang and /MarkInfo, each structure element's /Lang and /Alt
 * (from the renderer's record), XMP metadata that says what the document information says,
 * a deterministic /ID, compressed object streams. For the screen: linearization. For a print
 * master: TrimBox and BleedBox on every page, crop and registration marks in the registration
 * colour (/Separation /All), a PDF/X-4 OutputIntent with an ICC profile, GTS_PDFXVersion and
 * Trapped in the document information and in the XMP. */
#ifndef MB_PDF_PDF_H
#define MB_PDF_PDF_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct mb_struct_attr mb_struct_attr;

typedef struct mb_pdf_meta {
  const char *title, *author, *subject, *keywords, *creator, *producer;
  const char *date;         /* ISO 8601, as given to cairo */
  const char *lang;         /* the document's language */
  const char *const *langs; /* every language used, NULL-terminated (XMP dc:language) */
} mb_pdf_meta;

typedef struct mb_pdf_print {
  double trim_w, trim_h, margin, bleed; /* points; the trim sits margin from each media edge */
  bool crop_marks, registration_marks;
  const char *icc_path;  /* the output intent's profile */
  int icc_components;    /* 3 for RGB, 4 for CMYK */
  const char *condition; /* OutputConditionIdentifier */
} mb_pdf_print;

/* The trim and bleed boxes the post-processing gives every page of a print master, as
 * x0, y0, x1, y1 in points (PDF coordinates). */
void mb_pdf_print_boxes(const mb_pdf_print *pr, double trim[4], double bleed[4]);

/* Where an internal link goes: page (1-based) and a point in cairo's coordinates (y down). */
typedef struct mb_pdf_target {
  int page;
  double x, y;
} mb_pdf_target;

typedef struct mb_pdf_post {
  mb_pdf_meta meta;
  const mb_struct_attr *attrs;
  size_t nattrs;
  const mb_pdf_target *targets; /* of the link annotations without an action, in page order */
  size_t ntargets;
  bool linearize;
  const mb_pdf_print *print; /* NULL: a screen PDF */
} mb_pdf_post;

/* Reads a PDF from memory and writes the finished PDF to *out (malloc'ed, caller frees). */
bool mb_pdf_finish(const unsigned char *in, size_t len, const mb_pdf_post *post,
                   unsigned char **out, size_t *out_len, mb_diags *diags);

/* The XMP packet for a document (malloc'ed, caller frees); NULL on failure. */
char *mb_xmp_packet(const mb_pdf_meta *meta, const char *document_id, const char *pdfx);

/* An ICC profile shipped by Debian: "srgb" (icc-profiles-free) or "cmyk" (Ghostscript's
 * default CMYK). Returns a path to a readable file or NULL. */
const char *mb_icc_find(const char *which);

#endif
