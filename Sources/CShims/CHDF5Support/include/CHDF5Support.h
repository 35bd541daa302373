#ifndef CHDF5_SUPPORT_H
#define CHDF5_SUPPORT_H
#include <hdf5.h>
/// HDF5's native type ids are macros over globals initialised by H5open(); Swift cannot import them.
hid_t tl_h5t_native_float(void);
#endif
