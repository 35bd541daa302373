#ifndef CHDF5_SUPPORT_H
#define CHDF5_SUPPORT_H
#include <stddef.h>
#include <hdf5.h>

/// HDF5's native type ids and property defaults are macros over globals initialised by H5open();
/// Swift cannot import them, so each gets a function.
hid_t tl_h5t_native_float(void);
hid_t tl_h5t_native_double(void);
hid_t tl_h5t_ieee_f32le(void);
hid_t tl_h5t_ieee_f64le(void);
hid_t tl_h5t_c_s1(void);
hid_t tl_h5p_default(void);
hid_t tl_h5s_all(void);
unsigned tl_h5f_acc_rdonly(void);
unsigned tl_h5f_acc_trunc(void);
size_t tl_h5t_variable(void);

/// A file-access property list whose close is strong: H5Fclose closes every object still open in the
/// file, so the file is complete on disk when H5Fclose returns (needed before an atomic rename).
hid_t tl_h5p_create_strong_close_file_access(void);
/// A link-creation property list that creates missing intermediate groups ("a/b/kernel" in one call).
hid_t tl_h5p_create_intermediate_groups(void);

/// Turns off HDF5's automatic printing of its error stack to stderr (callers report errors themselves).
void tl_h5_silence_errors(void);

/// Copies the most specific message on the current thread's HDF5 error stack (the place the failure
/// was detected, e.g. "truncated file: eof = ...") into `buffer`, then clears the stack.
/// Returns 1 if there was a message, 0 if the stack was empty.
int tl_h5_take_error_message(char *buffer, size_t capacity);

/// A float type laid out as IEEE 754 half precision (little-endian), as NumPy/h5py store float16.
/// The caller closes it with H5Tclose.
hid_t tl_h5t_create_float16le(void);

/// Reads a string attribute (scalar or 1-D array; variable-length or fixed-length, NUL- or space-padded)
/// into newly malloc'ed NUL-terminated strings. Returns the count, -1 on an HDF5 failure (the error stack
/// says why), -2 if the attribute's type is not a string. A zero-element attribute returns 0 with *out NULL.
long tl_h5a_read_strings(hid_t attribute, char ***out);
/// Frees what tl_h5a_read_strings returned.
void tl_free_strings(char **strings, long count);

/// Writes `count` strings as attribute `name` on `location`: a 1-D array, or a scalar when `scalar` is
/// non-zero (count must then be 1). Variable-length strings when `fixed_length` is 0 (what h5py writes
/// for Python bytes), otherwise NUL-padded fixed-length strings as wide as the longest one (NumPy 'S').
/// `utf8` selects the UTF-8 character set instead of ASCII. Returns a negative value on failure.
herr_t tl_h5a_write_strings(hid_t location, const char *name, const char *const *strings, size_t count,
                            int scalar, int fixed_length, int utf8);
#endif
