/* XMP metadata through exempi. */
#include "pdf.h"

#include "util/mem.h"

#include <exempi/xmp.h>
#include <exempi/xmpconsts.h>
#include <string.h>

static const char NS_MM[] = "http://ns.adobe.com/xap/1.0/mm/";
static const char NS_PDFXID[] = "http://www.npes.org/pdfx/ns/id/";

static void set(XmpPtr x, const char *ns, const char *name, const char *value) {
  if (value && *value) xmp_set_property(x, ns, name, value, 0);
}

static void set_text(XmpPtr x, const char *ns, const char *name, const char *value) {
  if (value && *value) xmp_set_localized_text(x, ns, name, "", "x-default", value, 0);
}

char *mb_xmp_packet(const mb_pdf_meta *m, const char *document_id, const char *pdfx) {
  if (!xmp_init()) return NULL;
  xmp_register_namespace(NS_MM, "xmpMM", NULL);
  xmp_register_namespace(NS_PDFXID, "pdfxid", NULL);
  XmpPtr x = xmp_new_empty();
  set_text(x, NS_DC, "title", m->title);
  set_text(x, NS_DC, "description", m->subject);
  if (m->author && *m->author)
    xmp_append_array_item(x, NS_DC, "creator", XMP_PROP_ARRAY_IS_ORDERED, m->author, 0);
  for (size_t i = 0; m->langs && m->langs[i]; i++)
    xmp_append_array_item(x, NS_DC, "language", XMP_PROP_ARRAY_IS_UNORDERED, m->langs[i], 0);
  set(x, NS_DC, "format", "application/pdf");
  set(x, NS_PDF, "Keywords", m->keywords);
  set(x, NS_PDF, "Producer", m->producer);
  set(x, NS_XAP, "CreatorTool", m->creator);
  set(x, NS_XAP, "CreateDate", m->date);
  set(x, NS_XAP, "ModifyDate", m->date);
  set(x, NS_XAP, "MetadataDate", m->date);
  set(x, NS_MM, "DocumentID", document_id);
  set(x, NS_MM, "InstanceID", document_id);
  set(x, NS_MM, "VersionID", "1");
  set(x, NS_MM, "RenditionClass", "default");
  if (pdfx) {
    set(x, NS_PDFXID, "GTS_PDFXVersion", pdfx);
    set(x, NS_PDF, "Trapped", "False");
  }
  XmpStringPtr s = xmp_string_new();
  char *packet = NULL;
  if (xmp_serialize(x, s, 0, 0)) packet = mb_xstrdup(xmp_string_cstr(s));
  xmp_string_free(s);
  xmp_free(x);
  xmp_terminate();
  return packet;
}
