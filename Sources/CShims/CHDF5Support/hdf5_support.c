#include "CHDF5Support.h"
#include <stdlib.h>
#include <string.h>

hid_t tl_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
hid_t tl_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
hid_t tl_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
hid_t tl_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
hid_t tl_h5t_c_s1(void) { return H5T_C_S1; }
hid_t tl_h5p_default(void) { return H5P_DEFAULT; }
hid_t tl_h5s_all(void) { return H5S_ALL; }
unsigned tl_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
unsigned tl_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
size_t tl_h5t_variable(void) { return H5T_VARIABLE; }

hid_t tl_h5p_create_strong_close_file_access(void) {
    hid_t list = H5Pcreate(H5P_FILE_ACCESS);
    if (list >= 0 && H5Pset_fclose_degree(list, H5F_CLOSE_STRONG) < 0) { H5Pclose(list); return -1; }
    return list;
}

hid_t tl_h5p_create_intermediate_groups(void) {
    hid_t list = H5Pcreate(H5P_LINK_CREATE);
    if (list >= 0 && H5Pset_create_intermediate_group(list, 1) < 0) { H5Pclose(list); return -1; }
    return list;
}

void tl_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

typedef struct { char *buffer; size_t capacity; int found; } message_sink;

static herr_t keep_first_message(unsigned n, const H5E_error2_t *error, void *data) {
    (void)n;
    message_sink *sink = (message_sink *)data;
    if (sink->found || error->desc == NULL || error->desc[0] == '\0') return 0;
    strncpy(sink->buffer, error->desc, sink->capacity - 1);
    sink->buffer[sink->capacity - 1] = '\0';
    sink->found = 1;
    return 0;
}

int tl_h5_take_error_message(char *buffer, size_t capacity) {
    if (capacity == 0) return 0;
    buffer[0] = '\0';
    message_sink sink = { buffer, capacity, 0 };
    /* Walking upward starts at the innermost frame, where the library detected the problem. */
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_first_message, &sink);
    H5Eclear2(H5E_DEFAULT);
    return sink.found;
}

hid_t tl_h5t_create_float16le(void) {
    hid_t type = H5Tcopy(H5T_IEEE_F32LE);
    if (type < 0) return type;
    /* sign bit 15, exponent bits 10..14, mantissa bits 0..9, bias 15: IEEE 754 binary16. */
    if (H5Tset_fields(type, 15, 10, 5, 0, 10) < 0 || H5Tset_size(type, 2) < 0 || H5Tset_ebias(type, 15) < 0) {
        H5Tclose(type);
        return -1;
    }
    return type;
}

static char *copy_trimmed(const char *source, size_t length) {
    /* Fixed-length strings may be NUL- or space-padded; neither padding is part of the name. */
    size_t end = 0;
    while (end < length && source[end] != '\0') end++;
    while (end > 0 && source[end - 1] == ' ') end--;
    char *copy = malloc(end + 1);
    if (copy == NULL) return NULL;
    memcpy(copy, source, end);
    copy[end] = '\0';
    return copy;
}

long tl_h5a_read_strings(hid_t attribute, char ***out) {
    *out = NULL;
    long result = -1;
    hid_t file_type = -1, space = -1, memory_type = -1;
    char *fixed = NULL;
    char **vlen = NULL;

    file_type = H5Aget_type(attribute);
    if (file_type < 0) goto done;
    if (H5Tget_class(file_type) != H5T_STRING) { result = -2; goto done; }
    space = H5Aget_space(attribute);
    if (space < 0) goto done;
    hssize_t count = H5Sget_simple_extent_npoints(space);
    if (count < 0) goto done;
    if (count == 0) { result = 0; goto done; }

    char **strings = calloc((size_t)count, sizeof(char *));
    if (strings == NULL) goto done;

    htri_t is_variable = H5Tis_variable_str(file_type);
    if (is_variable < 0) { free(strings); goto done; }
    memory_type = H5Tcopy(H5T_C_S1);
    if (memory_type < 0) { free(strings); goto done; }
    H5Tset_cset(memory_type, H5Tget_cset(file_type));
    if (is_variable) {
        H5Tset_size(memory_type, H5T_VARIABLE);
        vlen = calloc((size_t)count, sizeof(char *));
        if (vlen == NULL || H5Aread(attribute, memory_type, vlen) < 0) { free(strings); goto done; }
        for (hssize_t i = 0; i < count; i++) {
            const char *s = vlen[i] ? vlen[i] : "";
            strings[i] = copy_trimmed(s, strlen(s));
        }
        H5Dvlen_reclaim(memory_type, space, H5P_DEFAULT, vlen);
    } else {
        size_t width = H5Tget_size(file_type);
        H5Tset_size(memory_type, width);
        H5Tset_strpad(memory_type, H5T_STR_NULLPAD);
        fixed = malloc(width * (size_t)count + 1);
        if (fixed == NULL || H5Aread(attribute, memory_type, fixed) < 0) { free(strings); goto done; }
        for (hssize_t i = 0; i < count; i++) strings[i] = copy_trimmed(fixed + (size_t)i * width, width);
    }
    for (hssize_t i = 0; i < count; i++) {
        if (strings[i] == NULL) { tl_free_strings(strings, (long)count); goto done; }
    }
    *out = strings;
    result = (long)count;
done:
    free(fixed);
    free(vlen);
    if (memory_type >= 0) H5Tclose(memory_type);
    if (space >= 0) H5Sclose(space);
    if (file_type >= 0) H5Tclose(file_type);
    return result;
}

void tl_free_strings(char **strings, long count) {
    if (strings == NULL) return;
    for (long i = 0; i < count; i++) free(strings[i]);
    free(strings);
}

herr_t tl_h5a_write_strings(hid_t location, const char *name, const char *const *strings, size_t count,
                            int scalar, int fixed_length, int utf8) {
    if (scalar && count != 1) return -1;
    herr_t status = -1;
    hid_t type = -1, space = -1, attribute = -1;
    char *packed = NULL;

    type = H5Tcopy(H5T_C_S1);
    if (type < 0) goto done;
    H5Tset_cset(type, utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
    const void *buffer = strings;
    if (fixed_length) {
        size_t width = 1;
        for (size_t i = 0; i < count; i++) { size_t n = strlen(strings[i]); if (n > width) width = n; }
        packed = calloc(count ? count : 1, width);
        if (packed == NULL) goto done;
        for (size_t i = 0; i < count; i++) memcpy(packed + i * width, strings[i], strlen(strings[i]));
        H5Tset_size(type, width);
        H5Tset_strpad(type, H5T_STR_NULLPAD);
        buffer = packed;
    } else {
        H5Tset_size(type, H5T_VARIABLE);
    }
    if (scalar) {
        space = H5Screate(H5S_SCALAR);
    } else {
        hsize_t dims[1] = { (hsize_t)count };
        space = H5Screate_simple(1, dims, NULL);
    }
    if (space < 0) goto done;
    attribute = H5Acreate2(location, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attribute < 0) goto done;
    status = count == 0 ? 0 : H5Awrite(attribute, type, buffer);
done:
    free(packed);
    if (attribute >= 0) H5Aclose(attribute);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    return status;
}
