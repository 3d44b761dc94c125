#ifndef AEIC_CPU_H
#define AEIC_CPU_H

#include <stdbool.h>

/// Whether the kernels' AVX-512F paths may run on this CPU (always false off x86-64).
bool aeic_cpu_has_avx512(void);

#endif
