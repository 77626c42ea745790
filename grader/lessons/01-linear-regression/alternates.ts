// Correct alternatives to lesson 1's solution: the same maths written another way.
// Each must get full marks on every seed (`npm run mutants -- --alternates`).
import type { AlternateInput } from '../../catalog.ts';

const lesson = '01-linear-regression';
const file = 'linear-regression.ts';

export default [
  {
    id: 'linreg-standardize-by-hand',
    lesson,
    file,
    title: 'mean and standard deviation written out',
    why: 'mean(0) and the root of the mean squared deviation are what tf.moments computes (the population variance).',
    patch: {
      find: `    const { mean, variance } = tf.moments(train, 0);
    const std = variance.sqrt();`,
      replace: `    const mean = train.mean(0);
    const std = train.sub(mean).square().mean(0).sqrt();`,
    },
  },
  {
    id: 'linreg-bias-column-by-pad',
    lesson,
    file,
    title: 'column of ones by tf.pad',
    why: 'Padding one column of 1s on the left of x is the same matrix as concatenating ones in front.',
    patch: {
      find: 'return tf.tidy(() => tf.concat([tf.ones([x.shape[0], 1]), x], 1) as tf.Tensor2D);',
      replace: 'return tf.pad(x, [[0, 0], [1, 0]], 1) as tf.Tensor2D;',
    },
  },
  {
    id: 'linreg-mse-from-tf-losses',
    lesson,
    file,
    title: 'loss with tf.losses.meanSquaredError',
    why: "tfjs's mean squared error of the predictions against y is the same mean of squared residuals.",
    patch: {
      find: 'return tf.tidy(() => X.matMul(w).sub(y).square().mean() as tf.Scalar);',
      replace: 'return tf.tidy(() => tf.losses.meanSquaredError(y, X.matMul(w)) as tf.Scalar);',
    },
  },
  {
    id: 'linreg-gradient-as-mean',
    lesson,
    file,
    title: 'gradient written as 2 times a mean',
    why: '2/n Xᵀr is twice the mean over examples of each example’s x times its residual.',
    patch: {
      find: 'return X.transpose().matMul(residual).mul(2 / count) as tf.Tensor2D;',
      replace: 'return X.mul(residual).mean(0).reshape([-1, 1]).mul(2) as tf.Tensor2D;',
    },
  },
  {
    id: 'linreg-step-with-sgd-optimizer',
    lesson,
    file,
    title: 'update applied by tf.train.sgd',
    why: 'Plain SGD subtracts learning rate times the gradient, the same update; the gradient is still the hand-derived one.',
    patch: {
      find: `  for (let step = 0; step < settings.steps; step++) {
    const loss = tf.tidy(() => {
      const value = mseLoss(X, y, weights as tf.Tensor2D);
      const gradient = mseGradient(X, y, weights as tf.Tensor2D);
      weights.assign(weights.sub(gradient.mul(settings.learningRate)));
      return value;
    });`,
      replace: `  const optimizer = tf.train.sgd(settings.learningRate);
  for (let step = 0; step < settings.steps; step++) {
    const loss = tf.tidy(() => {
      const value = mseLoss(X, y, weights as tf.Tensor2D);
      optimizer.applyGradients([{ name: weights.name, tensor: mseGradient(X, y, weights as tf.Tensor2D) }]);
      return value;
    });`,
    },
  },
  {
    id: 'linreg-r-squared-from-variance',
    lesson,
    file,
    title: 'R² as 1 - MSE / variance',
    why: 'Dividing both sums by the number of examples leaves their ratio unchanged.',
    patch: {
      find: `    const residual = y.sub(predictions).square().sum();
    const total = y.sub(y.mean()).square().sum();`,
      replace: `    const residual = tf.losses.meanSquaredError(y, predictions);
    const total = tf.moments(y).variance;`,
    },
  },
] satisfies AlternateInput[];
