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
