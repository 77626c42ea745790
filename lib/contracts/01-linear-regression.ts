// Lesson 1's contract: what linear-regression.ts exports, declared once.
// The solution, the exercise, the planted bugs and the grader all import it.
import type { tf } from '#lib/tf.ts';
import type { Main, TrainOptions as Options } from './training.ts';

export type { Report } from './training.ts';

export interface Hyperparameters {
  learningRate: number;
  steps: number;
}

export type TrainOptions = Options<Hyperparameters>;

/** Examples as rows: x is [count, features], y is [count, 1]. */
export interface Regression {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
}

/** linear-regression.ts */
export interface LinearRegression {
  hyperparameters: Hyperparameters;
  WAGE_FEATURES: readonly string[];
  makeSyntheticData(count: number, weights: number[], bias: number, noise: number, seed: number): Regression;
  loadWages(testFraction?: number, seed?: number): { train: Regression; test: Regression };
  standardize(train: tf.Tensor2D, test: tf.Tensor2D): { train: tf.Tensor2D; test: tf.Tensor2D };
  addBiasColumn(x: tf.Tensor2D): tf.Tensor2D;
  prepareFeatures(train: tf.Tensor2D, test: tf.Tensor2D): { train: tf.Tensor2D; test: tf.Tensor2D };
  leastSquares(X: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D;
  mseLoss(X: tf.Tensor2D, y: tf.Tensor2D, w: tf.Tensor2D): tf.Scalar;
  mseGradient(X: tf.Tensor2D, y: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D;
  autodiffGradient(X: tf.Tensor2D, y: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D;
  initWeights(parameters: number): tf.Variable;
  /** Full-batch gradient descent, updating `weights` in place: synchronous, as its loop reads each loss with dataSync. */
  gradientDescent(weights: tf.Variable, X: tf.Tensor2D, y: tf.Tensor2D, options: TrainOptions): void;
  rSquared(y: tf.Tensor2D, predictions: tf.Tensor2D): number;
  main: Main;
}

/**
 * The lesson's files, each with the contract it keeps. `npm run variants`
 * writes a type test from it (grader/test/contracts-kept.ts) that fails to
 * type-check when a variant of a file lacks an export or exports another type.
 */
export interface LessonFiles {
  'linear-regression.ts': LinearRegression;
}
