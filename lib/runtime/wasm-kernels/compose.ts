// Composes a kernel from other wasm kernels, working on TensorInfos at the
// backend level: no Tensor objects, no engine bookkeeping, and every
// intermediate result freed when the composition ends.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';

export interface Composition {
  run(kernelName: string, inputs: Record<string, tf.TensorInfo>, attrs?: object): tf.TensorInfo;
  /** The same data seen with another shape, as wasm's own Reshape does, without a copy. */
  view(info: tf.TensorInfo, shape: number[]): tf.TensorInfo;
  /** Frees the intermediates, keeping `result` (or the intermediate it views), which the composed kernel returns. */
  finish(result: tf.TensorInfo): tf.TensorInfo;
}

export function compose(backend: tf.KernelBackend): Composition {
  const intermediates: tf.TensorInfo[] = [];
  return {
    run(kernelName, inputs, attrs = {}) {
      const kernel = tfjs.getKernel(kernelName, 'wasm');
      if (!kernel) throw new Error(`wasm has no ${kernelName} kernel to compose from`);
      const out = kernel.kernelFunc({ inputs, attrs: attrs as tf.NamedAttrMap, backend }) as tf.TensorInfo;
      intermediates.push(out);
      return out;
    },
    view(info, shape) {
      return { dataId: info.dataId, shape, dtype: info.dtype };
    },
    finish(result) {
      for (const info of intermediates) if (info.dataId !== result.dataId) backend.disposeData(info.dataId);
      return result;
    },
  };
}

/** What the kernels written here use of tfjs's wasm backend, beyond a KernelBackend's. */
export interface WasmBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A view of the tensor's data in the backend's heap: taken after any makeOutput, which may grow the heap. */
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
}

/** A float32 tensor's data in the heap. */
export const heapFloats = (backend: WasmBackend, info: tf.TensorInfo) => backend.typedArrayFromHeap(info) as Float32Array;
