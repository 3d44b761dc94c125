"""Timing helper shared by the peer benchmarks."""
import statistics
import time


def median_seconds(fn, repeats):
    """The median wall time of `repeats` calls of `fn`, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
