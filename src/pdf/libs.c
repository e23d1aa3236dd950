#include "libs.h"

mb_qpdf_fns mb_qpdf;
mb_exempi_fns mb_exempi;

bool mb_pdf_libs_load(mb_diags *diags) {
  return MB_DL_LOAD(mb_qpdf, MB_QPDF_FUNCS, MB_QPDF_SONAME, "PDF post-processing", diags) &&
         MB_DL_LOAD(mb_exempi, MB_EXEMPI_FUNCS, MB_EXEMPI_SONAME, "XMP metadata", diags);
}
