// Training kernels the wasm backend lacks, each composed from wasm's own
// kernels. Registered once, before the backend trains anything.
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.ts';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';

/** Kernels wasm does not have at all. */
export const missingKernels: tf.KernelConfig[] = [conv2dBackpropFilterConfig, unsortedSegmentSumConfig];

let registered = false;

export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  for (const config of missingKernels) {
    if (!tf.getKernel(config.kernelName, 'wasm')) tf.registerKernel(config);
  }
  // Kernels wasm has, replaced by faster compositions that fall back to the original.
  const original = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (original) {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel(conv2dBackpropInputConfig(original));
  }
}
