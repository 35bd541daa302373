#include "CHDF5Support.h"
hid_t tl_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
