// What lib/tf.ts exports, as editors and tsc see it. At run time `tf` is
// tfjs's CommonJS exports (see runtime/tfjs.ts); here it is the package's namespace,
// the same names, which also makes `tf.Tensor` and the like usable as types.
import type { BackendInfo } from './runtime/backend.ts';

export * as tf from '@tensorflow/tfjs';
export declare const backend: BackendInfo;
