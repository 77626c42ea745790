// Planted bugs of lesson 1: the mistakes people make when they fit a linear
// model by hand, in closed form and by gradient descent.
import type { BugInput } from '../../catalog.ts';

const lesson = '01-linear-regression';
const file = 'linear-regression.ts';

export default [
  {
    id: 'linreg-gradient-sign-flipped',
    lesson,
    file,
    title: 'gradient with its sign flipped',
    category: 'training/optimiser',
    symptom: 'The loss grows at every step and the weights run off to infinity.',
    catches: ['gradient-formula', 'loss-never-rises', 'converges-to-closed-form', 'loss-curve'],
    hint: 'Take one step by hand on one example with w = 0. Does the prediction move towards y or away from it?',
    patch: { find: 'const residual = X.matMul(w).sub(y);', replace: 'const residual = y.sub(X.matMul(w));' },
  },
  {
    id: 'linreg-gradient-summed',
    lesson,
    file,
    title: 'gradient of the summed, not the mean, squared error',
    category: 'training/hyperparameters',
    symptom: 'With 400 examples the steps are 400 times too long: the loss explodes to Infinity and then NaN.',
    catches: ['gradient-formula', 'loss-never-rises', 'converges-to-closed-form', 'loss-curve', 'held-out-r2'],
    hint: 'Does the size of your gradient grow with the number of examples? Should the right learning rate depend on how much data you have?',
    patch: { find: '.mul(2 / count)', replace: '.mul(2)' },
  },
  {
    id: 'linreg-no-bias-column',
    lesson,
    file,
    title: 'design matrix without its column of ones',
    category: 'model/layers',
    symptom: 'The fitted line must pass through the origin: the loss stalls near 4.3 and R² is far below zero.',
    catches: ['bias-column', 'loss-curve', 'held-out-r2'],
    hint: 'Which entry of w is the intercept? What does the model predict when every standardised feature is 0?',
    patch: {
      find: 'return tf.tidy(() => tf.concat([tf.ones([x.shape[0], 1]), x], 1) as tf.Tensor2D);',
      replace: 'return tf.tidy(() => x.clone());',
    },
  },
  {
    id: 'linreg-not-standardised',
    lesson,
    file,
    title: 'features not standardised, learning rate tuned for standardised ones',
    category: 'training/preprocessing',
    symptom: 'Years of education and experience go in as they are; the loss explodes within a few steps.',
    catches: ['loss-never-rises', 'converges-to-closed-form', 'loss-curve', 'held-out-r2'],
    hint: 'Print the largest value of each column of the design matrix that gradient descent sees. What was the learning rate chosen for?',
    patch: {
      find: '  const scaled = standardize(train, test);\n',
      replace: '  const scaled = { train: train.clone(), test: test.clone() };\n',
    },
  },
  {
    id: 'linreg-update-on-a-copy',
    lesson,
    file,
    title: 'update assigned to a local copy, not the weights',
    category: 'training/process',
    symptom: 'The loss is the same number at every step and w stays 0.',
    catches: ['converges-to-closed-form', 'weights-updated', 'loss-curve', 'held-out-r2'],
    hint: 'After one step, print the weights variable itself. Which object did the new values go into?',
    patch: {
      find: '      weights.assign(weights.sub(gradient.mul(settings.learningRate)));',
      replace: '      let current: tf.Tensor = weights;\n      current = current.sub(gradient.mul(settings.learningRate));',
    },
  },
  {
    id: 'linreg-test-scaled-by-itself',
    lesson,
    file,
    title: 'test set standardised with its own statistics',
    category: 'training/preprocessing',
    symptom: 'Nothing looks wrong in training; the test set has been peeked at, and shifted differently from the training set.',
    catches: ['standardize'],
    hint: 'Which data set’s mean is subtracted from the test examples? Could you compute it for one new example arriving alone?',
    patch: {
      find: 'test: test.sub(mean).div(std) as tf.Tensor2D };',
      replace: 'test: test.sub(tf.moments(test, 0).mean).div(tf.moments(test, 0).variance.sqrt()) as tf.Tensor2D };',
    },
  },
  {
    id: 'linreg-back-substitution-top-down',
    lesson,
    file,
    title: 'back-substitution from the top row down',
    category: 'training/process',
    symptom: 'The closed-form w is far from the true parameters, although R is upper triangular.',
    catches: ['least-squares'],
    hint: 'In R w = Qᵀy, which unknown can you find first, with nothing else known yet?',
    patch: { find: 'for (let i = columns - 1; i >= 0; i--) {', replace: 'for (let i = 0; i < columns; i++) {' },
  },
  {
    id: 'linreg-no-pivot-check',
    lesson,
    file,
    title: 'no check for a (nearly) zero pivot',
    category: 'training/process',
    symptom: 'On collinear features the closed-form w holds huge numbers or Infinity instead of a clear error.',
    catches: ['least-squares-collinear'],
    hint: 'What number do you divide by in back-substitution, and how small can it get when two features carry the same information?',
    patch: { find: 'if (!(Math.abs(pivot) > 1e-5 * largest)) {', replace: 'if (pivot === 0 && largest === 0) {' },
  },
] satisfies BugInput[];
