// The input gradient of a 2-D convolution, re-registered for speed: wasm's own
// Conv2DBackpropInput is a plain loop (about a quarter of a LeNet training
// step). Where WebAssembly has SIMD, conv2d-backprop-input.c computes it as a
// product and a scatter (see there). Without SIMD, the same gradient is a
// "full" convolution that wasm's XNNPACK Conv2D does several times faster
// than its own loop:
//
//   dx = conv2d(dy spread apart by the stride, then padded so every input
//               pixel sees every filter tap that touched it,
//               the filter turned 180 degrees with its in and out channels swapped)
//
// Only data moves around the one Conv2D, and they are kept few and cheap
// (LeNet's conv2, dy [32,10,10,16], filter [5,5,6,16]):
// - the zeros around dy are not written out: the Conv2D is given them as
//   explicit padding, which XNNPACK reads from a zero buffer instead (the same
//   products of zero, in the same order: the same bits; PadV2 took 0.15 ms).
//   Only crops (negative amounts) still slice. A 1x1 filter keeps the PadV2,
//   since a padded 1x1 convolution would take XNNPACK's other (igemm) path,
//   and so does a crop that leaves nothing (XNNPACK refuses an empty input);
// - a stride's spread keeps its trailing zeros, which count towards the
//   padding after, instead of being cut off and padded back;
// - the filter's channels are swapped by a 3-D transpose of [taps, ci, co]
//   (skipped when a channel count is 1), then its taps reversed as the rows of
//   [taps, ci*co], which wasm's Reverse does faster than two axes of a rank-4
//   tensor.
//
// Channels-first data still goes to wasm's own kernel.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { compose, heapFloats, type WasmBackend } from './compose.ts';
import { callSimd, PIXELS, simdKernels } from './simd-module.ts';
import { fullConvolutionInput } from './full-convolution.ts';

type Shape4 = [number, number, number, number];

export function conv2dBackpropInputConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    // The original's setup binds its WebAssembly function; the fallback needs it.
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
      if (dataFormat === 'NCHW') return original.kernelFunc(args);
      const filter = args.inputs.filter!;
      const info = tfjs.backend_util.computeConv2DInfo(inputShape as Shape4, filter.shape as Shape4, strides, 1, pad, dimRoundingMode);
      if (simdKernels()) return productAndScatter(args.backend as WasmBackend, info, args.inputs.dy!, filter);
      const k = compose(args.backend as tf.KernelBackend);
      const { x, pad: padding } = fullConvolutionInput(k, info, args.inputs.dy!);
      const [fh, fw, inChannels, outChannels] = filter.shape as Shape4;
      const taps = fh * fw;
      // [taps, ci, co] -> [taps, co, ci], then the taps reversed.
      const swapped = inChannels === 1 || outChannels === 1
        ? filter
        : k.run('Transpose', { x: k.view(filter, [taps, inChannels, outChannels]) }, { perm: [0, 2, 1] });
      const turned = taps === 1 ? swapped : k.run('Reverse', { x: k.view(swapped, [taps, inChannels * outChannels]) }, { dims: [0] });
      const conv = k.run(
        'Conv2D',
        { x, filter: k.view(turned, [fh, fw, outChannels, inChannels]) },
        { strides: 1, pad: padding, dataFormat: 'NHWC', dilations: 1 },
      );
      return k.finish(conv);
    },
  };
}

function productAndScatter(backend: WasmBackend, info: tf.backend_util.Conv2DInfo, dy: tf.TensorInfo, filter: tf.TensorInfo): tf.TensorInfo {
  const { batchSize: n, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  const dx = backend.makeOutput([n, inHeight, inWidth, inChannels], 'float32');
  const row = filterHeight * filterWidth * inChannels;
  const scratch = (outChannels + PIXELS) * row;
  callSimd([heapFloats(backend, dy), heapFloats(backend, filter)], [heapFloats(backend, dx)], scratch, (kernels, g, f, out, space) =>
    kernels.conv2d_backprop_input(g!, f!, out!, space!, n, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo.top, padInfo.left),
  );
  return dx;
}
