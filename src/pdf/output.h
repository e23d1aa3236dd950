/* Writing a book as a finished PDF: draw with cairo into memory, post-process with qpdf,
 * convert to CMYK with Ghostscript when asked, write atomically, preflight a print master.
 *
 * Two presets: screen (the email attachment: trim-size pages, links, bookmarks, tagged,
 * images at most 150 ppi, linearized) and print (the PDF/X-4 print master: bleed, crop and
 * registration marks, slug line, TrimBox/BleedBox, output intent). */
#ifndef MB_PDF_OUTPUT_H
#define MB_PDF_OUTPUT_H

#include "layout/box.h"
#include "render/device.h"

typedef enum { MB_PRESET_SCREEN, MB_PRESET_PRINT } mb_preset;

/* Where the time of a write goes (for --timings), in milliseconds, added up. Drawn on a
 * second thread (mb_pdf_stream), draw is that thread's time, beside the layout's, and
 * draw_wait how long the finished layout then waited for it. */
typedef struct mb_output_times {
  double draw, draw_wait, post, preflight;
  bool streamed;
} mb_output_times;

typedef struct mb_output {
  mb_preset preset;
  bool cmyk;      /* print: convert to CMYK with Ghostscript */
  bool preflight; /* print: check the result (mb_preflight) */
  mb_pdf_info info;
  mb_output_times *times; /* or NULL */
} mb_output;

#include "util/file.h"

/* Writes the PDF into file (opened with mb_outfile_open) and commits it, or aborts it on
 * failure. False on failure or failed preflight (diagnosed). */
bool mb_output_pdf(const mb_book *book, mb_fonts *fonts, mb_outfile *file, const mb_output *out,
                   mb_diags *diags);

/* Drawing the PDF on a second thread while the layout is still running: start it before the
 * layout, give the layout mb_pdf_stream_page as its page sink (with the stream as data),
 * then finish with mb_output_pdf_stream, or mb_pdf_stream_cancel if the layout failed. */
typedef struct mb_pdf_stream mb_pdf_stream;

/* NULL if no thread could be started (then draw the finished book with mb_output_pdf). path
 * is the output's name. */
mb_pdf_stream *mb_pdf_stream_start(const mb_doc *doc, const mb_layout *layout, mb_fonts *fonts,
                                   const mb_output *out, const char *path);
/* Queues a finished page for drawing (an mb_page_sink callback). */
void mb_pdf_stream_page(void *stream, const mb_page *page);
/* Waits for the last page to be drawn, then writes the PDF as mb_output_pdf does; frees the
 * stream. */
bool mb_output_pdf_stream(mb_pdf_stream *stream, const mb_book *book, mb_outfile *file,
                          mb_diags *diags);
/* Stops drawing and frees the stream (NULL is fine). */
void mb_pdf_stream_cancel(mb_pdf_stream *stream);

/* Checks a PDF for print: fonts embedded, nothing closer than 5 mm to the trim (the safe
 * zone), raster images of 300 ppi or more, a page count that is a multiple of 4, backgrounds
 * that reach the bleed edge. Writes one line per check to report. True when all pass; an
 * unreadable file is an I/O error in diags. */
bool mb_preflight(const char *path, FILE *report, mb_diags *diags);
/* Opens the libraries mb_preflight uses (done by mb_preflight too); false if one is missing. */
bool mb_preflight_load(mb_diags *diags);

/* A print render's preflight, in two halves. mb_preflight_start begins checking the pages of
 * the PDF as cairo drew it, on a thread of its own, while it is post-processed (which copies
 * the pages' content unchanged); geometry says where the post-processing puts the trim and
 * bleed boxes. mb_preflight_end then reads the written file at path for its boxes, fonts and
 * page count, helps with the pages left and reports like mb_preflight; if the file's boxes or
 * pages are not the ones the pages were checked with, it checks the file's pages instead.
 * mb_preflight_start returns NULL when it cannot start (use mb_preflight); a run not ended
 * (the render failed) is given to mb_preflight_abandon. Both free the run. */
typedef struct mb_preflight_run mb_preflight_run;
typedef struct mb_pdf_print mb_pdf_print;
mb_preflight_run *mb_preflight_start(const unsigned char *pdf, size_t len,
                                     const mb_pdf_print *geometry);
bool mb_preflight_end(mb_preflight_run *run, const char *path, FILE *report, mb_diags *diags);
void mb_preflight_abandon(mb_preflight_run *run);

#endif
