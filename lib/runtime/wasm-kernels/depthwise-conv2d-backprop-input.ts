// The input gradient of a depthwise convolution, which the wasm backend
// lacks. Each channel is convolved on its own, so its gradient is that
// channel's "full" convolution: wasm's DepthwiseConv2dNative of dy (spread
// apart by the stride and padded, see full-convolution.ts) with the filter
// turned 180 degrees. With a channel multiplier m > 1, input channel c fed
// output channels c*m .. c*m + m-1, so the m depthwise convolutions (one
// per multiplier, not per element) are added up.
//
// As in conv2d-backprop-input.ts: the zeros around dy are given to the
// depthwise convolution as explicit padding instead of being written out (the
// same products of zero, in the same order), a stride's trailing zeros count
// towards that padding, and the taps are reversed as the rows of
// [taps, c*m]. A 1x1 filter, or a crop that leaves nothing, keeps the PadV2.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { compose } from './compose.ts';
import { fullConvolutionInput } from './full-convolution.ts';

type Shape4 = [number, number, number, number];

export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const info = tfjs.backend_util.computeConv2DInfo(inputShape as Shape4, filter.shape as Shape4, strides, dilations, pad, dimRoundingMode, true);
    const k = compose(backend as tf.KernelBackend);
    const [n, outHeight, outWidth] = dy.shape as Shape4;
    const [fh, fw, channels, multiplier] = filter.shape as Shape4;
    const taps = fh * fw;
    const turned = taps === 1 ? filter : k.view(k.run('Reverse', { x: k.view(filter, [taps, channels * multiplier]) }, { dims: [0] }), [fh, fw, channels, multiplier]);
    // dy's channels are (channel, multiplier) pairs; each multiplier's slice pairs with its filter slice.
    // The multipliers are moved to the front first ([pixels, c, m] -> [m, pixels, c], a 3-D transpose),
    // so that each slice is one contiguous block: wasm's rank-5 Slice of the last axis took 76 ms
    // for dy [32,14,14,16] (against 0.4 ms for the transpose and 0.3 ms per slice).
    const pixels = n * outHeight * outWidth;
    const byMultiplier = multiplier === 1 ? dy : k.run('Transpose', { x: k.view(dy, [pixels, channels, multiplier]) }, { perm: [2, 0, 1] });
    const parts: tf.TensorInfo[] = [];
    for (let m = 0; m < multiplier; m++) {
      const dyPart =
        multiplier === 1 ? dy : k.view(k.run('Slice', { x: byMultiplier }, { begin: [m, 0, 0], size: [1, pixels, channels] }), [n, outHeight, outWidth, channels]);
      const filterPart = multiplier === 1 ? turned : k.run('Slice', { x: turned }, { begin: [0, 0, 0, m], size: [fh, fw, channels, 1] });
      const { x, pad } = fullConvolutionInput(k, info, dyPart);
      parts.push(k.run('DepthwiseConv2dNative', { x, filter: filterPart }, { strides: 1, pad, dilations: [info.dilationHeight, info.dilationWidth] }));
    }
    return k.finish(parts.length === 1 ? parts[0]! : k.run('AddN', parts as unknown as Record<string, tf.TensorInfo>));
  },
};
