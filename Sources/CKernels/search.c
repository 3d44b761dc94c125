// A latent's table is picked by where its scale falls among ~64 thresholds, hundreds of
// thousands of times per photo. The data cannot predict a search's branches, and Swift's
// compiler turns a choice in a loop into a branch; __builtin_unpredictable keeps it a
// conditional move.

#include "search.h"

size_t aeic_thresholds_reached(const int64_t *thresholds, size_t count, int64_t value) {
    if (count == 0) return 0;
    // thresholds[..<base] are ≤ value and thresholds[base + count...] above it.
    size_t base = 0;
    while (count > 1) {
        size_t half = count / 2;
        base = __builtin_unpredictable(thresholds[base + half - 1] <= value) ? base + half : base;
        count -= half;
    }
    return base + (thresholds[base] <= value);
}
