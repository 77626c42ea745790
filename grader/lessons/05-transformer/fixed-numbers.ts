// Fixed inputs and comparisons of plain numbers, for lesson 5's checks. The
// sandbox reads this file; the reference's maths is in reference-math.ts,
// which it cannot read.

/** A fixed, varied test input: no randomness, so every grading run sees the same numbers. */
export function fixedValues(shape: number[], salt: number, scale = 1): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) => scale * Math.sin(1.7 * i + 0.3 * salt + 0.01 * i * i));
}

/** The largest absolute difference between two equally long lists, and where; NaN at the first NaN. */
export function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; index: number } {
  let diff = 0;
  let index = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    // A NaN is the worst difference there is: no later number may replace it.
    if (Number.isNaN(d)) return { diff: d, index: i };
    if (!(d <= diff)) {
      diff = d;
      index = i;
    }
  }
  return { diff, index };
}

/** The multi-index of a flat index in a tensor of `shape`. */
export function unflatten(index: number, shape: number[]): number[] {
  const at: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    at.unshift(index % shape[axis]!);
    index = Math.floor(index / shape[axis]!);
  }
  return at;
}
