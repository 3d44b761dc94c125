#ifndef AEIC_HEAP_H
#define AEIC_HEAP_H

#include <stdbool.h>
#include <stddef.h>

/// Keeps blocks up to `bytes` in the heap after they are freed, instead of glibc's default of
/// mapping each block over 128 KiB afresh and unmapping it on free. Returns false where the C
/// library has no such setting (it is then left as it was).
bool aeic_heap_retain(size_t bytes);

#endif
