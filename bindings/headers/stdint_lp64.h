/*
 * Fixed-width integer types for jextract's parser. The libclang 14 that jextract uses here does not reach glibc's
 * <stdint.h> through clang's builtin one, so int64_t and intmax_t stay undefined in headers that rely on them
 * (cusolver_common.h includes <inttypes.h>; dse4j_kernels.h includes <stdint.h>). The types are given here exactly
 * as glibc defines them on LP64 Linux, and the include guards of <stdint.h>/<inttypes.h> (clang's and glibc's) are
 * set so that neither is read afterwards. Only signatures reach the bindings: int64_t is a 64-bit `long` there.
 */
#ifndef DSE4J_STDINT_LP64_H
#define DSE4J_STDINT_LP64_H
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long int64_t;
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long uint64_t;
typedef long intmax_t;
typedef unsigned long uintmax_t;
typedef long intptr_t;
typedef unsigned long uintptr_t;
#define __CLANG_STDINT_H
#define __CLANG_INTTYPES_H
#define _STDINT_H 1
#define _INTTYPES_H 1

#endif
