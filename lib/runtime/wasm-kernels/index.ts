// Training kernels the wasm backend lacks, each composed from wasm's own
// kernels, and faster compositions of some it has. Registered once, before
// the backend is initialised, so that the originals' setup still runs.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';
import { batchMatMulConfig } from './batch-mat-mul.ts';
import { addConfig } from './bias-add.ts';
import { conv2dConfig } from './conv2d.ts';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.ts';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwise-conv2d-backprop-filter.ts';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwise-conv2d-backprop-input.ts';
import { gatherV2Config } from './gather.ts';
import { castConfig, identityConfig } from './identity.ts';
import { maxPoolGradConfig } from './max-pool-grad.ts';
import { sumConfig } from './sum.ts';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';

/** Kernels wasm does not have at all. */
export const missingKernels: tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/** Kernels wasm has, replaced by compositions measured faster (see each file for why). */
export const fasterKernels: Record<string, (original: tf.KernelConfig) => tf.KernelConfig> = {
  Add: addConfig,
  BatchMatMul: batchMatMulConfig,
  Cast: castConfig,
  Conv2D: conv2dConfig,
  Conv2DBackpropInput: conv2dBackpropInputConfig,
  GatherV2: gatherV2Config,
  Identity: identityConfig,
  // Also a fix: wasm's own MaxPoolGrad is wrong for windows whose maximum is not positive.
  MaxPoolGrad: maxPoolGradConfig,
  Sum: sumConfig,
};

let registered = false;

export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  for (const config of missingKernels) {
    if (!tfjs.getKernel(config.kernelName, 'wasm')) tfjs.registerKernel(config);
  }
  for (const [name, faster] of Object.entries(fasterKernels)) {
    const original = tfjs.getKernel(name, 'wasm');
    if (!original) continue;
    tfjs.unregisterKernel(name, 'wasm');
    tfjs.registerKernel(faster(original));
  }
}
