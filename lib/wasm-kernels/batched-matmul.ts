// The batched product of batched-matmul.c, called on Float32Arrays. The module
// has its own memory, so it works beside either of tfjs's wasm builds (with
// threads or without): the operands are copied in and the product out, which
// costs little beside the product itself.
import { readFileSync } from 'node:fs';

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
}

interface Exports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  batched_matmul(a: number, b: number, out: number, batches: number, m: number, k: number, n: number, aStride: number, bStride: number, aTransposed: number): void;
}

const PAGE_BYTES = 65_536;
let kernel: Exports | undefined | null;

/** The compiled kernel, or null where this WebAssembly lacks SIMD (the caller then uses tfjs's own). */
export function simdKernel(): Exports | null {
  if (kernel !== undefined) return kernel;
  const bytes = readFileSync(new URL('./batched-matmul.wasm', import.meta.url));
  kernel = WebAssembly.validate(bytes) ? (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports) : null;
  return kernel;
}

/** Writes a[g] times b[g] into out, for every g, row-major (a perhaps transposed). */
export function batchedMatmul(a: Float32Array, b: Float32Array, out: Float32Array, shape: ProductShape): void {
  const k = simdKernel();
  if (!k) throw new Error('this WebAssembly runtime has no SIMD');
  const { batches, m, k: inner, n } = shape;
  // Offsets 16-byte aligned, after the module's own data.
  const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
  const aAt = align(k.__heap_base.value as number);
  const bAt = align(aAt + a.byteLength);
  const outAt = align(bAt + b.byteLength);
  const end = outAt + out.byteLength;
  const missing = end - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / PAGE_BYTES));
  const heap = k.memory.buffer;
  new Float32Array(heap, aAt, a.length).set(a);
  new Float32Array(heap, bAt, b.length).set(b);
  k.batched_matmul(aAt, bAt, outAt, batches, m, inner, n, shape.aRepeated ? 0 : m * inner, shape.bRepeated ? 0 : inner * n, shape.aTransposed ? 1 : 0);
  out.set(new Float32Array(heap, outAt, out.length));
}
