/* Wrapper through which jextract reads the CUDA driver API header cuda.h (see stdint_lp64.h). */
#include "stdint_lp64.h"
#include <cuda.h>
