// Pass marks from data. A check that compares a student's figure with the
// reference's must fail a correct program less than 1% of the time. Over the
// calibration runs (n seeds of the solution) we estimate the figure's mean and
// spread and put the pass mark at a one-sided normal tolerance bound: with 95%
// confidence, at least 99% of correct runs fall on the passing side of it.
// The factor k grows as n shrinks, because a spread measured on a few seeds
// may be too small (about 3.3 for 20 seeds, 3.9 for 10, 5.8 for 5).

/** Share of correct runs that must pass. */
export const COVERAGE = 0.99;
/** Confidence that the bound really covers that share. */
export const CONFIDENCE = 0.95;

/** Standard normal quantile (Acklam's rational approximation, error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** One-sided normal tolerance factor for n samples (Natrella's approximation, NIST handbook 7.2.6.3). */
export function toleranceFactor(n: number, coverage = COVERAGE, confidence = CONFIDENCE): number {
  if (n < 2) throw new Error('a tolerance bound needs at least 2 samples');
  const zp = normalQuantile(coverage);
  const zg = normalQuantile(confidence);
  const a = 1 - (zg * zg) / (2 * (n - 1));
  const b = zp * zp - (zg * zg) / n;
  return (zp + Math.sqrt(zp * zp - a * b)) / a;
}

export function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(values.length - 1, 1);
  return { mean, sd: Math.sqrt(variance) };
}

export interface Bound {
  /** The pass mark. */
  value: number;
  mean: number;
  sd: number;
  k: number;
  n: number;
}

/**
 * The pass mark above which (side 'upper') or below which (side 'lower') a
 * figure fails. `resolution` is the smallest difference the figure can show
 * (one test example's share of an accuracy, float32 rounding): a spread of 0
 * over the seeds must not make a mark that the same maths, written in another
 * order, misses by one rounding.
 */
export function toleranceBound(values: readonly number[], side: 'upper' | 'lower', resolution: number): Bound {
  const { mean, sd } = meanAndSd(values);
  const k = toleranceFactor(values.length);
  const reach = k * sd + resolution;
  return { value: side === 'upper' ? mean + reach : mean - reach, mean, sd, k, n: values.length };
}
