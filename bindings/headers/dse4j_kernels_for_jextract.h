/* Wrapper through which jextract reads native/include/dse4j_kernels.h (see stdint_lp64.h). */
#include "stdint_lp64.h"
#include <dse4j_kernels.h>
