// The batched product of batched-matmul.c, called on Float32Arrays.
import { callSimd } from './simd-module.ts';

export interface ProductShape {
  /** How many products: the larger of the two operands' batch sizes. */
  batches: number;
  m: number;
  k: number;
  n: number;
  /** Whether a (or b) is one matrix used for every product rather than one per product. */
  aRepeated: boolean;
  bRepeated: boolean;
  /** Whether each matrix of a is stored transposed, k x m. */
  aTransposed: boolean;
  /** Whether each matrix of b is stored transposed, n x k. */
  bTransposed?: boolean;
}

/** Writes a[g] times b[g] into out, for every g, row-major (a perhaps transposed). */
export function batchedMatmul(a: Float32Array, b: Float32Array, out: Float32Array, shape: ProductShape): void {
  const { batches, m, k: inner, n } = shape;
  callSimd([a, b], [out], shape.bTransposed ? inner * n : 0, (kernels, aAt, bAt, outAt, scratch) =>
    kernels.batched_matmul(aAt!, bAt!, outAt!, batches, m, inner, n, shape.aRepeated ? 0 : m * inner, shape.bRepeated ? 0 : inner * n, shape.aTransposed ? 1 : 0, shape.bTransposed ? 1 : 0, scratch!),
  );
}
