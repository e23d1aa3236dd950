#include "fonts_cairo.h"

#include "util/file.h"
#include "util/mem.h"
#include "util/text.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct interned_font {
  PangoFont *font;
  cairo_scaled_font_t *scaled; /* made when interned, so drawing never asks Pango */
} interned_font;

struct mb_fonts {
  FcConfig *config;
  PangoFontMap *map;
  PangoContext *context;
  cairo_font_options_t *options;
  /* The fonts boxes refer to, by id. Only the layout's thread adds to it; the renderer may
   * read it from another thread while layout goes on: adding and reading hold the lock. */
  MB_VEC(interned_font) interned;
  pthread_mutex_t lock;
  MB_VEC(char *) families;
  GHashTable *metrics; /* "description|language" -> ascent and descent */
};

typedef struct metrics {
  int ascent, descent;
} metrics;

static void collect_families(mb_fonts *fonts) {
  FcFontSet *set = FcConfigGetFonts(fonts->config, FcSetApplication);
  for (int i = 0; set && i < set->nfont; i++) {
    FcChar8 *family;
    if (FcPatternGetString(set->fonts[i], FC_FAMILY, 0, &family) != FcResultMatch) continue;
    bool seen = false;
    for (size_t k = 0; k < fonts->families.len && !seen; k++)
      seen = mb_str_eq_nocase(fonts->families.items[k], (const char *)family);
    if (!seen) mb_vec_push(&fonts->families, mb_xstrdup((const char *)family));
  }
  mb_vec_push(&fonts->families, (char *)NULL);
}

/* A context measuring as PDF needs: no hinting, no rounding, 72 dpi. */
static PangoContext *new_context(PangoFontMap *map, const cairo_font_options_t *options) {
  PangoContext *context = pango_font_map_create_context(map);
  pango_cairo_context_set_font_options(context, options);
  pango_cairo_context_set_resolution(context, 72.0);
  pango_context_set_round_glyph_positions(context, FALSE);
  return context;
}

PangoContext *mb_fonts_context_new(mb_fonts *fonts) {
  PangoFontMap *map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
  pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), fonts->config);
  PangoContext *context = new_context(map, fonts->options);
  g_object_unref(map); /* the context keeps it */
  return context;
}

void mb_fonts_context_free(PangoContext *context) {
  if (!context) return;
  PangoFontMap *map = pango_context_get_font_map(context);
  pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), NULL); /* drops its reference */
  g_object_unref(context);
}

static void setup_context(mb_fonts *fonts) {
  fonts->options = cairo_font_options_create();
  cairo_font_options_set_hint_style(fonts->options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(fonts->options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias(fonts->options, CAIRO_ANTIALIAS_GRAY);
  fonts->context = new_context(fonts->map, fonts->options);
}

static bool is_font_file(const char *name) {
  static const char *const exts[] = {".ttf", ".otf", ".ttc", ".TTF", ".OTF", NULL};
  size_t n = strlen(name);
  for (int i = 0; exts[i]; i++)
    if (n > 4 && strcmp(name + n - 4, exts[i]) == 0) return true;
  return false;
}

/* The folder's font files, one by one. Scanning a dozen fonts takes a few milliseconds; a
 * fontconfig cache would save one or two of them and write into the user's home. */
static bool add_files(FcConfig *config, const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return false;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || !is_font_file(e->d_name)) continue;
    char *path = mb_path_join(dir, e->d_name);
    FcConfigAppFontAddFile(config, (const FcChar8 *)path);
    free(path);
  }
  closedir(d);
  return true;
}

mb_fonts *mb_fonts_new(const char *dir, mb_diags *diags) {
  mb_fonts *fonts = mb_xcalloc(1, sizeof(mb_fonts));
  pthread_mutex_init(&fonts->lock, NULL);
  /* A configuration of its own: no system font folders, no rules. */
  fonts->config = FcConfigCreate();
  /* The process's current configuration too: Pango otherwise starts a thread that loads the
   * system's configuration and scans every system font, for nothing. */
  if (fonts->config) FcConfigSetCurrent(fonts->config);
  bool loaded = fonts->config && add_files(fonts->config, dir);
  if (!loaded) {
    mb_io_error(diags, mb_pos_file(dir), "cannot read the font folder");
    mb_fonts_free(fonts);
    return NULL;
  }
  collect_families(fonts);
  if (!fonts->families.items[0]) {
    mb_io_error(diags, mb_pos_file(dir), "the font folder has no fonts");
    mb_fonts_free(fonts);
    return NULL;
  }
  fonts->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
  pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fonts->map), fonts->config);
  setup_context(fonts);
  fonts->metrics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  return fonts;
}

void mb_fonts_free(mb_fonts *fonts) {
  if (!fonts) return;
  for (size_t i = 0; i < fonts->interned.len; i++) g_object_unref(fonts->interned.items[i].font);
  free(fonts->interned.items);
  pthread_mutex_destroy(&fonts->lock);
  for (size_t i = 0; i < fonts->families.len; i++) free(fonts->families.items[i]);
  free(fonts->families.items);
  if (fonts->metrics) g_hash_table_destroy(fonts->metrics);
  if (fonts->context) g_object_unref(fonts->context);
  if (fonts->map) {
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fonts->map), NULL); /* drops its reference */
    g_object_unref(fonts->map);
  }
  if (fonts->options) cairo_font_options_destroy(fonts->options);
  if (fonts->config) FcConfigDestroy(fonts->config);
  free(fonts);
}

void mb_fonts_shutdown(void) {
  cairo_debug_reset_static_data();
  FcFini();
}

PangoContext *mb_fonts_context(mb_fonts *fonts) {
  return fonts->context;
}

PangoFontMap *mb_fonts_map(mb_fonts *fonts) {
  return fonts->map;
}

int mb_fonts_intern(mb_fonts *fonts, PangoFont *font) {
  for (size_t i = fonts->interned.len; i-- > 0;)
    if (fonts->interned.items[i].font == font) return (int)i;
  interned_font f = {g_object_ref(font), pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font))};
  pthread_mutex_lock(&fonts->lock);
  mb_vec_push(&fonts->interned, f);
  int id = (int)fonts->interned.len - 1;
  pthread_mutex_unlock(&fonts->lock);
  return id;
}

static interned_font interned_at(mb_fonts *fonts, int id) {
  interned_font f = {NULL, NULL};
  pthread_mutex_lock(&fonts->lock);
  if (id >= 0 && (size_t)id < fonts->interned.len) f = fonts->interned.items[id];
  pthread_mutex_unlock(&fonts->lock);
  return f;
}

PangoFont *mb_fonts_get(mb_fonts *fonts, int id) {
  return interned_at(fonts, id).font;
}

size_t mb_fonts_count(const mb_fonts *fonts) {
  return fonts->interned.len;
}

bool mb_fonts_has_family(mb_fonts *fonts, const char *family) {
  for (size_t i = 0; fonts->families.items[i]; i++)
    if (mb_str_eq_nocase(fonts->families.items[i], family)) return true;
  return false;
}

const char *const *mb_fonts_families(mb_fonts *fonts) {
  return (const char *const *)fonts->families.items;
}

static gboolean first_font(PangoFontset *fs, PangoFont *font, gpointer data) {
  (void)fs;
  *(PangoFont **)data = g_object_ref(font);
  return TRUE;
}

static void widen(PangoFont *font, metrics *m) {
  hb_font_extents_t ext;
  if (!font || !hb_font_get_h_extents(pango_font_get_hb_font(font), &ext)) return;
  if (ext.ascender > m->ascent) m->ascent = ext.ascender;
  if (-ext.descender > m->descent) m->descent = -ext.descender;
}

/* Ascent and descent of the text a description sets in a language: the most of the first
 * font's and of the font that sets the language's letters (as pango_context_get_metrics
 * gives them, without shaping its sample text on every call). */
static metrics measure(mb_fonts *fonts, const PangoFontDescription *desc, const char *lang) {
  PangoLanguage *language = lang ? pango_language_from_string(lang) : NULL;
  PangoFontset *fs = pango_font_map_load_fontset(fonts->map, fonts->context, desc, language);
  metrics m = {0, 0};
  if (!fs) return m;
  PangoFont *first = NULL;
  pango_fontset_foreach(fs, first_font, &first);
  widen(first, &m);
  PangoFont *letters = pango_fontset_get_font(fs, lang && strcmp(lang, "hi") == 0 ? 0x0915 : 'a');
  widen(letters, &m);
  if (letters) g_object_unref(letters);
  if (first) g_object_unref(first);
  g_object_unref(fs);
  return m;
}

void mb_fonts_metrics(mb_fonts *fonts, const PangoFontDescription *desc, const char *lang,
                      int *ascent, int *descent) {
  char *d = pango_font_description_to_string(desc);
  char *key = g_strconcat(d, "|", lang ? lang : "", NULL);
  g_free(d);
  metrics *m = g_hash_table_lookup(fonts->metrics, key);
  if (!m) {
    m = g_new(metrics, 1);
    *m = measure(fonts, desc, lang);
    g_hash_table_insert(fonts->metrics, key, m);
  } else {
    g_free(key);
  }
  *ascent = m->ascent;
  *descent = m->descent;
}

cairo_scaled_font_t *mb_fonts_scaled(mb_fonts *fonts, int id) {
  return interned_at(fonts, id).scaled;
}

const cairo_font_options_t *mb_fonts_options(mb_fonts *fonts) {
  return fonts->options;
}
