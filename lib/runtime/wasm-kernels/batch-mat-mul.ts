// BatchMatMul, re-registered for speed. wasm's own kernel is fast (XNNPACK)
// only for one matrix times one matrix with neither transposed; otherwise it
// runs a scalar loop, several times slower. And wasm's Transpose is slow for
// the tall matrices of a weight gradient (1.4 ms for [2048, 32]). So:
// - many rows times one matrix (a layer's forward pass): XNNPACK, as one tall matrix;
// - a true batch (attention: one product per message and head), and few rows
//   times a long matrix (a weight gradient, a transposed): batched-matmul.c's
//   SIMD kernel, which reads a transposed a in place
//   (npm run bench -- --model transformer profiles them);
// - a transposed b is transposed explicitly first: by wasm's Transpose for
//   XNNPACK, inside the SIMD kernel for its own product (0.13 ms less for
//   LeNet's [32,120] times [256,120] transposed).
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { batchedMatmul } from './batched-matmul.ts';
import { simdKernels } from './simd-module.ts';
import { compose, heapFloats, type WasmBackend } from './compose.ts';

/** The permutation that swaps a tensor's last two axes. */
function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return perm;
}

const size = (shape: number[]) => shape.reduce((product, d) => product * d, 1);

export function batchMatMulConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return original.kernelFunc(args);
      const backend = args.backend as WasmBackend;
      const k = compose(backend);
      const [m, inner] = (transposeA ? a.shape.slice(-2).reverse() : a.shape.slice(-2)) as [number, number];
      const n = transposeB ? b.shape.at(-2)! : b.shape.at(-1)!;
      const batchesA = size(a.shape.slice(0, -2));
      const batchesB = size(b.shape.slice(0, -2));
      const outer = tfjs.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
      const simd = simdKernels() && (batchesA === batchesB || batchesA === 1 || batchesB === 1);
      if (!simd || (batchesB === 1 && batchesA * m >= inner)) {
        const right = transposeB ? k.run('Transpose', { x: b }, { perm: swapLastTwo(b.shape.length) }) : b;
        const left = transposeA ? k.run('Transpose', { x: a }, { perm: swapLastTwo(a.shape.length) }) : a;
        const plain = { ...args, attrs: { transposeA: false, transposeB: false } };
        if (batchesB !== 1) return k.finish(original.kernelFunc({ ...plain, inputs: { a: left, b: right } }) as tf.TensorInfo);
        // Every row of every matrix of a meets the same b: one product of a tall matrix.
        const tall = k.view(left, [1, batchesA * m, inner]);
        const product = original.kernelFunc({ ...plain, inputs: { a: tall, b: k.view(right, [1, inner, n]) } }) as tf.TensorInfo;
        return k.finish(k.view(product, [...outer, m, n]));
      }
      const out = backend.makeOutput([...outer, m, n], 'float32');
      batchedMatmul(heapFloats(backend, a), heapFloats(backend, b), heapFloats(backend, out), {
        batches: Math.max(batchesA, batchesB),
        m,
        k: inner,
        n,
        aRepeated: batchesA === 1,
        bRepeated: batchesB === 1,
        aTransposed: transposeA,
        bTransposed: transposeB,
      });
      return k.finish(out);
    },
  };
}
