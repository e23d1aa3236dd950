/* XMP metadata through exempi. */
#include "libs.h"
#include "pdf.h"

#include "util/mem.h"

#include <string.h>

/* exempi's namespace constants are data, which dlsym would have to fetch too. */
static const char NS_XMP[] = "http://ns.adobe.com/xap/1.0/";
static const char NS_DUBLIN[] = "http://purl.org/dc/elements/1.1/";
static const char NS_PDF_13[] = "http://ns.adobe.com/pdf/1.3/";
static const char NS_MM[] = "http://ns.adobe.com/xap/1.0/mm/";
static const char NS_PDFXID[] = "http://www.npes.org/pdfx/ns/id/";

static void set(XmpPtr x, const char *ns, const char *name, const char *value) {
  if (value && *value) mb_exempi.xmp_set_property(x, ns, name, value, 0);
}

static void set_text(XmpPtr x, const char *ns, const char *name, const char *value) {
  if (value && *value) mb_exempi.xmp_set_localized_text(x, ns, name, "", "x-default", value, 0);
}

char *mb_xmp_packet(const mb_pdf_meta *m, const char *document_id, const char *pdfx) {
  if (!mb_exempi.xmp_init()) return NULL;
  mb_exempi.xmp_register_namespace(NS_MM, "xmpMM", NULL);
  mb_exempi.xmp_register_namespace(NS_PDFXID, "pdfxid", NULL);
  XmpPtr x = mb_exempi.xmp_new_empty();
  set_text(x, NS_DUBLIN, "title", m->title);
  set_text(x, NS_DUBLIN, "description", m->subject);
  if (m->author && *m->author)
    mb_exempi.xmp_append_array_item(x, NS_DUBLIN, "creator", XMP_PROP_ARRAY_IS_ORDERED, m->author,
                                    0);
  for (size_t i = 0; m->langs && m->langs[i]; i++)
    mb_exempi.xmp_append_array_item(x, NS_DUBLIN, "language", XMP_PROP_ARRAY_IS_UNORDERED,
                                    m->langs[i], 0);
  set(x, NS_DUBLIN, "format", "application/pdf");
  set(x, NS_PDF_13, "Keywords", m->keywords);
  set(x, NS_PDF_13, "Producer", m->producer);
  set(x, NS_XMP, "CreatorTool", m->creator);
  set(x, NS_XMP, "CreateDate", m->date);
  set(x, NS_XMP, "ModifyDate", m->date);
  set(x, NS_XMP, "MetadataDate", m->date);
  set(x, NS_MM, "DocumentID", document_id);
  set(x, NS_MM, "InstanceID", document_id);
  set(x, NS_MM, "VersionID", "1");
  set(x, NS_MM, "RenditionClass", "default");
  if (pdfx) {
    set(x, NS_PDFXID, "GTS_PDFXVersion", pdfx);
    set(x, NS_PDF_13, "Trapped", "False");
  }
  XmpStringPtr s = mb_exempi.xmp_string_new();
  char *packet = NULL;
  if (mb_exempi.xmp_serialize(x, s, 0, 0)) packet = mb_xstrdup(mb_exempi.xmp_string_cstr(s));
  mb_exempi.xmp_string_free(s);
  mb_exempi.xmp_free(x);
  mb_exempi.xmp_terminate();
  return packet;
}
