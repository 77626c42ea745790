// Conv2D, re-registered for speed: conv2d.c, for channels last and no
// dilation. It was first written for output channels that fill XNNPACK's
// 8-column tiles poorly (LeNet's first convolution, 6); with its 4-pixel
// tiles it is also faster for whole tiles: LeNet's second convolution (16
// channels: 0.34 against 0.39 ms) and 3x3 or 5x5 filters of 16 to 128
// channels (8 to 38 % faster, batch 32). A 1x1 filter with whole tiles stays
// with XNNPACK (0.42 against 0.48 ms for 8 to 16 channels). conv2d.c sums in
// XNNPACK's order, so both give the same bits.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { heapFloats, type WasmBackend } from './compose.ts';
import { callSimd, simdKernels } from './simd-module.ts';

type Shape4 = [number, number, number, number];

/** The convolution by conv2d.c; x channels last, dilation 1. */
export function conv2dInC(backend: WasmBackend, info: tf.backend_util.Conv2DInfo, x: tf.TensorInfo, filter: tf.TensorInfo): tf.TensorInfo {
  const { batchSize: n, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  const sizes = [n, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo.top, padInfo.left] as const;
  const y = backend.makeOutput([n, outHeight, outWidth, outChannels], 'float32');
  if (n * outHeight * outWidth * outChannels === 0) return y;
  const scratch = simdKernels()!.conv2d_scratch(...sizes);
  callSimd([heapFloats(backend, x), heapFloats(backend, filter)], [heapFloats(backend, y)], scratch, (kernels, xAt, wAt, out, space) =>
    kernels.conv2d(xAt!, wAt!, out!, space!, ...sizes),
  );
  return y;
}

/** wasm's own Conv2D, kept for the test that both give the same bits. */
export let xnnpackConv2d: tf.KernelFunc | undefined;

export function conv2dConfig(original: tf.KernelConfig): tf.KernelConfig {
  xnnpackConv2d = original.kernelFunc;
  return {
    kernelName: 'Conv2D',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as tf.Conv2DAttrs;
      const undilated = [dilations ?? 1].flat().every((d) => d === 1);
      const [height, width, , channels] = filter.shape as Shape4;
      const pointwise = height * width === 1 && channels % 8 === 0;
      if (!simdKernels() || dataFormat === 'NCHW' || !undilated || x.dtype !== 'float32' || pointwise) return original.kernelFunc(args);
      const info = tfjs.backend_util.computeConv2DInfo(x.shape as Shape4, filter.shape as Shape4, strides, 1, pad, dimRoundingMode);
      return conv2dInC(args.backend as WasmBackend, info, x, filter);
    },
  };
}
