// The filter gradient of a 2-D convolution, which the wasm backend lacks,
// composed from its own fast PadV2, Transpose, Conv2D and Slice kernels:
//
//   dW[kh, kw, ci, co] = sum over n, oh, ow of
//       xPadded[n, oh*sh + kh, ow*sw + kw, ci] * dy[n, oh, ow, co]
//
// which is itself a convolution: of xPadded seen as [ci, H, W, n] (the input
// channels as the batch, the batch as channels) with dy seen as a filter
// [oh, ow, n, co], dilated by the forward stride. (tfjs computes conv2d
// gradients only for dilation 1, so the forward dilation is always 1.)
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { compose } from './compose.ts';

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
    const { top, bottom, left, right } = info.padInfo;
    const padded = k.run(
      'PadV2',
      { x },
      { paddings: [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]], constantValue: 0 },
    );
    const images = k.run('Transpose', { x: padded }, { perm: [3, 1, 2, 0] });
    const filter = k.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const gradient = k.run(
      'Conv2D',
      { x: images, filter },
      { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] },
    );
    // A stride that does not divide the input evenly leaves extra rows or columns: cut them off.
    const [kh, kw] = filterShape;
    const sliced = k.run('Slice', { x: gradient }, { begin: [0, 0, 0, 0], size: [-1, kh, kw, -1] });
    return k.finish(k.run('Transpose', { x: sliced }, { perm: [1, 2, 0, 3] }));
  },
};
