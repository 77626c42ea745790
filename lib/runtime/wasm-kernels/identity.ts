// Identity, and Cast to the dtype a tensor already has, re-registered to share
// the input's data instead of copying it. While a gradient is recorded, tfjs
// clones every tensor a kernel saves for the backward pass (an Identity), and
// the relu gradient casts a float32 tensor to float32: 36 Identity calls and 4
// such Casts in one LeNet step, each a copy on wasm (0.03 ms for one
// [32,24,24,6]) and a heap block to free. Tensors never change in place, so the
// data can be shared, counted by the backend as wasm's own Reshape counts it,
// and as the cpu backend's Identity does. Strings keep wasm's own kernels.
import type * as tf from '@tensorflow/tfjs';

/** The same data under a new TensorInfo: one more reference to it. */
function share(backend: tf.KernelBackend, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function identityConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'Identity',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      return x.dtype === 'string' ? original.kernelFunc(args) : share(args.backend as tf.KernelBackend, x);
    },
  };
}

export function castConfig(original: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: 'Cast',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const { dtype } = args.attrs as unknown as tf.CastAttrs;
      return dtype === x.dtype && dtype !== 'string' ? share(args.backend as tf.KernelBackend, x) : original.kernelFunc(args);
    },
  };
}
