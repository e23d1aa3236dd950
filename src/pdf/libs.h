/* The PDF libraries, opened when first needed (util/dl.h): qpdf (post-processing, preflight)
 * and exempi (XMP). Loading them costs about 3 ms (libstdc++, gnutls and more come with
 * them); a render opens them while its last pages are being drawn, when the main thread would
 * only wait. Call mb_pdf_libs_load before the first use of mb_qpdf or mb_exempi. */
#ifndef MB_PDF_LIBS_H
#define MB_PDF_LIBS_H

#include "util/dl.h"

#include <exempi/xmp.h>
#include <qpdf/qpdf-c.h>

#define MB_QPDF_FUNCS(X)                                                                           \
  X(qpdf_cleanup)                                                                                  \
  X(qpdf_get_buffer)                                                                               \
  X(qpdf_get_buffer_length)                                                                        \
  X(qpdf_get_error)                                                                                \
  X(qpdf_get_error_full_text)                                                                      \
  X(qpdf_get_num_pages)                                                                            \
  X(qpdf_get_page_n)                                                                               \
  X(qpdf_get_qpdf_version)                                                                         \
  X(qpdf_get_root)                                                                                 \
  X(qpdf_get_trailer)                                                                              \
  X(qpdf_has_error)                                                                                \
  X(qpdf_init)                                                                                     \
  X(qpdf_init_write_memory)                                                                        \
  X(qpdf_make_indirect_object)                                                                     \
  X(qpdf_oh_append_item)                                                                           \
  X(qpdf_oh_begin_dict_key_iter)                                                                   \
  X(qpdf_oh_dict_more_keys)                                                                        \
  X(qpdf_oh_dict_next_key)                                                                         \
  X(qpdf_oh_get_array_item)                                                                        \
  X(qpdf_oh_get_array_n_items)                                                                     \
  X(qpdf_oh_get_dict)                                                                              \
  X(qpdf_oh_get_key)                                                                               \
  X(qpdf_oh_get_name)                                                                              \
  X(qpdf_oh_get_object_id)                                                                         \
  X(qpdf_oh_get_value_as_number)                                                                   \
  X(qpdf_oh_has_key)                                                                               \
  X(qpdf_oh_is_array)                                                                              \
  X(qpdf_oh_is_dictionary)                                                                         \
  X(qpdf_oh_is_name_and_equals)                                                                    \
  X(qpdf_oh_is_stream)                                                                             \
  X(qpdf_oh_new_array)                                                                             \
  X(qpdf_oh_new_bool)                                                                              \
  X(qpdf_oh_new_dictionary)                                                                        \
  X(qpdf_oh_new_integer)                                                                           \
  X(qpdf_oh_new_name)                                                                              \
  X(qpdf_oh_new_null)                                                                              \
  X(qpdf_oh_new_real_from_double)                                                                  \
  X(qpdf_oh_new_stream)                                                                            \
  X(qpdf_oh_new_unicode_string)                                                                    \
  X(qpdf_oh_remove_key)                                                                            \
  X(qpdf_oh_replace_key)                                                                           \
  X(qpdf_oh_replace_stream_data)                                                                   \
  X(qpdf_read)                                                                                     \
  X(qpdf_read_memory)                                                                              \
  X(qpdf_set_compress_streams)                                                                     \
  X(qpdf_set_decode_level)                                                                         \
  X(qpdf_set_deterministic_ID)                                                                     \
  X(qpdf_set_linearization)                                                                        \
  X(qpdf_set_minimum_pdf_version)                                                                  \
  X(qpdf_set_object_stream_mode)                                                                   \
  X(qpdf_set_suppress_warnings)                                                                    \
  X(qpdf_silence_errors)                                                                           \
  X(qpdf_write)

#define MB_EXEMPI_FUNCS(X)                                                                         \
  X(xmp_append_array_item)                                                                         \
  X(xmp_free)                                                                                      \
  X(xmp_init)                                                                                      \
  X(xmp_new_empty)                                                                                 \
  X(xmp_register_namespace)                                                                        \
  X(xmp_serialize)                                                                                 \
  X(xmp_set_localized_text)                                                                        \
  X(xmp_set_property)                                                                              \
  X(xmp_string_cstr)                                                                               \
  X(xmp_string_free)                                                                               \
  X(xmp_string_new)                                                                                \
  X(xmp_terminate)

typedef struct mb_qpdf_fns {
  MB_QPDF_FUNCS(MB_DL_FIELD)
} mb_qpdf_fns;

typedef struct mb_exempi_fns {
  MB_EXEMPI_FUNCS(MB_DL_FIELD)
} mb_exempi_fns;

extern mb_qpdf_fns mb_qpdf;
extern mb_exempi_fns mb_exempi;

/* Opens both (once); false with an I/O error if one is missing. */
bool mb_pdf_libs_load(mb_diags *diags);

#endif
