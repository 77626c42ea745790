// Training kernels the wasm backend lacks, each composed from wasm's own
// kernels. Registered once, before the backend trains anything.
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';

export const wasmTrainingKernels: tf.KernelConfig[] = [conv2dBackpropFilterConfig, unsortedSegmentSumConfig];

export function registerWasmTrainingKernels(): void {
  for (const config of wasmTrainingKernels) {
    if (!tf.getKernel(config.kernelName, 'wasm')) tf.registerKernel(config);
  }
}
