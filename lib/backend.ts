// Backend choice: tfjs-node where it installed, else WebAssembly with this
// project's training kernels, else the plain JavaScript cpu backend.
// TFJS_BACKEND=node|wasm|cpu forces one.
// PLACEHOLDER: the runtime issue replaces this with the full version.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export interface BackendInfo {
  name: 'node' | 'wasm' | 'cpu';
  reason: string;
}

export async function initialiseBackend(): Promise<BackendInfo> {
  await tf.setBackend('wasm');
  await tf.ready();
  return { name: 'wasm', reason: 'placeholder' };
}
