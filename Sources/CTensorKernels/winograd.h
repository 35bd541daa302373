// The Winograd transforms for one C family: kernels_avx512.c and kernels_avx2.c define the vector macros
// winograd_f3.h lists, then include this file, which ends them (the typedefs vf and vmask stay).
#include "winograd_f6.h"
#include "winograd_f4.h"
#include "winograd_f3.h"

#undef VL
#undef vmask_for
#undef vload
#undef vstore
#undef vstore_all
#undef vstream_all
#undef vzero
#undef vset1
#undef vadd
#undef vsub
#undef vmul
#undef vfmadd
#undef vfnmadd
#undef vclamp
#undef vmax
