#include "heap.h"

#include <stdlib.h>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>

bool aeic_heap_retain(size_t bytes) {
    int limit = bytes > (size_t)1 << 30 ? 1 << 30 : (int)bytes;
    return mallopt(M_MMAP_THRESHOLD, limit) == 1 && mallopt(M_TRIM_THRESHOLD, limit) == 1;
}
#else
bool aeic_heap_retain(size_t bytes) {
    (void)bytes;
    return false;
}
#endif
