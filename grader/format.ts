// How the grader writes numbers and shapes in its messages: one place, so
// every lesson says "NaN" for a NaN and rounds the same way.

/** `value` to `digits` significant digits; null, undefined, NaN and Infinity as themselves. */
export function precise(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined || !Number.isFinite(value) ? String(value) : value.toPrecision(digits);
}

/** `value` with `digits` decimals; null, undefined, NaN and Infinity as themselves. */
export function fixed(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? String(value) : value.toFixed(digits);
}

/** A tiny or huge positive value, e.g. a gradient norm: 1.2e-7 (0 as 0). */
export function scientific(value: number): string {
  return value === 0 ? '0' : value.toExponential(1);
}

/**
 * A figure of any size in few characters, as the diagnosis quotes measurements:
 * `digits` decimals, or 1.2e-7 and 3.4e+5 where decimals would show only zeros
 * or too many digits.
 */
export function compact(value: number, digits = 3): string {
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(1) : value.toFixed(digits);
}

/** A fraction as a number of percent, e.g. 0.1234 as 12 and 0.0123 as 1.2 (two significant digits below 10). */
export function percent(fraction: number): string {
  return 100 * fraction >= 10 ? (100 * fraction).toFixed(0) : (100 * fraction).toPrecision(2);
}

/** A tensor's shape as the messages write it: [32, 10]. */
export function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.join(', ')}]`;
}
