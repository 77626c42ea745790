// Lesson 4's contract: what backprop.ts exports, declared once, and the
// shapes its functions pass between them (parameters, activations, gradients).
// The solution, the exercise, the planted bugs and the grader all import it.
import type { ImageSet } from '#lib/data/image-set.ts';
import type { tf } from '#lib/tf.ts';
import type { Main, TrainOptions as Options } from './training.ts';

export type { Report } from './training.ts';

export interface Hyperparameters {
  hiddenSize: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
}

export type TrainOptions = Options<Hyperparameters>;

export interface Tensors {
  /** [count, height * width * channels], values in [0, 1]. */
  images: tf.Tensor2D;
  /** [count] class indices. */
  labels: tf.Tensor1D;
}

/** The weights and biases of dense -> ReLU -> dense. */
export interface Parameters {
  /** [inputs, hidden] */
  w1: tf.Variable;
  /** [hidden] */
  b1: tf.Variable;
  /** [hidden, classes] */
  w2: tf.Variable;
  /** [classes] */
  b2: tf.Variable;
}
export type ParameterName = keyof Parameters;

/** One gradient per parameter, each with its parameter's shape. */
export type Gradients = Record<ParameterName, tf.Tensor>;

/** What the forward pass computed; back propagation needs all of it. */
export interface Activations {
  /** [batch, inputs] the images */
  x: tf.Tensor2D;
  /** [batch, hidden] before the ReLU */
  z1: tf.Tensor2D;
  /** [batch, hidden] after the ReLU */
  h1: tf.Tensor2D;
  /** [batch, classes] */
  logits: tf.Tensor2D;
}

/** backprop.ts */
export interface Backprop {
  hyperparameters: Hyperparameters;
  parameterNames: readonly ParameterName[];
  toTensors(set: ImageSet): Tensors;
  initParameters(inputs: number, hidden: number, classes: number): Parameters;
  forward(params: Parameters, x: tf.Tensor2D): Activations;
  logSoftmax(logits: tf.Tensor2D): tf.Tensor2D;
  crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar;
  backward(params: Parameters, activations: Activations, labels: tf.Tensor1D): Gradients;
  sgdStep(params: Parameters, grads: Gradients, learningRate: number): void;
  /** One step on one batch; returns that batch's loss before the step. */
  trainStep(params: Parameters, x: tf.Tensor2D, labels: tf.Tensor1D, learningRate: number): tf.Scalar;
  train(params: Parameters, data: Tensors, options: TrainOptions): Promise<void>;
  evaluate(params: Parameters, data: Tensors): Promise<number>;
  main: Main;
}

/**
 * The lesson's files, each with the contract it keeps. `npm run variants`
 * writes a type test from it (grader/test/contracts-kept.ts) that fails to
 * type-check when a variant of a file lacks an export or exports another type.
 */
export interface LessonFiles {
  'backprop.ts': Backprop;
}
