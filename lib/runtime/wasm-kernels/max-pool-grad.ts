// MaxPoolGrad, replaced because wasm's own kernel (4.22.0) is wrong: it
// starts each window's running maximum at the smallest positive float, so a
// window whose maximum is 0 or negative sends its gradient to the first
// element of the whole tensor instead (a window of zeros after relu, pooling
// after batchNormalization or a conv without relu). Its MaxPoolWithArgmax has
// the same flaw, so it cannot be the fix either.
//
// Where WebAssembly has SIMD, max-pool-grad.c's loop does it (0.05 ms at
// LeNet's first pooling, against 1.2 ms for the composition below). Without
// SIMD, it is composed from wasm's own kernels:
//
// Windows side by side (stride = window, no padding before; the course's
// pooling): each window's pixels are transposed to the end of a row, where
// ArgMax finds its first maximum (strictly greater replaces, as in the cpu
// backend's loop: ties, such as windows of zeros after relu, are common), and
// OneHot times dy puts the window's gradient there; two more transposes put
// the pixels back. Rows and columns no window reads are cut off first (and get
// zeros); padding after (pad 'same') is filled with -Infinity, which never wins.
// The one-hot mask is moved first, to [n*oh, taps, ow*c], so that dy's
// broadcast runs along rows of ow*c values: XNNPACK's Multiply of [count, 4]
// by [count, 1] calls its kernel once for every 4 values (0.36 ms at LeNet's
// first pooling, against 0.04 ms for the same product this way). OneHot is
// asked for the bits of float 1 directly: wasm's OneHot writes its on and off
// values as int32 bits whatever dtype it is given, so no Cast is needed.
// Unlike cpu, a window of only -Infinity (or starting with NaN) gives its first
// pixel the gradient.
//
// Overlapping or padded windows: one round of whole-tensor kernels per window
// tap (k*k rounds, never a loop over elements): the tap's pixels win where
// they equal the forward maximum and no earlier tap of that window has won;
// the winners' dy is spread back to where that tap reads the input, and the
// taps' gradients are added up. Correct, but slow: wasm's StridedSlice is a loop.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { compose, heapFloats, type Composition, type WasmBackend } from './compose.ts';
import { padOrCrop, zeroDilate } from './spatial.ts';
import { callSimd, simdKernels } from './simd-module.ts';

type Shape4 = [number, number, number, number];

/** The int32 whose bits are float32 1. */
const FLOAT32_ONE_BITS = 0x3f800000;

/**
 * `x` seen as `shape`, transposed by `perm`; when only axes of size 1 move, the
 * same data seen with the new shape (wasm's Transpose would copy it).
 */
function transpose(k: Composition, x: tf.TensorInfo, shape: number[], perm: number[]): tf.TensorInfo {
  const outShape = perm.map((axis) => shape[axis]!);
  const moving = perm.filter((axis) => shape[axis] !== 1);
  if (moving.every((axis, i) => i === 0 || moving[i - 1]! < axis)) return k.view(x, outShape);
  return k.view(k.run('Transpose', { x: k.view(x, shape) }, { perm }), outShape);
}

/** Replaces wasm's own MaxPoolGrad, which no path uses any more. */
export function maxPoolGradConfig(): tf.KernelConfig {
  return {
    kernelName: 'MaxPoolGrad',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
      const { dy, input, output } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo; output: tf.TensorInfo };
      const info = tfjs.backend_util.computePool2DInfo(input.shape as Shape4, filterSize, strides, 1, pad, dimRoundingMode);
      const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo, outHeight, outWidth } = info;
      const [n, height, width, channels] = input.shape as Shape4;
      if (simdKernels()) {
        const backend = args.backend as WasmBackend;
        const dx = backend.makeOutput(input.shape, 'float32');
        callSimd([heapFloats(backend, input), heapFloats(backend, dy)], [heapFloats(backend, dx)], 0, (kernels, x, g, out) =>
          kernels.max_pool_grad(x!, g!, out!, n, height, width, channels, outHeight, outWidth, kh, kw, sh, sw, padInfo.top, padInfo.left),
        );
        return dx;
      }
      const k = compose(args.backend as tf.KernelBackend);
      if (sh === kh && sw === kw && padInfo.top === 0 && padInfo.left === 0) {
        const taps = kh * kw;
        const [rows, columns] = [outHeight * kh, outWidth * kw];
        const fitted = padOrCrop(k, input, [[0, 0], [0, rows - height], [0, columns - width], [0, 0]], -Infinity);
        // [n*oh, kh, ow, kw, c] -> [n*oh, ow, c, kh, kw]: one window per row, in dy's order. Two
        // transposes of wasm's rank 3 and 2 (0.15 ms at LeNet's first pooling) are faster than
        // its rank-4 one (0.40 ms): [n*oh, kh, ow, kw*c] -> [n*oh, ow, kh, kw*c], then
        // [n*oh*ow, kh*kw, c] -> [n*oh*ow, c, kh*kw].
        const rowsFirst = transpose(k, fitted, [n * outHeight, kh, outWidth, kw * channels], [0, 2, 1, 3]);
        const windows = transpose(k, rowsFirst, [n * outHeight * outWidth, taps, channels], [0, 2, 1]);
        const count = n * outHeight * outWidth * channels;
        const first = k.run('ArgMax', { x: k.view(windows, [count, taps]) }, { axis: 1 });
        // wasm's OneHot writes int32 bits whatever dtype it is asked for: these are float32 1 and 0.
        const mask = k.run('OneHot', { indices: first }, { depth: taps, onValue: FLOAT32_ONE_BITS, offValue: 0, dtype: 'float32' });
        // [n*oh, ow*c, taps] -> [n*oh, taps, ow*c] = [n*oh, kh, kw, ow, c]: dy broadcast along rows.
        const perRow = outWidth * channels;
        const moved = transpose(k, mask, [n * outHeight, perRow, taps], [0, 2, 1]);
        const routed = k.run('Multiply', { a: k.view(moved, [n * outHeight, taps, perRow]), b: k.view(dy, [n * outHeight, 1, perRow]) });
        // [n*oh*kh, kw, ow, c] -> [n*oh*kh, ow, kw, c] = [n, rows, columns, c].
        const back = transpose(k, routed, [n * outHeight * kh, kw, outWidth, channels], [0, 2, 1, 3]);
        return k.finish(padOrCrop(k, k.view(back, [n, rows, columns, channels]), [[0, 0], [0, height - rows], [0, width - columns], [0, 0]]));
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
