// The input gradient of a depthwise convolution, which the wasm backend
// lacks. Each channel is convolved on its own, so its gradient is that
// channel's "full" convolution: wasm's DepthwiseConv2dNative of dy (spread
// apart by the stride and padded, see full-convolution.ts) with the filter
// turned 180 degrees. With a channel multiplier m > 1, input channel c fed
// output channels c*m .. c*m + m-1, so the m depthwise convolutions (one
// per multiplier, not per element) are added up.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { compose } from './compose.ts';
import { fullConvolutionPadding } from './full-convolution.ts';
import { padOrCrop, zeroDilate } from './spatial.ts';

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
    const turned = k.run('Reverse', { x: filter }, { dims: [0, 1] });
    // dy's channels are (channel, multiplier) pairs; each multiplier's slice pairs with its filter slice.
    const pairs = k.view(dy, [n, outHeight, outWidth, channels, multiplier]);
    const parts: tf.TensorInfo[] = [];
    for (let m = 0; m < multiplier; m++) {
      const dyPart =
        multiplier === 1 ? dy : k.view(k.run('Slice', { x: pairs }, { begin: [0, 0, 0, 0, m], size: [-1, -1, -1, -1, 1] }), [n, outHeight, outWidth, channels]);
      const filterPart = multiplier === 1 ? turned : k.run('Slice', { x: turned }, { begin: [0, 0, 0, m], size: [fh, fw, channels, 1] });
      const spread = zeroDilate(k, dyPart, [info.strideHeight, info.strideWidth]);
      const padded = padOrCrop(k, spread, fullConvolutionPadding(info, spread.shape as Shape4));
      parts.push(
        k.run(
          'DepthwiseConv2dNative',
          { x: padded, filter: filterPart },
          { strides: 1, pad: 'valid', dilations: [info.dilationHeight, info.dilationWidth] },
        ),
      );
    }
    return k.finish(parts.length === 1 ? parts[0]! : k.run('AddN', parts as unknown as Record<string, tf.TensorInfo>));
  },
};
