// Pass marks from data. A check that compares a student's figure with the
// reference's must fail a correct program less than 1% of the time. Over the
// calibration runs (20 seeds of the solution) we take the figure's mean and
// standard deviation and put the pass mark k standard deviations away.
//
// k does not assume normal tails: accuracies over seeds are skewed, most runs
// close together and a few seeds 3 to 4 standard deviations below the mean
// (measured on lessons 2 and 4), so a normal 99% bound failed correct
// programs. The one-sided Vysochanskij–Petunin inequality holds for any
// unimodal distribution: P(X <= mean - k sd) <= 4 / (9 (1 + k²)) for
// k >= sqrt(5/3); 1% gives k = 6.59.
//
// The bound is only as good as the calibration's standard deviation: a rare
// low mode that the calibration seeds miss is not covered. Lesson 4's solution
// lost its accuracy point on grading seed 13 (0.706, 11 sd below 20 seeds'
// mean), so lesson 4 is calibrated over 60 seeds: their spread is twice as
// wide (sd 0.016, lowest 0.742) and the mark, 0.680, lies below seed 13's.

/** The most a check may fail correct programs. */
export const FALSE_FAIL_RATE = 0.01;

/** Standard deviations from the mean to the pass mark, for a one-sided false-fail rate of `rate`. */
export function unimodalFactor(rate = FALSE_FAIL_RATE): number {
  const k = Math.sqrt(4 / (9 * rate) - 1);
  if (!(k >= Math.sqrt(5 / 3))) throw new Error(`the one-sided Vysochanskij–Petunin bound needs k >= sqrt(5/3); rate ${rate} is too large`);
  return k;
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
  if (values.length < 2) throw new Error('a pass mark needs at least 2 calibration runs');
  const { mean, sd } = meanAndSd(values);
  const k = unimodalFactor();
  const reach = k * sd + resolution;
  return { value: side === 'upper' ? mean + reach : mean - reach, mean, sd, k, n: values.length };
}
