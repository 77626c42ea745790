"""The PyTorch side of lib/bench/fastest-block.ts: the same statistic, so the
two sides of a comparison are timed alike."""
import math
import time


def fastest_block(step, steps, blocks):
    """Seconds of the fastest of `blocks` blocks of `steps` calls of `step`."""
    fastest = math.inf
    for _ in range(blocks):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest
