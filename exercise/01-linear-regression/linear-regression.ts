// Lesson 1: linear regression, its parameters estimated two ways.
//
// A linear model predicts y = X w, where each row of X is one example's
// features with a 1 in front (so w[0] is the intercept). The sections follow
// the original lesson:
//   1. The data: synthetic data with known parameters, and the 1985 CPS wages
//   2. Least squares: the closed-form estimate
//   3. Gradient descent: gradients by formula, then by tf.grad
//   4. Evaluate: R² on held-out data
import asciichart from 'asciichart';
import { parseArgs } from 'node:util';
import type { Hyperparameters, Regression, Report, TrainOptions } from '#lib/contracts/01-linear-regression.ts';
import { loadCps1985Wages } from '#lib/data/wages.ts';
import { randomGenerator, seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';

export const hyperparameters: Hyperparameters = {
  /** Tuned for standardised features. */
  learningRate: 0.1,
  steps: 100,
};

// ---------------------------------------------------------------------------
// 1. The data
// ---------------------------------------------------------------------------

/** y = x weights + bias + noise, with x drawn from a standard normal: the true parameters are known. */
export function makeSyntheticData(count: number, weights: number[], bias: number, noise: number, seed: number): Regression {
  return tf.tidy(() => {
    const x = tf.randomNormal([count, weights.length], 0, 1, 'float32', seed) as tf.Tensor2D;
    const clean = x.matMul(tf.tensor2d(weights, [weights.length, 1])).add(bias);
    const y = clean.add(tf.randomNormal([count, 1], 0, noise, 'float32', seed + 1)) as tf.Tensor2D;
    return { x, y };
  });
}

export const WAGE_FEATURES = ['education', 'experience'] as const;

/** log(wage) against years of education and experience, split at random into train and test. */
export function loadWages(testFraction = 0.25, seed = 1985): { train: Regression; test: Regression } {
  const records = loadCps1985Wages();
  const random = randomGenerator(seed);
  const keys = records.map(() => random());
  const indices = records.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]!);
  const testCount = Math.round(testFraction * records.length);
  const pick = (indices: number[]): Regression => ({
    x: tf.tensor2d(indices.map((i) => WAGE_FEATURES.map((name) => records[i]![name]))),
    // Wages are skewed; their log is near normal, and a coefficient then reads as a relative raise.
    y: tf.tensor2d(indices.map((i) => [Math.log(records[i]!.wage)])),
  });
  return { test: pick(indices.slice(0, testCount)), train: pick(indices.slice(testCount)) };
}

/**
 * Shifts and scales every feature to mean 0 and standard deviation 1, using
 * the statistics of the training set for both sets: the test set stands for
 * data not seen yet, so nothing may be learnt from it.
 */
export function standardize(train: tf.Tensor2D, test: tf.Tensor2D): { train: tf.Tensor2D; test: tf.Tensor2D } {
  return tf.tidy(() => {
    // TODO: standardise both sets with the training set's mean and standard deviation per feature
    throw new Error("not implemented: standardise both sets with the training set's mean and standard deviation per feature");
  });
}

/** Puts a column of ones in front of the features, so that w[0] is the intercept. */
export function addBiasColumn(x: tf.Tensor2D): tf.Tensor2D {
  // TODO: a column of ones, then the features
  throw new Error("not implemented: a column of ones, then the features");
}

/** The design matrices the model sees: standardised features after a column of ones. */
export function prepareFeatures(train: tf.Tensor2D, test: tf.Tensor2D): { train: tf.Tensor2D; test: tf.Tensor2D } {
  const scaled = standardize(train, test);
  const prepared = { train: addBiasColumn(scaled.train), test: addBiasColumn(scaled.test) };
  tf.dispose([scaled.train, scaled.test]);
  return prepared;
}

// ---------------------------------------------------------------------------
// 2. Least squares: the closed-form estimate
// ---------------------------------------------------------------------------

/**
 * The w that minimises ||X w - y||². tfjs has no linear solver, so solve it
 * yourself. The normal equations (XᵀX) w = Xᵀy square the condition number of
 * X, which float32 cannot afford on nearly collinear features; with X = QR
 * (Q's columns orthonormal, R upper triangular) the problem becomes R w = Qᵀy,
 * solved from the last row up. Throw a clear error when a column of X is
 * (nearly) a combination of the others, instead of returning NaN or Infinity.
 */
export function leastSquares(X: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  // TODO: solve for w with a QR decomposition and back-substitution
  throw new Error("not implemented: solve for w with a QR decomposition and back-substitution");
}

// ---------------------------------------------------------------------------
// 3. Gradient descent: gradients by formula, then by tf.grad
// ---------------------------------------------------------------------------

/** The mean squared error of the predictions X w: the loss both estimates minimise. */
export function mseLoss(X: tf.Tensor2D, y: tf.Tensor2D, w: tf.Tensor2D): tf.Scalar {
  // TODO: the mean over the examples of (X w - y)²
  throw new Error("not implemented: the mean over the examples of (X w - y)²");
}

/** The gradient of mseLoss with respect to w, derived by hand (see the README). */
export function mseGradient(X: tf.Tensor2D, y: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  // TODO: the gradient of the mean squared error, from your own derivation
  throw new Error("not implemented: the gradient of the mean squared error, from your own derivation");
}

/** The same gradient, by automatic differentiation of mseLoss. */
export function autodiffGradient(X: tf.Tensor2D, y: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  // TODO: the gradient of mseLoss with tf.grad
  throw new Error("not implemented: the gradient of mseLoss with tf.grad");
}

/** Gradient descent starts from w = 0. */
export function initWeights(parameters: number): tf.Variable {
  return tf.variable(tf.zeros([parameters, 1]), true, 'w');
}

/** Full-batch gradient descent on mseLoss with the hand-derived gradient, updating `weights` in place. */
export function gradientDescent(weights: tf.Variable, X: tf.Tensor2D, y: tf.Tensor2D, options: TrainOptions): void {
  // TODO: the steps: loss, gradient, update of the weights; report every step's loss
  throw new Error("not implemented: the steps: loss, gradient, update of the weights; report every step's loss");
}

// ---------------------------------------------------------------------------
// 4. Evaluate: R² on held-out data
// ---------------------------------------------------------------------------

/** The fraction of the variance of y that the predictions explain: 1 - SS_residual / SS_total. */
export function rSquared(y: tf.Tensor2D, predictions: tf.Tensor2D): number {
  // TODO: R² of the predictions
  throw new Error("not implemented: R² of the predictions");
}

// ---------------------------------------------------------------------------
// Run it all: npm run train -- 01-linear-regression --variant solutions
// ---------------------------------------------------------------------------

const row = (values: ArrayLike<number>) => Array.from(values, (value) => value.toFixed(4).padStart(9)).join(' ');

export async function main(args: string[], report: Report): Promise<void> {
  const { values } = parseArgs({ args, options: { seed: { type: 'string', default: '0' } } });
  const seed = Number(values.seed);
  seedEverything(seed);

  // Synthetic data: both estimates should land near the parameters that made it.
  const trueWeights = [2, -3, 0.5];
  const trueBias = 1.5;
  const synthetic = makeSyntheticData(500, trueWeights, trueBias, 0.3, seed);
  const X = addBiasColumn(synthetic.x);
  const closedForm = leastSquares(X, synthetic.y);
  const weights = initWeights(X.shape[1]);
  gradientDescent(weights, X, synthetic.y, { report });
  console.log('synthetic data     intercept, then one weight per feature');
  console.log(`  true parameters  ${row([trueBias, ...trueWeights])}`);
  console.log(`  least squares    ${row(closedForm.dataSync())}`);
  console.log(`  gradient descent ${row(weights.dataSync())}`);
  tf.dispose([synthetic.x, synthetic.y, X, closedForm, weights]);

  // The 1985 CPS wages: log(wage) against education and experience.
  const { train, test } = loadWages();
  const features = prepareFeatures(train.x, test.x);
  const exact = leastSquares(features.train, train.y);
  const learnt = initWeights(features.train.shape[1]);
  const losses: number[] = [];
  gradientDescent(learnt, features.train, train.y, {
    report: (loss) => {
      losses.push(loss);
      report(loss);
    },
  });
  console.log(`\nCPS 1985 wages: log(wage) on standardised ${WAGE_FEATURES.join(' and ')}, ${train.x.shape[0]} train, ${test.x.shape[0]} test`);
  console.log(`  least squares    ${row(exact.dataSync())}`);
  console.log(`  gradient descent ${row(learnt.dataSync())}`);
  const every = Math.ceil(losses.length / 60);
  console.log(`\ntraining loss (mean squared error), every ${every} steps:`);
  console.log(asciichart.plot(losses.filter((_, step) => step % every === 0), { height: 10, format: (x: number) => x.toFixed(2).padStart(6) }));
  for (const [name, w] of [['least squares', exact], ['gradient descent', learnt]] as const) {
    const predictions = features.test.matMul(w) as tf.Tensor2D;
    console.log(`R² on the test set, ${name}: ${rSquared(test.y, predictions).toFixed(4)}`);
    predictions.dispose();
  }
}
