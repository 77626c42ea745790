// Lesson 3's contract: what cnn.ts and pretrained.ts export, declared once.
// The solution, the exercise, the planted bugs and the grader all import it,
// so a change here is a change for all of them, and the grader depends on
// this file rather than on any variant's code.
import type { ImageSet } from '#lib/data/image-set.ts';
import type { tf } from '#lib/tf.ts';
import type { Main, TrainOptions as Options } from './training.ts';

export type { Report } from './training.ts';

export interface Hyperparameters {
  batchSize: number;
  epochs: number;
  learningRate: number;
  momentum: number;
}

export type TrainOptions = Options<Hyperparameters>;

export interface Tensors {
  /** [count, height, width, channels], values in [-1, 1]. */
  images: tf.Tensor4D;
  /** [count] class indices. */
  labels: tf.Tensor1D;
}

/** cnn.ts */
export interface Cnn {
  hyperparameters: Hyperparameters;
  loadData(dataset: string): Promise<{ train: ImageSet; test: ImageSet }>;
  toTensors(set: ImageSet): Tensors;
  createModel(inputShape: [number, number, number], numClasses: number): tf.LayersModel;
  lossFunction(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar;
  createOptimizer(settings: Hyperparameters): tf.Optimizer;
  train(model: tf.LayersModel, data: Tensors, options: TrainOptions): Promise<void>;
  /** Fraction of the images whose most likely class is the true one. */
  evaluate(model: tf.LayersModel, data: Tensors): Promise<number>;
  main: Main;
}

/** pretrained.ts */
export interface Pretrained {
  fineTuningHyperparameters: Hyperparameters;
  IMAGES_PER_CLASS: number;
  newClassData(sets: { train: ImageSet; test: ImageSet }): { train: ImageSet; test: ImageSet };
  buildTransferModel(pretrained: tf.LayersModel, numClasses: number): tf.LayersModel;
  /** Trains with cnn.ts's train and the fine-tuning hyperparameters. */
  fineTune(model: tf.LayersModel, data: Tensors, options: TrainOptions): Promise<void>;
  main: Main;
}

/**
 * The lesson's files, each with the contract it keeps. `npm run variants`
 * writes a type test from it (grader/test/contracts-kept.ts) that fails to
 * type-check when a variant of a file lacks an export or exports another type.
 */
export interface LessonFiles {
  'cnn.ts': Cnn;
  'pretrained.ts': Pretrained;
}
