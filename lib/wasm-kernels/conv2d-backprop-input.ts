// The input gradient of a stride-1 2-D convolution, re-registered for speed:
// wasm's own Conv2DBackpropInput is a plain loop (about a quarter of a LeNet
// training step), while the same gradient is a "full" convolution that its
// XNNPACK Conv2D does several times faster:
//
//   dx = conv2d(dy padded by (kernel - 1 - forward padding) on each side,
//               the filter turned 180 degrees with its in and out channels swapped)
//
// Strided convolutions would need dy dilated with zeros first; for them, and
// for channels-first data, wasm's own kernel still runs.
import * as tf from '@tensorflow/tfjs';
import { compose } from './compose.ts';

type Shape4 = [number, number, number, number];

export function conv2dBackpropInputConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    // The original's setup binds its WebAssembly function; the fallback needs it.
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
      const info = tf.backend_util.computeConv2DInfo(
        inputShape as Shape4,
        args.inputs.filter!.shape as Shape4,
        strides,
        1,
        pad,
        dimRoundingMode,
      );
      if (info.strideHeight !== 1 || info.strideWidth !== 1 || dataFormat === 'NCHW') return original.kernelFunc(args);
      const k = compose(args.backend as tf.KernelBackend);
      const { top, bottom, left, right } = info.padInfo;
      const [kh, kw] = [info.filterHeight, info.filterWidth];
      const padded = k.run(
        'PadV2',
        { x: args.inputs.dy! },
        { paddings: [[0, 0], [kh - 1 - top, kh - 1 - bottom], [kw - 1 - left, kw - 1 - right], [0, 0]], constantValue: 0 },
      );
      const turned = k.run('Reverse', { x: args.inputs.filter! }, { dims: [0, 1] });
      const swapped = k.run('Transpose', { x: turned }, { perm: [0, 1, 3, 2] });
      return k.finish(k.run('Conv2D', { x: padded, filter: swapped }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 }));
    },
  };
}
