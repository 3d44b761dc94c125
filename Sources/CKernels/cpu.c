#include "cpu.h"

bool aeic_cpu_has_avx512(void) {
#if defined(__x86_64__)
    static int known = -1;
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx512f");
    }
    return known;
#else
    return false;
#endif
}
