/* The machine's yardstick: shapes the whole Hindi article once with HarfBuzz, paragraph by
 * paragraph, and prints how long that took in milliseconds.
 *
 * Issue 6 sets its speed targets on "this kind of machine", where shaping the whole Hindi
 * article once with HarfBuzz takes about 22 ms. The benchmark machines' speed drifts by a
 * factor of two from hour to hour, so bench/run times this yardstick beside mkbrochure, run for
 * run: their ratio says how fast mkbrochure is on a machine where the yardstick takes 22 ms.
 *
 * Only the shaping is timed: the font and the text are read first. The text is the article's
 * Markdown body (front matter left out), one HarfBuzz buffer per paragraph, in the font the
 * brochure sets it in. A benchmark, not a test.
 *
 * Usage: mb_yardstick ARTICLE FONT */
#include <hb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The body: what follows the front matter's closing "---" line, or all of it. */
static const char *body(const char *text) {
  if (strncmp(text, "---\n", 4) != 0) return text;
  const char *end = strstr(text + 4, "\n---\n");
  return end ? end + 5 : text;
}

/* Shapes each blank-line-separated paragraph; returns the number of glyphs. */
static unsigned shape_all(hb_font_t *font, hb_buffer_t *buf, const char *p) {
  unsigned glyphs = 0;
  while (*p) {
    const char *end = strstr(p, "\n\n");
    int len = end ? (int)(end - p) : (int)strlen(p);
    hb_buffer_clear_contents(buf);
    hb_buffer_add_utf8(buf, p, len, 0, len);
    hb_buffer_guess_segment_properties(buf);
    hb_shape(font, buf, NULL, 0);
    glyphs += hb_buffer_get_length(buf);
    p += len;
    while (*p == '\n') p++;
  }
  return glyphs;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: mb_yardstick ARTICLE FONT\n");
    return 2;
  }
  hb_blob_t *article = hb_blob_create_from_file_or_fail(argv[1]);
  hb_blob_t *blob = article ? hb_blob_create_from_file_or_fail(argv[2]) : NULL;
  if (!blob) {
    fprintf(stderr, "mb_yardstick: cannot read %s\n", article ? argv[2] : argv[1]);
    hb_blob_destroy(article);
    return 1;
  }
  unsigned len;
  const char *data = hb_blob_get_data(article, &len);
  char *text = strndup(data ? data : "", len);
  hb_blob_destroy(article);
  if (!text) {
    hb_blob_destroy(blob);
    return 1;
  }
  hb_face_t *face = hb_face_create(blob, 0);
  hb_font_t *font = hb_font_create(face);
  hb_buffer_t *buf = hb_buffer_create();
  double t0 = now_ms();
  unsigned glyphs = shape_all(font, buf, body(text));
  double ms = now_ms() - t0;
  printf("%.2f ms %u glyphs\n", ms, glyphs);
  hb_buffer_destroy(buf);
  hb_font_destroy(font);
  hb_face_destroy(face);
  hb_blob_destroy(blob);
  free(text);
  return glyphs > 0 ? 0 : 1;
}
