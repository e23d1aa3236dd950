/* Line rules of the total-fit paragraph builder, checked on its lines with the bundled fonts:
 * no line starts with a danda, a comma or closing punctuation (even where the source puts a
 * space before it), a number stays with its unit, English hyphenation keeps two letters
 * before and three after a hyphen and never hyphenates more than two lines in a row (nor
 * URLs, nor text that must not be hyphenated), soft hyphens are honoured, justified lines fill
 * the measure exactly (plus hanging punctuation), last lines keep natural spaces, and a word
 * wider than the column is reported and broken so that nothing runs past the column. */
#include "harness.h"

#include "content/content.h"
#include "layout/layout.h"
#include "layout/para.h"
#include "style/style.h"
#include "text/fonts.h"
#include "text/hyphen.h"
#include "util/file.h"
#include "util/mem.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

static mb_fonts *fonts;

typedef struct setting {
  mb_line *lines;
  size_t n;
  mb_text text;
  mb_style style;
  mb_len width;
  mb_arena *arena;
  mb_diags *diags;
} setting;

static mb_style body_style(const char *font, mb_align align) {
  mb_style s;
  memset(&s, 0, sizeof s);
  s.name = "body";
  s.font = font;
  s.weight = 400;
  s.size = MB_PT(10);
  s.leading = MB_PT(14);
  s.color = 0x000000FF;
  s.align = align;
  s.hyphenate = true;
  return s;
}

/* Sets text at width with a builder; the caller frees with done(). */
static setting set_with(mb_para_builder *b, const char *text, const mb_style *style, mb_len width,
                        bool hyphenate, const char *lang) {
  setting st;
  memset(&st, 0, sizeof st);
  st.arena = mb_arena_new();
  st.diags = mb_diags_new();
  st.style = *style;
  st.width = width;
  st.text.str = text;
  st.text.len = (uint32_t)strlen(text);
  mb_srcmark *mark = mb_arena_alloc(st.arena, sizeof(mb_srcmark));
  mark->offset = 0;
  mark->pos = (mb_pos){"para.md", 7, 1};
  st.text.marks = mark;
  st.text.nmarks = 1;
  mb_para_in in;
  memset(&in, 0, sizeof in);
  in.text = &st.text;
  in.style = &st.style;
  in.lang = lang;
  in.width = width;
  in.pos = mark->pos;
  in.hyphenate = hyphenate;
  CHECK(b->build(b, &in, st.arena, &st.lines, &st.n, st.diags));
  return st;
}

static setting set(const char *text, const mb_style *style, mb_len width, bool hyphenate,
                   const char *lang) {
  mb_para_builder *b = mb_para_tex_new(fonts);
  setting st = set_with(b, text, style, width, hyphenate, lang);
  mb_para_builder_free(b);
  return st;
}

static void done(setting *st) {
  mb_arena_free(st->arena);
  mb_diags_free(st->diags);
}

/* The first character a line shows. */
static gunichar first_char(const setting *st, size_t k) {
  return g_utf8_get_char(st->text.str + st->lines[k].start);
}

static bool starts_badly(gunichar c) {
  return c == 0x0964 || c == 0x0965 || c == ',' || c == ')' || c == 0x201D || c == ';';
}

static int bad_starts(const setting *st) {
  int bad = 0;
  for (size_t k = 1; k < st->n; k++) bad += starts_badly(first_char(st, k));
  return bad;
}

/* The last glyph run of a line. */
static const mb_glyph_run *last_run(const mb_line *line) {
  for (size_t r = line->nruns; r-- > 0;)
    if (line->runs[r].kind == MB_BOX_GLYPHS) return &line->runs[r].u.glyphs.run;
  return NULL;
}

/* Word spaces on a line (a line of URL parts has none and cannot be justified). */
static int spaces_on(const mb_line *line) {
  int n = 0;
  for (size_t r = 0; r < line->nruns; r++) {
    if (line->runs[r].kind != MB_BOX_GLYPHS) continue;
    const mb_glyph_run *run = &line->runs[r].u.glyphs.run;
    for (uint32_t g = 0; g < run->nglyphs; g++) n += run->text[run->glyphs[g].cluster] == ' ';
  }
  return n;
}

/* A line that ends in a hyphen the breaker inserted (the source has none there). */
static bool inserted_hyphen(const setting *st, size_t k) {
  const mb_glyph_run *run = last_run(&st->lines[k]);
  const mb_line *l = &st->lines[k];
  return run && run->text_len && run->text[run->text_len - 1] == '-' && l->end > 0 &&
         st->text.str[l->end - 1] != '-';
}

static size_t letters_before(const setting *st, uint32_t at) {
  size_t n = 0;
  while (at > 0 && g_ascii_isalpha(st->text.str[at - 1])) at--, n++;
  return n;
}

static size_t letters_after(const setting *st, uint32_t at) {
  size_t n = 0;
  while (at < st->text.len && g_ascii_isalpha(st->text.str[at])) at++, n++;
  return n;
}

/* ---- Hindi ---- */

static const char *HINDI =
    "एमआईटी में वर्ष 2009-2010 के पतझड़ के सत्र के लिए अवरस्नातक स्तर पर 4,232 और स्नातक स्तर "
    "पर 6,152 छात्रों को प्रवेश दिया गया है । इसमें करीबन 1,009 संकाय सदस्यों को रोजगार प्रदान "
    "किया है , इसकी बंदोबस्ती और अनुसंधान पर वार्षिक व्यय अन्य किसी भी अमेरिकी विश्वविद्यालय "
    "से अधिक है ॥ इसका मौजूदा 168 एकड़ परिसर 1916 में खुला , जो चार्ल्स नदी घाटी के उत्तरी "
    "किनारे पर 1 मील फैला हुआ है । अब तक 75 नोबल पुरस्कार विजेता , 47 राष्ट्रीय विज्ञान पदक "
    "प्रापक और 31 मैकआर्थर अध्येता इस विश्वविद्यालय के साथ सम्बद्ध रहे है । परिसर ( 168 एकड़ ) "
    "पर 50 प्रतिशत से अधिक इमारतें हैं ।";

static void test_no_line_starts_with_danda(void) {
  mb_style s = body_style("Noto Serif Devanagari, Noto Serif", MB_ALIGN_JUSTIFY);
  int bad = 0, greedy_bad = 0, lines = 0;
  mb_para_builder *greedy = mb_para_pango_new(fonts);
  for (int w = 60; w <= 260; w += 5) {
    setting st = set(HINDI, &s, MB_PT(w), false, "hi");
    bad += bad_starts(&st);
    lines += (int)st.n;
    done(&st);
    setting g = set_with(greedy, HINDI, &s, MB_PT(w), false, "hi");
    greedy_bad += bad_starts(&g);
    done(&g);
  }
  mb_para_builder_free(greedy);
  CHECK(lines > 200);
  CHECK_INT(bad, 0);
  CHECK(greedy_bad > 0); /* UAX #14 alone breaks before a danda after a space */
}

static void test_number_stays_with_unit(void) {
  mb_style s = body_style("Noto Serif Devanagari, Noto Serif", MB_ALIGN_JUSTIFY);
  int split = 0;
  for (int w = 60; w <= 260; w += 5) {
    setting st = set(HINDI, &s, MB_PT(w), false, "hi");
    for (size_t k = 0; k + 1 < st.n; k++) {
      const char *next = st.text.str + st.lines[k + 1].start;
      const char *end = st.text.str + st.lines[k].end;
      bool unit = strncmp(next, "एकड़", strlen("एकड़")) == 0 ||
                  strncmp(next, "प्रतिशत", strlen("प्रतिशत")) == 0 ||
                  strncmp(next, "मील", strlen("मील")) == 0;
      split += unit && end > st.text.str && g_ascii_isdigit(end[-1]);
    }
    done(&st);
  }
  CHECK_INT(split, 0);
}

/* ---- English ---- */

static const char *ENGLISH =
    "MIT is an integral part of a global network of collaborators making groundbreaking "
    "discoveries all over the world. Our faculty and students can learn from international "
    "colleagues and gain access to some of the world's most advanced scientific facilities. At "
    "the same time, MIT attracts the most talented students, faculty, and researchers from "
    "abroad, and its extraordinarily interdisciplinary laboratories, characteristically "
    "independent, institutionalize experimentation. See https://web.mit.edu/globalstrategy/"
    "today.html and international.collaborations@mit.edu for details.";

static void test_english_hyphenation(void) {
  mb_style s = body_style("Noto Serif", MB_ALIGN_JUSTIFY);
  int hyphens = 0, short_parts = 0, run_max = 0, in_url = 0;
  for (int w = 90; w <= 300; w += 3) {
    setting st = set(ENGLISH, &s, MB_PT(w), true, "en");
    int run = 0;
    for (size_t k = 0; k < st.n; k++) {
      if (!inserted_hyphen(&st, k)) {
        run = 0;
        continue;
      }
      hyphens++;
      run++;
      run_max = run > run_max ? run : run_max;
      uint32_t at = st.lines[k].end;
      short_parts += letters_before(&st, at) < 2 || letters_after(&st, at) < 3;
      const char *url = strstr(st.text.str, "https://");
      const char *mail = strstr(st.text.str, "international.collab");
      in_url += (st.text.str + at > url && st.text.str + at < url + 46) ||
                (st.text.str + at > mail && st.text.str + at < mail + 34);
    }
    done(&st);
  }
  CHECK(hyphens > 20); /* it does hyphenate */
  CHECK_INT(short_parts, 0);
  CHECK(run_max <= 2);
  CHECK_INT(in_url, 0);
}

static void test_no_hyphenation_when_off(void) {
  mb_style s = body_style("Noto Serif", MB_ALIGN_JUSTIFY);
  int hyphens = 0;
  for (int w = 90; w <= 300; w += 7) {
    setting st = set(ENGLISH, &s, MB_PT(w), false, "en");
    for (size_t k = 0; k < st.n; k++) hyphens += inserted_hyphen(&st, k);
    done(&st);
    mb_style off = s;
    off.hyphenate = false;
    setting st2 = set(ENGLISH, &off, MB_PT(w), false, "en");
    for (size_t k = 0; k < st2.n; k++) hyphens += inserted_hyphen(&st2, k);
    done(&st2);
  }
  CHECK_INT(hyphens, 0);
}

/* Words are hyphenated only when the paragraph cannot be set well without: with patterns that
 * cannot be read, a paragraph that fits says nothing about them, one that needs them does. */
static int pattern_warnings(const char *text, mb_len width) {
  mb_style s = body_style("Noto Serif", MB_ALIGN_JUSTIFY);
  mb_para_builder *b = mb_para_tex_adopt(fonts, mb_hyphenator_new("/nonexistent/hyph_en.dic"));
  setting st = set_with(b, text, &s, width, true, "en");
  int found = 0;
  for (size_t i = 0; i < mb_diags_count(st.diags); i++)
    found += strstr(mb_diags_at(st.diags, i)->message, "hyphenation patterns") != NULL;
  done(&st);
  mb_para_builder_free(b);
  return found;
}

static void test_hyphenation_only_when_needed(void) {
  CHECK_INT(pattern_warnings("Bringing MIT to the world, and the world to MIT.", MB_PT(400)), 0);
  CHECK_INT(pattern_warnings(ENGLISH, MB_PT(120)), 1); /* a narrow column needs them */
}

static void test_soft_hyphens(void) {
  mb_style s = body_style("Noto Serif", MB_ALIGN_LEFT);
  const char *text = "Super\u00ADcali\u00ADfragil\u00ADistic\u00ADexpi\u00ADali\u00ADdocious";
  setting st = set(text, &s, MB_PT(60), false, "en");
  CHECK(st.n >= 3);
  for (size_t k = 0; k + 1 < st.n; k++) {
    CHECK_INT(memcmp(st.text.str + st.lines[k].end - 2, "\u00AD", 2), 0); /* at a soft hyphen */
    const mb_glyph_run *run = last_run(&st.lines[k]);
    CHECK(run && run->text[run->text_len - 1] == '-'); /* shown as a hyphen */
  }
  CHECK_INT(mb_diags_count(st.diags), 0);
  done(&st);
}

/* Justified lines fill the measure; those ending in punctuation hang past it by a fraction of
 * its width; the last line keeps natural spaces. */
static void test_justified_widths(void) {
  mb_style s = body_style("Noto Serif", MB_ALIGN_JUSTIFY);
  int full = 0, hanging = 0, wrong = 0;
  for (int w = 150; w <= 300; w += 10) {
    setting st = set(ENGLISH, &s, MB_PT(w), true, "en");
    for (size_t k = 0; k + 1 < st.n; k++) {
      if (!spaces_on(&st.lines[k])) continue;
      mb_len over = st.lines[k].width - st.width;
      char last = st.text.str[st.lines[k].end - 1];
      bool punct = last == '.' || last == ',' || inserted_hyphen(&st, k) || last == '-';
      if (over == 0 && !punct)
        full++;
      else if (punct && over > 0 && over <= MB_PT(3))
        hanging++;
      else if (!(punct && over == 0)) { /* a hyphen inside a URL part may not hang */
        wrong++;
        fprintf(stderr, "  w=%d line %zu over %.2f |%.*s|\n", w, k, mb_len_pt(over),
                (int)(st.lines[k].end - st.lines[k].start), st.text.str + st.lines[k].start);
      }
    }
    mb_len last = st.lines[st.n - 1].width;
    wrong += last > st.width;
    done(&st);
  }
  CHECK(full > 50);
  CHECK(hanging > 10);
  CHECK_INT(wrong, 0);
}

/* Spaces on a last line have the width of a space set alone. */
static void test_last_line_natural(void) {
  mb_style s = body_style("Noto Serif", MB_ALIGN_JUSTIFY);
  setting one = set("a b", &s, MB_PT(200), false, "en");
  const mb_glyph_run *r = last_run(&one.lines[0]);
  CHECK(r && r->nglyphs == 3);
  mb_len space = r ? r->glyphs[1].x_advance : 0;
  int spaces = 0, stretched = 0;
  for (int w = 100; w <= 300; w += 10) {
    setting st = set(ENGLISH, &s, MB_PT(w), true, "en");
    const mb_line *last = &st.lines[st.n - 1];
    for (size_t i = 0; i < last->nruns; i++) {
      if (last->runs[i].kind != MB_BOX_GLYPHS) continue;
      const mb_glyph_run *run = &last->runs[i].u.glyphs.run;
      for (uint32_t g = 0; g < run->nglyphs; g++)
        if (run->text[run->glyphs[g].cluster] == ' ') {
          spaces++;
          stretched += run->glyphs[g].x_advance != space;
        }
    }
    done(&st);
  }
  CHECK(spaces > 5);
  CHECK_INT(stretched, 0);
  done(&one);
}

static void test_wide_word(void) {
  mb_style s = body_style("Noto Serif", MB_ALIGN_JUSTIFY);
  const char *text = "Read https://example.org/internationalcollaborationsoffice.html for more.";
  setting st = set(text, &s, MB_PT(80), true, "en");
  for (size_t k = 0; k < st.n; k++) CHECK(st.lines[k].width <= st.width + MB_PT(3));
  CHECK(st.n >= 3);
  CHECK_INT(mb_diags_warnings(st.diags), 1); /* once, though its items are made twice */
  const mb_diag *d = mb_diags_count(st.diags) ? mb_diags_at(st.diags, 0) : NULL;
  CHECK(d && d->pos.line == 7 && d->pos.col == 6); /* where the word starts in the source */
  CHECK(d && strstr(d->message, "wider than the column"));
  done(&st);
}

/* Letter spacing (a style's tracking) never reaches Devanagari, so the headline stays whole;
 * Latin text in the same paragraph is spaced. */
static void test_no_tracking_on_devanagari(void) {
  mb_style plain = body_style("Noto Sans Devanagari, Noto Sans", MB_ALIGN_LEFT);
  mb_style tracked = plain;
  tracked.tracking = MB_PT(2);
  const char *text = "मैसाचुसेट्स प्रौद्योगिकी MIT";
  setting a = set(text, &plain, MB_PT(400), false, "hi");
  setting b = set(text, &tracked, MB_PT(400), false, "hi");
  CHECK_INT(a.n, 1);
  CHECK_INT(b.n, 1);
  int deva_same = 1, latin_wider = 0;
  for (size_t r = 0; r < a.lines[0].nruns && r < b.lines[0].nruns; r++) {
    const mb_glyph_run *ra = &a.lines[0].runs[r].u.glyphs.run,
                       *rb = &b.lines[0].runs[r].u.glyphs.run;
    bool deva = strcmp(ra->lang, "hi") == 0;
    if (deva) {
      CHECK_INT(ra->nglyphs, rb->nglyphs);
      for (uint32_t g = 0; g < ra->nglyphs && g < rb->nglyphs; g++)
        deva_same &= ra->glyphs[g].x_advance == rb->glyphs[g].x_advance;
    } else {
      latin_wider += b.lines[0].runs[r].w > a.lines[0].runs[r].w;
    }
  }
  CHECK(deva_same);
  CHECK(latin_wider > 0);
  done(&a);
  done(&b);
}

/* Call-out numbers take the style's OpenType features: with tnum every digit is as wide as
 * every other; without, Noto Sans's proportional figures differ. */
static int digit_widths(const char *features) {
  mb_style s = body_style("Noto Sans", MB_ALIGN_LEFT);
  s.weight = 700;
  s.features = features;
  setting st = set("1111 8888", &s, MB_PT(300), false, "en");
  const mb_glyph_run *r = last_run(&st.lines[0]);
  int distinct = 0;
  mb_len seen[2] = {-1, -1};
  for (uint32_t g = 0; r && g < r->nglyphs; g++) {
    if (r->text[r->glyphs[g].cluster] == ' ') continue;
    mb_len w = r->glyphs[g].x_advance;
    if (w != seen[0] && w != seen[1]) seen[distinct++ % 2] = w;
  }
  done(&st);
  return distinct;
}

/* Text without letters (a call-out's number, a list bullet) is in the section's language,
 * as the mono builder has it; not in Pango's default, the C locale's "c". */
static void test_runs_without_letters_take_section_language(void) {
  static const struct {
    const char *font, *text, *lang;
  } cases[] = {{"Noto Sans, Noto Sans Devanagari", "3,432", "en"},
               {"Noto Sans Devanagari, Noto Sans", "1861 – 2025", "hi"},
               {"Noto Serif, Noto Serif Devanagari", "•", "en"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    mb_style style = body_style(cases[i].font, MB_ALIGN_LEFT);
    setting st = set(cases[i].text, &style, MB_PT(200), false, cases[i].lang);
    CHECK_INT(st.n, 1);
    int runs = 0;
    for (size_t r = 0; r < st.lines[0].nruns; r++) {
      if (st.lines[0].runs[r].kind != MB_BOX_GLYPHS) continue;
      CHECK_STR(st.lines[0].runs[r].u.glyphs.run.lang, cases[i].lang);
      runs++;
    }
    CHECK(runs > 0);
    done(&st);
  }
}

static void test_tabular_figures(void) {
  CHECK_INT(digit_widths("tnum, lnum"), 1);
  CHECK(digit_widths("pnum, lnum") > 1);
}

/* Latin ligatures are on: "fi" in "scientific" is one glyph. */
static void test_ligatures(void) {
  mb_style s = body_style("Noto Serif", MB_ALIGN_LEFT);
  setting st = set("scientific office", &s, MB_PT(300), false, "en");
  const mb_glyph_run *r = last_run(&st.lines[0]);
  CHECK(r && r->nglyphs < r->text_len);
  done(&st);
}

/* Headings and call-outs are never hyphenated, even in a narrow column. */
static void test_headings_not_hyphenated(void) {
  mb_diags *d = mb_diags_new();
  const char *yaml = "page: {size: 90mm x 200mm, margins: {top: 10mm, bottom: 10mm, inner: 8mm, "
                     "outer: 8mm}, columns: 1, page-multiple: 1}\n"
                     "styles:\n"
                     "  body: {font: Noto Serif, size: 10pt, leading: 13pt, align: justify}\n"
                     "  h1: {font: Noto Sans, size: 20pt, leading: 24pt, align: justify}\n"
                     "  stat-label: {font: Noto Sans, size: 10pt, leading: 12pt, align: justify}\n"
                     "callouts: {kind: grid, columns: 2}\n";
  mb_layout *layout = mb_layout_parse("h.yaml", yaml, strlen(yaml), d);
  const char *md = "# Internationalization characteristically institutionalized\n\n"
                   "```stats\n- value: \"1\"\n  label: extraordinarily interdisciplinary "
                   "institutionalization\n```\n";
  mb_doc *doc = mb_doc_new();
  mb_content_parse(doc, "h.md", md, strlen(md), d);
  mb_doc_finish(doc);
  mb_para_builder *b = mb_para_tex_new(fonts);
  mb_book *book = mb_layout_run(doc, layout, b, d);
  int runs = 0, hyphens = 0;
  for (size_t p = 0; p < book->npages; p++)
    for (size_t i = 0; i < book->pages[p].nboxes; i++) {
      const mb_box *box = &book->pages[p].boxes[i];
      if (box->kind != MB_BOX_GLYPHS || box->block < 0) continue;
      runs++;
      const mb_glyph_run *r = &box->u.glyphs.run;
      hyphens += r->text_len && r->text[r->text_len - 1] == '-';
    }
  CHECK(runs >= 4);
  CHECK_INT(hyphens, 0);
  mb_book_free(book);
  mb_para_builder_free(b);
  mb_doc_free(doc);
  mb_layout_free(layout);
  mb_diags_free(d);
}

int main(void) {
  mb_diags *d = mb_diags_new();
  char *dir = mb_path_join(MB_SOURCE_DIR, "fonts");
  fonts = mb_fonts_new(dir, d);
  CHECK(fonts != NULL);
  if (fonts) {
    RUN(test_no_line_starts_with_danda);
    RUN(test_number_stays_with_unit);
    RUN(test_english_hyphenation);
    RUN(test_no_hyphenation_when_off);
    RUN(test_hyphenation_only_when_needed);
    RUN(test_soft_hyphens);
    RUN(test_justified_widths);
    RUN(test_last_line_natural);
    RUN(test_wide_word);
    RUN(test_headings_not_hyphenated);
    RUN(test_no_tracking_on_devanagari);
    RUN(test_runs_without_letters_take_section_language);
    RUN(test_tabular_figures);
    RUN(test_ligatures);
  }
  mb_fonts_free(fonts);
  mb_fonts_shutdown();
  free(dir);
  mb_diags_free(d);
  return harness_report();
}
