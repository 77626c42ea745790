// BatchMatMul, re-registered for speed: wasm's kernel is fast only when
// neither operand is transposed (several times slower otherwise, and every
// matMul gradient transposes one operand), while its Transpose is cheap. So
// transposed operands are transposed explicitly first.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { compose } from './compose.ts';

/** The permutation that swaps a tensor's last two axes. */
function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return perm;
}

export function batchMatMulConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') return original.kernelFunc(args);
      const k = compose(args.backend as tf.KernelBackend);
      const inputs = {
        a: transposeA ? k.run('Transpose', { x: a }, { perm: swapLastTwo(a.shape.length) }) : a,
        b: transposeB ? k.run('Transpose', { x: b }, { perm: swapLastTwo(b.shape.length) }) : b,
      };
      const product = original.kernelFunc({ ...args, inputs, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;
      return k.finish(product);
    },
  };
}
