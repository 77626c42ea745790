// kernels.wasm, the SIMD kernels built from this folder's C files, and how
// they are called on Float32Arrays. The module has its own memory, so it works
// beside either of tfjs's wasm builds (with threads or without): operands are
// copied in and results out, which costs little beside the kernels themselves.
import { readFileSync } from 'node:fs';

export interface SimdKernels {
  batched_matmul(a: number, b: number, out: number, batches: number, m: number, k: number, n: number, aStride: number, bStride: number, aTransposed: number, bTransposed: number, scratch: number): void;
  max_pool_grad(x: number, dy: number, dx: number, n: number, h: number, w: number, c: number, oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): void;
  conv2d_backprop_input(dy: number, filter: number, dx: number, scratch: number, n: number, ih: number, iw: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): void;
  conv2d_backprop_filter(x: number, dy: number, dw: number, scratch: number, n: number, ih: number, iw: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): void;
  conv2d(x: number, w: number, y: number, scratch: number, n: number, ih: number, iw: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): void;
  /** The floats of scratch conv2d needs, for the same sizes. */
  conv2d_scratch(n: number, ih: number, iw: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): number;
  /** The floats of scratch conv2d_backprop_filter needs, for the same sizes. */
  conv2d_backprop_filter_scratch(n: number, ih: number, iw: number, ci: number, oh: number, ow: number, co: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): number;
}

interface Exports extends SimdKernels {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
}

const PAGE_BYTES = 65_536;
/** Output pixels the convolution's input gradient handles at a time: PIXELS in kernels.h. */
export const PIXELS = 64;
let module: Exports | undefined | null;

/**
 * The compiled kernels, or null where this WebAssembly lacks SIMD (callers then
 * use tfjs's own kernels or compositions of them). WASM_SIMD_KERNELS=off turns
 * them off where SIMD exists, so that a test can run those other paths.
 */
export function simdKernels(): SimdKernels | null {
  if (module !== undefined) return module;
  const bytes = readFileSync(new URL('./kernels.wasm', import.meta.url));
  const usable = process.env.WASM_SIMD_KERNELS !== 'off' && WebAssembly.validate(bytes);
  module = usable ? (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports) : null;
  return module;
}

/**
 * Copies `inputs` into the module's memory, leaves room for `outputs` and
 * `scratch` floats after them, calls `kernel` with every array's address (inputs,
 * then outputs, then the scratch), and copies the outputs back out.
 */
export function callSimd(
  inputs: readonly Float32Array[],
  outputs: readonly Float32Array[],
  scratch: number,
  kernel: (kernels: SimdKernels, ...addresses: number[]) => void,
): void {
  const k = simdKernels() as Exports | null;
  if (!k) throw new Error('this WebAssembly runtime has no SIMD');
  // 16-byte aligned, after the module's own data.
  const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
  let end = align(k.__heap_base.value as number);
  const addresses = [...inputs, ...outputs, new Float32Array(0)].map((array, i, all) => {
    const at = end;
    end = align(end + (i === all.length - 1 ? scratch * 4 : array.byteLength));
    return at;
  });
  const missing = end - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / PAGE_BYTES));
  inputs.forEach((array, i) => new Float32Array(k.memory.buffer, addresses[i], array.length).set(array));
  kernel(k, ...addresses);
  outputs.forEach((array, i) => array.set(new Float32Array(k.memory.buffer, addresses[inputs.length + i], array.length)));
}
