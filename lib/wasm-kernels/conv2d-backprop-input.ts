// The input gradient of a 2-D convolution, re-registered for speed: wasm's own
// Conv2DBackpropInput is a plain loop (about a quarter of a LeNet training
// step), while the same gradient is a "full" convolution that its XNNPACK
// Conv2D does several times faster:
//
//   dx = conv2d(dy spread apart by the stride, then padded so every input
//               pixel sees every filter tap that touched it,
//               the filter turned 180 degrees with its in and out channels swapped)
//
// Channels-first data still goes to wasm's own kernel.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { compose } from './compose.ts';
import { fullConvolutionPadding } from './full-convolution.ts';
import { zeroDilate, padOrCrop } from './spatial.ts';

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
      const k = compose(args.backend as tf.KernelBackend);
      const spread = zeroDilate(k, args.inputs.dy!, [info.strideHeight, info.strideWidth]);
      const padded = padOrCrop(k, spread, fullConvolutionPadding(info, spread.shape as Shape4));
      const turned = k.run('Reverse', { x: filter }, { dims: [0, 1] });
      const swapped = k.run('Transpose', { x: turned }, { perm: [0, 1, 3, 2] });
      return k.finish(k.run('Conv2D', { x: padded, filter: swapped }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 }));
    },
  };
}
