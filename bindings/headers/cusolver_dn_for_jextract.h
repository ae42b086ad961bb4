/* Wrapper through which jextract reads cusolverDn.h (see stdint_lp64.h). */
#include "stdint_lp64.h"
#include <cusolverDn.h>
