// Add of a tensor and a vector along its last axes (every layer's bias),
// re-registered for speed: wasm's Add hands such a broadcast to XNNPACK one
// row at a time, and a convolution's rows are short: 0.22 ms for LeNet's
// [32,24,24,6] + [6] (18,432 rows of 6). So the vector is first repeated to a
// row of up to LONG_ROW values, and the tensor seen as fewer, longer rows:
// [128, 864] + [864] there. The same sums of the same elements: the same bits.
// Other Adds, and rows already long, stay as they are.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { compose, heapFloats, type WasmBackend } from './compose.ts';

/** About as long a row as XNNPACK's broadcast is given at a time. */
const LONG_ROW = 1024;

/** Whether `small`, smaller than `large`, repeats along `large`'s first axes only: its shape, without leading 1s, ends `large`'s. */
function trailing(large: number[], small: number[]): boolean {
  if (small.length > large.length || tfjs.util.sizeFromShape(small) >= tfjs.util.sizeFromShape(large) || small.every((d) => d === 1)) return false;
  const kept = small.slice(small.findIndex((d) => d !== 1));
  return kept.every((d, i) => d === large[large.length - kept.length + i]);
}

/** The most rows of `width` values, a divisor of `rows`, that fit in one long row. */
function rowsPerLongRow(rows: number, width: number): number {
  for (let m = Math.floor(LONG_ROW / width); m > 1; m--) if (rows % m === 0) return m;
  return 1;
}

export function addConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'Add',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const [large, small] = tfjs.util.sizeFromShape(a.shape) >= tfjs.util.sizeFromShape(b.shape) ? [a, b] : [b, a];
      if (a.dtype !== 'float32' || b.dtype !== 'float32' || !trailing(large.shape, small.shape)) return original.kernelFunc(args);
      const width = tfjs.util.sizeFromShape(small.shape);
      const rows = tfjs.util.sizeFromShape(large.shape) / width;
      const m = rowsPerLongRow(rows, width);
      if (m === 1) return original.kernelFunc(args);
      const backend = args.backend as WasmBackend;
      const k = compose(backend);
      const repeated = backend.makeOutput([m * width], 'float32');
      const [from, to] = [heapFloats(backend, small), heapFloats(backend, repeated)];
      for (let i = 0; i < m; i++) to.set(from, i * width);
      const sum = original.kernelFunc({ ...args, inputs: { a: k.view(large, [rows / m, m * width]), b: repeated } }) as tf.TensorInfo;
      backend.disposeData(repeated.dataId);
      return k.finish(k.view(sum, large.shape));
    },
  };
}
