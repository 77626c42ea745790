// The filter gradient of a depthwise convolution, which the wasm backend lacks:
//
//   dW[kh, kw, c, m] = sum over n, oh, ow of
//       xPadded[n, oh*sh + kh*dh, ow*sw + kw*dw, c] * dy[n, oh, ow, c*M + m]
//
// Seen with (channel, batch) pairs as the channels, that is one depthwise
// convolution, which wasm has: of xPadded laid out as [1, H, W, c*N + n] with
// dy laid out as a filter [oh, ow, c*N + n, m], dilated by the forward
// stride. Its output at (kh*dh, kw*dw) is then summed over the batch.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { compose } from './compose.ts';
import { padOrCrop } from './spatial.ts';

type Shape4 = [number, number, number, number];

export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const info = tfjs.backend_util.computeConv2DInfo(x.shape as Shape4, filterShape as Shape4, strides, dilations, pad, dimRoundingMode, true);
    const k = compose(backend as tf.KernelBackend);
    const [n, height, width, channels] = x.shape as Shape4;
    const [fh, fw, , multiplier] = filterShape as Shape4;
    const { outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
    // Exactly the rows and columns some output pixel reads: padding added, unread ones cut.
    const neededHeight = (outHeight - 1) * strideHeight + (fh - 1) * dilationHeight + 1;
    const neededWidth = (outWidth - 1) * strideWidth + (fw - 1) * dilationWidth + 1;
    const padded = padOrCrop(k, x, [
      [0, 0],
      [padInfo.top, neededHeight - height - padInfo.top],
      [padInfo.left, neededWidth - width - padInfo.left],
      [0, 0],
    ]);
    const images = k.view(k.run('Transpose', { x: padded }, { perm: [1, 2, 3, 0] }), [1, neededHeight, neededWidth, channels * n]);
    const dyByChannel = k.run('Transpose', { x: k.view(dy, [n, outHeight, outWidth, channels, multiplier]) }, { perm: [1, 2, 3, 0, 4] });
    const filter = k.view(dyByChannel, [outHeight, outWidth, channels * n, multiplier]);
    let taps = k.run('DepthwiseConv2dNative', { x: images, filter }, { strides: 1, pad: 'valid', dilations: [strideHeight, strideWidth] });
    if (dilationHeight > 1 || dilationWidth > 1) {
      taps = k.run(
        'StridedSlice',
        { x: taps },
        { begin: [0, 0, 0, 0], end: [1, neededHeight, neededWidth, channels * n * multiplier], strides: [1, dilationHeight, dilationWidth, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 },
      );
    }
    const perImage = k.view(taps, [fh, fw, channels, n, multiplier]);
    return k.finish(k.run('Sum', { x: perImage }, { axis: [3], keepDims: false }));
  },
};
