// The padding that turns a convolution's input gradient into a stride-1
// "full" convolution. With the output gradient already spread apart by the
// stride (length (out-1)*stride + 1), input pixel i receives tap t of the
// turned filter from spread position i + t*dilation - before, so
//
//   before = (filter - 1) * dilation - forward padding before,
//   after  = input + forward padding before - spread length.
//
// Either can be negative (explicit padding wider than the filter, or rows a
// stride never reached), which padOrCrop turns into a crop.
import type * as tf from '@tensorflow/tfjs';
import type { Composition } from './compose.ts';
import { padOrCrop, spreadWithTrailingZeros } from './spatial.ts';

type Shape4 = [number, number, number, number];

export function fullConvolutionPadding(info: tf.backend_util.Conv2DInfo, spreadShape: Shape4): [number, number][] {
  const { padInfo, dilationHeight, dilationWidth, filterHeight, filterWidth, inHeight, inWidth } = info;
  return [
    [0, 0],
    [(filterHeight - 1) * dilationHeight - padInfo.top, inHeight + padInfo.top - spreadShape[1]],
    [(filterWidth - 1) * dilationWidth - padInfo.left, inWidth + padInfo.left - spreadShape[2]],
    [0, 0],
  ];
}

/**
 * dy spread apart by the stride, ready for the stride-1 full convolution of
 * the input gradient: crops applied, and the padding returned for the
 * convolution to read as zeros rather than written out (the same products of
 * zero, in the same order). A stride's trailing zeros count towards that
 * padding. A 1x1 filter gets its padding written out, since a padded 1x1
 * convolution takes XNNPACK's other path, and so does an input that a crop
 * left empty, which XNNPACK refuses even padded to a size.
 */
export function fullConvolutionInput(
  k: Composition,
  info: tf.backend_util.Conv2DInfo,
  dy: tf.TensorInfo,
): { x: tf.TensorInfo; pad: 'valid' | [number, number][] } {
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [n, outHeight, outWidth, channels] = dy.shape as Shape4;
  // The padding of the spread without its trailing zeros, less those zeros.
  const [, [top, bottom], [left, right]] = fullConvolutionPadding(info, [n, (outHeight - 1) * sh + 1, (outWidth - 1) * sw + 1, channels]);
  const amounts: [number, number][] = [[0, 0], [top, bottom - (sh - 1)], [left, right - (sw - 1)], [0, 0]];
  const crops = amounts.map(([before, after]) => [Math.min(0, before), Math.min(0, after)] as [number, number]);
  const padding = amounts.map(([before, after]) => [Math.max(0, before), Math.max(0, after)] as [number, number]);
  const cropped = padOrCrop(k, spreadWithTrailingZeros(k, dy, [sh, sw]), crops);
  const inConvolution = info.filterHeight * info.filterWidth > 1 && cropped.shape.every((size) => size > 0);
  if (!inConvolution) return { x: padOrCrop(k, cropped, padding), pad: 'valid' };
  return { x: cropped, pad: padding.some(([before, after]) => before > 0 || after > 0) ? padding : 'valid' };
}
