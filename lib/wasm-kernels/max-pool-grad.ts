// MaxPoolGrad, replaced because wasm's own kernel (4.22.0) is wrong: it
// starts each window's running maximum at the smallest positive float, so a
// window whose maximum is 0 or negative sends its gradient to the first
// element of the whole tensor instead (a window of zeros after relu, pooling
// after batchNormalization or a conv without relu). Its MaxPoolWithArgmax has
// the same flaw, so it cannot be the fix either.
//
// Windows side by side (stride = window, no padding; the course's pooling):
// wasm's kernel is still used, on an input it gets right: where a pixel
// equals its window's maximum (the forward output spread back over its
// window), its rank in the window counted from the end (k*k for the first
// pixel, down to 1), else 0. Every window's maximum is then positive and
// unique, and it is the first maximum, the one the cpu backend picks (ties,
// such as windows of zeros after relu, are common; wasm's kernel on its own
// would pick the last).
//
// Overlapping or padded windows: one round of whole-tensor kernels per window
// tap (k*k rounds, never a loop over elements): the tap's pixels win where
// they equal the forward maximum and no earlier tap of that window has won;
// the winners' dy is spread back to where that tap reads the input, and the
// taps' gradients are added up. Correct, but slow: wasm's StridedSlice is a loop.
import * as tf from '@tensorflow/tfjs';
import { compose } from './compose.ts';
import { padOrCrop, zeroDilate } from './spatial.ts';

type Shape4 = [number, number, number, number];

export function maxPoolGradConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'MaxPoolGrad',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
      const { dy, input, output } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo; output: tf.TensorInfo };
      const info = tf.backend_util.computePool2DInfo(input.shape as Shape4, filterSize, strides, 1, pad, dimRoundingMode);
      const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo, outHeight, outWidth } = info;
      const k = compose(args.backend as tf.KernelBackend);
      const [n, height, width, channels] = input.shape as Shape4;
      if (sh === kh && sw === kw && padInfo.top === 0 && padInfo.left === 0) {
        const spreadOutput = padOrCrop(
          k,
          k.run('ResizeNearestNeighbor', { images: output }, { size: [outHeight * kh, outWidth * kw], alignCorners: false, halfPixelCenters: false }),
          [[0, 0], [0, height - outHeight * kh], [0, width - outWidth * kw], [0, 0]],
          Number.NaN,
        );
        const winners = k.run('Cast', { x: k.run('Equal', { a: input, b: spreadOutput }) }, { dtype: 'float32' });
        const countdown = k.run('Range', {}, { start: kh * kw, stop: 0, step: -1, dtype: 'float32' });
        const ranks = padOrCrop(
          k,
          k.view(k.run('Tile', { x: k.view(countdown, [1, kh, 1, kw]) }, { reps: [outHeight, 1, outWidth, 1] }), [1, outHeight * kh, outWidth * kw, 1]),
          [[0, 0], [0, height - outHeight * kh], [0, width - outWidth * kw], [0, 0]],
        );
        const ranked = k.run('Multiply', { a: winners, b: ranks });
        return k.finish(original.kernelFunc({ ...args, inputs: { dy, input: ranked, output } }) as tf.TensorInfo);
      }
      const spanHeight = (outHeight - 1) * sh + 1;
      const spanWidth = (outWidth - 1) * sw + 1;
      // The input as the windows see it: padding that can never win, unread rows and columns cut.
      const seen: [number, number][] = [
        [0, 0],
        [padInfo.top, spanHeight + kh - 1 - height - padInfo.top],
        [padInfo.left, spanWidth + kw - 1 - width - padInfo.left],
        [0, 0],
      ];
      const padded = padOrCrop(k, input, seen, -Infinity);
      const [, paddedHeight, paddedWidth] = padded.shape as Shape4;
      let open: tf.TensorInfo | null = null;
      const gradients: tf.TensorInfo[] = [];
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const tap = k.run(
            'StridedSlice',
            { x: padded },
            {
              begin: [0, i, j, 0],
              end: [n, i + spanHeight, j + spanWidth, channels],
              strides: [1, sh, sw, 1],
              beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
            },
          );
          let wins = k.run('Cast', { x: k.run('Equal', { a: tap, b: output }) }, { dtype: 'float32' });
          if (open) wins = k.run('Multiply', { a: wins, b: open });
          const last = i === kh - 1 && j === kw - 1;
          if (!last) open = open ? k.run('Sub', { a: open, b: wins }) : k.run('Sub', { a: k.run('OnesLike', { x: wins }), b: wins });
          const spread = zeroDilate(k, k.run('Multiply', { a: wins, b: dy }), [sh, sw]);
          gradients.push(
            padOrCrop(k, spread, [
              [0, 0],
              [i, paddedHeight - i - spanHeight],
              [j, paddedWidth - j - spanWidth],
              [0, 0],
            ]),
          );
        }
      }
      const sum = gradients.length === 1 ? gradients[0]! : k.run('AddN', gradients as unknown as Record<string, tf.TensorInfo>);
      return k.finish(padOrCrop(k, sum, seen.map(([before, after]) => [-before, -after] as [number, number])));
    },
  };
}
