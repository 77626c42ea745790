// Sum over leading axes (every bias gradient: a sum over the batch's rows),
// re-registered for speed: wasm's kernel first transposes the rows to the
// innermost axis, 0.9 ms for lesson 5's [2048, 32]. Here it is a product with
// a row of ones on batched-matmul.c's SIMD kernel, which adds the rows in
// order: the same sum, one row after another. Other reductions stay with wasm's.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { batchedMatmul } from './batched-matmul.ts';
import { simdKernels } from './simd-module.ts';
import { heapFloats, type WasmBackend } from './compose.ts';

let ones = new Float32Array(0);

export function sumConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'Sum',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
      const axes = tfjs.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
      const leading = axes.every((a, i) => a === i) && axes.length > 0 && axes.length < x.shape.length;
      if (x.dtype !== 'float32' || !leading || !simdKernels()) return original.kernelFunc(args);
      const rows = tfjs.util.sizeFromShape(x.shape.slice(0, axes.length));
      const kept = x.shape.slice(axes.length);
      const backend = args.backend as WasmBackend;
      const out = backend.makeOutput(keepDims ? [...axes.map(() => 1), ...kept] : kept, 'float32');
      if (ones.length < rows) ones = new Float32Array(rows).fill(1);
      const n = tfjs.util.sizeFromShape(kept);
      if (rows > 0 && n > 0) {
        batchedMatmul(ones.subarray(0, rows), heapFloats(backend, x), heapFloats(backend, out), { batches: 1, m: 1, k: rows, n, aRepeated: false, bRepeated: false, aTransposed: false });
      } else {
        heapFloats(backend, out).fill(0);
      }
      return out;
    },
  };
}
