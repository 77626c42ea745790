// Loss curves compared by fraction of training done, not by step number, so a
// student who picks another batch size is compared fairly with the reference.
import type { Curve } from './results.ts';
import type { Reference } from './reference.ts';

export const BUCKETS = 20;

/** Mean loss in each of `buckets` equal slices of the run; null where a slice is empty or not finite. */
export function bucketMeans(losses: readonly number[], buckets = BUCKETS): (number | null)[] {
  return Array.from({ length: buckets }, (_, bucket) => {
    const start = Math.floor((bucket * losses.length) / buckets);
    const end = Math.floor(((bucket + 1) * losses.length) / buckets);
    const slice = losses.slice(start, end);
    if (slice.length === 0) return null;
    const mean = slice.reduce((sum, value) => sum + value, 0) / slice.length;
    return Number.isFinite(mean) ? mean : null;
  });
}

/**
 * The reference band, for showing a curve beside the reference's: per slice,
 * the lowest, median and highest mean over the calibration seeds. Checks judge
 * where the loss ends (training-checks.ts), not whether it stays in the band.
 */
export function referenceBand(reference: Reference, buckets = BUCKETS) {
  const perRun = reference.runs.map((run) => bucketMeans(run.losses, buckets));
  const low: number[] = [];
  const median: number[] = [];
  const high: number[] = [];
  for (let bucket = 0; bucket < buckets; bucket++) {
    const values = perRun.map((means) => means[bucket]).filter((v): v is number => v !== null);
    values.sort((a, b) => a - b);
    low.push(values[0] ?? NaN);
    median.push(values[Math.floor(values.length / 2)] ?? NaN);
    high.push(values.at(-1) ?? NaN);
  }
  return { low, median, high };
}

export function curveAgainstReference(
  losses: readonly number[],
  band: ReturnType<typeof referenceBand>,
): Curve {
  return {
    student: bucketMeans(losses, band.median.length),
    referenceLow: band.low,
    referenceMedian: band.median,
    referenceHigh: band.high,
  };
}
