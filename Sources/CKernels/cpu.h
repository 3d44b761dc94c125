#ifndef AEIC_CPU_H
#define AEIC_CPU_H

#include <stdbool.h>

/// Whether the kernels' AVX-512F paths may run on this CPU (always false off x86-64).
bool aeic_cpu_has_avx512(void);

/// Compiles one function for AVX-512F; call it only where aeic_cpu_has_avx512().
#define AVX512 __attribute__((target("avx512f")))

#endif
