/* The language of text runs: the section's language for its own script, else by script. */
#include "para.h"

#include "util/text.h"

#include <pango/pango.h>
#include <string.h>

const char *mb_lang_for_script(int script, const char *section_lang) {
  GUnicodeScript s = (GUnicodeScript)script;
  if (s == G_UNICODE_SCRIPT_COMMON || s == G_UNICODE_SCRIPT_INHERITED ||
      s == G_UNICODE_SCRIPT_UNKNOWN)
    return NULL;
  if (section_lang &&
      pango_language_includes_script(pango_language_from_string(section_lang), (PangoScript)s))
    return section_lang;
  switch (s) {
  case G_UNICODE_SCRIPT_DEVANAGARI: return "hi";
  case G_UNICODE_SCRIPT_LATIN: return "en";
  default: {
    PangoLanguage *l = pango_script_get_sample_language((PangoScript)s);
    return l ? pango_language_to_string(l) : NULL;
  }
  }
}

const char *mb_text_lang(const char *text, size_t len, const char *section_lang) {
  /* Count letters per language; the first two distinct languages are enough here. The
   * language is looked up once per run of one script, and the last script's is kept: text
   * goes from its script to spaces and punctuation (no language) and back. */
  const char *langs[2] = {NULL, NULL};
  size_t counts[2] = {0, 0};
  GUnicodeScript last = G_UNICODE_SCRIPT_INVALID_CODE, known = G_UNICODE_SCRIPT_INVALID_CODE;
  const char *lang = NULL, *known_lang = NULL;
  for (size_t i = 0; i < len;) {
    size_t n = 1;
    uint32_t cp = (unsigned char)text[i];
    if (cp >= 0x80) cp = mb_utf8_decode(text + i, len - i, &n);
    i += n ? n : 1;
    GUnicodeScript script = g_unichar_get_script(cp);
    if (script != last && script == known) {
      lang = known_lang;
    } else if (script != last) {
      lang = mb_lang_for_script(script, section_lang);
      if (lang) {
        known = script;
        known_lang = lang;
      }
    }
    last = script;
    if (!lang) continue;
    for (int k = 0; k < 2; k++) {
      if (!langs[k]) langs[k] = lang;
      if (langs[k] == lang || strcmp(langs[k], lang) == 0) {
        counts[k]++;
        break;
      }
    }
  }
  if (!langs[0]) return section_lang;
  return counts[1] > counts[0] ? langs[1] : langs[0];
}
