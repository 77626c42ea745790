// Lesson 2's contract: what logistic-regression.ts exports, declared once.
// The solution, the exercise, the planted bugs and the grader all import it.
import type { ImageSet } from '#lib/data/image-set.ts';
import type { tf } from '#lib/tf.ts';
import type { Main, TrainOptions as Options } from './training.ts';

export type { Report } from './training.ts';

export interface Hyperparameters {
  batchSize: number;
  epochs: number;
  learningRate: number;
}

export type TrainOptions = Options<Hyperparameters>;

export interface Tensors {
  /** [count, features] */
  x: tf.Tensor2D;
  /** [count, 1]: 1 for the positive class, 0 for the negative one. */
  y: tf.Tensor2D;
}

/** logistic-regression.ts */
export interface LogisticRegression {
  hyperparameters: Hyperparameters;
  NEGATIVE_CLASS: number;
  POSITIVE_CLASS: number;
  toBinaryTensors(set: ImageSet, positive?: number, negative?: number): Tensors;
  makeBlobs(count: number, seed: number): Tensors;
  /** Outputs one logit per example. */
  createModel(inputs: number): tf.LayersModel;
  predictProbabilities(model: tf.LayersModel, x: tf.Tensor2D): tf.Tensor2D;
  binaryCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor2D): tf.Scalar;
  train(model: tf.LayersModel, data: Tensors, options: TrainOptions): Promise<void>;
  predictClasses(model: tf.LayersModel, x: tf.Tensor2D, threshold?: number): tf.Tensor2D;
  /** Fraction of examples whose predicted class is the true one. */
  evaluate(model: tf.LayersModel, data: Tensors, threshold?: number): Promise<number>;
  main: Main;
}

/**
 * The lesson's files, each with the contract it keeps. `npm run variants`
 * writes a type test from it (grader/test/contracts-kept.ts) that fails to
 * type-check when a variant of a file lacks an export or exports another type.
 */
export interface LessonFiles {
  'logistic-regression.ts': LogisticRegression;
}
