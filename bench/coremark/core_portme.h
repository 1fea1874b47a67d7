/* core_portme.h: hartlab's port of EEMBC CoreMark (the porting header every CoreMark port
 * supplies; the benchmark's own files next to it are EEMBC's, unmodified). It builds
 * CoreMark for a bare RISC-V hart with picolibc's semihosting start-up, like the other
 * bench/ workloads: printf for output, the iteration count taken from the command line
 * (the last decimal argument, as bench/bench.h reads it) through CoreMark's "volatile
 * seed" method, the data block static, one context, and the hart's mcycle counter as the
 * timer (a guest clock: bench/run.py times the host separately; bench/README.md). */
#ifndef CORE_PORTME_H
#define CORE_PORTME_H

#include <stddef.h>
#include <stdint.h>

/* Integer-only reporting: rv32imac has no FPU and the score is not what we measure. */
#define HAS_FLOAT  0
#define HAS_TIME_H 0
#define USE_CLOCK  0
#define HAS_STDIO  1
#define HAS_PRINTF 1

#ifdef __GNUC__
#define COMPILER_VERSION "GCC" __VERSION__
#else
#define COMPILER_VERSION "unknown compiler"
#endif
#ifndef COMPILER_FLAGS
#define COMPILER_FLAGS FLAGS_STR
#endif
#ifndef FLAGS_STR
#define FLAGS_STR "-O2 (bench/meson.build)"
#endif
#define MEM_LOCATION "STATIC"

typedef int16_t ee_s16;
typedef uint16_t ee_u16;
typedef signed int ee_s32;
typedef unsigned int ee_u32;
typedef uint8_t ee_u8;
typedef double ee_f32;
typedef uintptr_t ee_ptr_int;
typedef size_t ee_size_t;

/* Align a pointer to 4 bytes (CoreMark's own definition, with a pointer-sized integer). */
#define align_mem(x) (void *)(4 + (((ee_ptr_int)(x)-1) & ~3))

/* mcycle, read whole on both XLENs. */
#define CORETIMETYPE uint64_t
typedef uint64_t CORE_TICKS;

#define SEED_METHOD       SEED_VOLATILE
#define MEM_METHOD        MEM_STATIC
#define MULTITHREAD       1
#define USE_PTHREAD       0
#define USE_FORK          0
#define USE_SOCKET        0
#define MAIN_HAS_NOARGC   0
#define MAIN_HAS_NORETURN 0

typedef struct CORE_PORTABLE_S {
    ee_u8 portable_id;
} core_portable;

extern ee_u32 default_num_contexts;

void portable_init(core_portable *p, int *argc, char *argv[]);
void portable_fini(core_portable *p);

#if !defined(PROFILE_RUN) && !defined(PERFORMANCE_RUN) && !defined(VALIDATION_RUN)
#define PERFORMANCE_RUN 1
#endif

#endif
