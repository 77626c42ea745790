// The filter gradient of a 2-D convolution, which the wasm backend lacks.
// Where WebAssembly has SIMD, conv2d-backprop-filter.c computes it (LeNet's
// two: 0.74 and 0.56 ms here, 0.37 and 0.39 ms there, under load), summing
// every element in the same order as the composition below, so both give the
// same bits. Without SIMD, it is composed from wasm's own fast PadV2,
// Transpose, Conv2D and Slice kernels:
//
//   dW[kh, kw, ci, co] = sum over n, oh, ow of
//       xPadded[n, oh*sh + kh, ow*sw + kw, ci] * dy[n, oh, ow, co]
//
// which is itself a convolution: of xPadded seen as [ci, H, W, n] (the input
// channels as the batch, the batch as channels) with dy seen as a filter
// [oh, ow, n, co], dilated by the forward stride. (tfjs computes conv2d
// gradients only for dilation 1, so the forward dilation is always 1.)
//
// Only data moves around the one Conv2D, so the order of those moves is free:
// x is padded after it is transposed (wasm's PadV2 is slow on a narrow last
// axis: [32,28,28,1] padded by 2 took 0.46 ms, the same data as
// [1,28,28,32] 0.03 ms); dy's transpose sees oh and ow as one axis (wasm's
// 3-D transpose is faster than its 4-D one); and a pad of nothing, a slice of
// everything and a transpose that moves only axes of size 1 are skipped.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { compose, heapFloats, type Composition, type WasmBackend } from './compose.ts';
import { callSimd, simdKernels } from './simd-module.ts';

type Shape4 = [number, number, number, number];

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const k = compose(backend as tf.KernelBackend);
    const nchw = dataFormat === 'NCHW';
    const x = nchw ? k.run('Transpose', { x: inputs.x! }, { perm: [0, 2, 3, 1] }) : inputs.x!;
    const dy = nchw ? k.run('Transpose', { x: inputs.dy! }, { perm: [0, 2, 3, 1] }) : inputs.dy!;
    const info = tfjs.backend_util.computeConv2DInfo(x.shape as Shape4, filterShape as Shape4, strides, 1, pad, dimRoundingMode);
    return k.finish(simdKernels() ? filterGradientInC(backend as WasmBackend, info, x, dy) : composedFilterGradient(k, info, x, dy));
  },
};

/** The gradient by conv2d-backprop-filter.c; x and dy channels last. */
export function filterGradientInC(backend: WasmBackend, info: tf.backend_util.Conv2DInfo, x: tf.TensorInfo, dy: tf.TensorInfo): tf.TensorInfo {
  const { batchSize: n, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  const sizes = [n, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo.top, padInfo.left] as const;
  const dw = backend.makeOutput([filterHeight, filterWidth, inChannels, outChannels], 'float32');
  const scratch = simdKernels()!.conv2d_backprop_filter_scratch(...sizes);
  callSimd([heapFloats(backend, x), heapFloats(backend, dy)], [heapFloats(backend, dw)], scratch, (kernels, xAt, dyAt, out, space) =>
    kernels.conv2d_backprop_filter(xAt!, dyAt!, out!, space!, ...sizes),
  );
  return dw;
}

/** The gradient composed from wasm's kernels (intermediates left in k); x and dy channels last. */
export function composedFilterGradient(k: Composition, info: tf.backend_util.Conv2DInfo, x: tf.TensorInfo, dy: tf.TensorInfo): tf.TensorInfo {
  const { top, bottom, left, right } = info.padInfo;
  const { batchSize: n, inChannels, outHeight, outWidth, outChannels, filterHeight: kh, filterWidth: kw } = info;
  const transposed = k.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
  const paddings = [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]];
  const images = paddings.some(([before, after]) => before! > 0 || after! > 0)
    ? k.run('PadV2', { x: transposed }, { paddings, constantValue: 0 })
    : transposed;
  // [n, oh*ow, co] -> [oh*ow, n, co]; with one output channel, wasm drops that axis and a 2-D transpose is slower.
  const filter = outChannels > 1
    ? k.view(k.run('Transpose', { x: k.view(dy, [n, outHeight * outWidth, outChannels]) }, { perm: [1, 0, 2] }), [outHeight, outWidth, n, outChannels])
    : k.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const gradient = k.run(
    'Conv2D',
    { x: images, filter },
    { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] },
  );
  // A stride that does not divide the input evenly leaves extra rows or columns: cut them off.
  const sliced = gradient.shape[1] === kh && gradient.shape[2] === kw
    ? gradient
    : k.run('Slice', { x: gradient }, { begin: [0, 0, 0, 0], size: [-1, kh, kw, -1] });
  // [ci, kh, kw, co] -> [kh, kw, ci, co]: with one input channel, the same data.
  if (inChannels === 1) return k.view(sliced, [kh, kw, 1, outChannels]);
  return k.run('Transpose', { x: sliced }, { perm: [1, 2, 0, 3] });
}
