// Reshaping of NHWC images that the gradient compositions share: padding that
// may be negative (a crop), and spreading pixels apart with zeros, which turns
// a strided convolution's output gradient back into a stride-1 one.
import type * as tf from '@tensorflow/tfjs';
import type { Composition } from './compose.ts';

/** Pads (positive amounts) or crops (negative amounts) each axis, with `value`. */
export function padOrCrop(k: Composition, x: tf.TensorInfo, amounts: [number, number][], value = 0): tf.TensorInfo {
  let result = x;
  if (amounts.some(([before, after]) => before < 0 || after < 0)) {
    const begin = amounts.map(([before]) => Math.max(0, -before));
    const size = amounts.map(([before, after], axis) => x.shape[axis]! - Math.max(0, -before) - Math.max(0, -after));
    result = k.run('Slice', { x: result }, { begin, size });
  }
  if (amounts.some(([before, after]) => before > 0 || after > 0)) {
    const paddings = amounts.map(([before, after]) => [Math.max(0, before), Math.max(0, after)]);
    result = k.run('PadV2', { x: result }, { paddings, constantValue: value });
  }
  return result;
}

/**
 * [n, h, w, c] becomes [n, h*sh, w*sw, c] with the pixels sh rows and sw
 * columns apart: each row and column gets stride-1 zeros after it, the
 * trailing ones included (one padding of a rank-6 view, no loop).
 */
export function spreadWithTrailingZeros(k: Composition, x: tf.TensorInfo, [sh, sw]: [number, number]): tf.TensorInfo {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const spread = k.run(
    'PadV2',
    { x: k.view(x, [n, h, 1, w, 1, c]) },
    { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 },
  );
  return k.view(spread, [n, h * sh, w * sw, c]);
}

/**
 * [n, h, w, c] becomes [n, (h-1)*sh + 1, (w-1)*sw + 1, c] with the pixels
 * sh rows and sw columns apart: spreadWithTrailingZeros, the trailing zeros cut.
 */
export function zeroDilate(k: Composition, x: tf.TensorInfo, [sh, sw]: [number, number]): tf.TensorInfo {
  if (sh === 1 && sw === 1) return x;
  return padOrCrop(k, spreadWithTrailingZeros(k, x, [sh, sw]), [[0, 0], [0, 1 - sh], [0, 1 - sw], [0, 0]]);
}
