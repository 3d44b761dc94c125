#ifndef AEIC_SEARCH_H
#define AEIC_SEARCH_H

#include <stddef.h>
#include <stdint.h>

/// How many of the ascending `thresholds` are ≤ `value` (the index of the first one above
/// it), by a binary search whose steps choose with a conditional move, not a branch.
size_t aeic_thresholds_reached(const int64_t *thresholds, size_t count, int64_t value);

#endif
