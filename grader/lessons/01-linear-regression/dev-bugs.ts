// The development set of lesson 1: unseen bugs, written as students make
// them, to tune the diagnosis on (with the catalog) while the frozen set stays
// unseen. Never planted into bugs/; `npm run mutants -- --set dev` grades them.
import type { BugInput } from '../../catalog.ts';

const lesson = '01-linear-regression';
const file = 'linear-regression.ts';

export default [
  {
    id: 'dev-linreg-divided-by-variance',
    lesson,
    file,
    title: 'features divided by the variance',
    category: 'training/preprocessing',
    symptom: 'Standardised features do not have standard deviation 1.',
    catches: ['standardize'],
    hint: 'Standardising divides by which statistic?',
    patch: { find: 'const std = variance.sqrt();', replace: 'const std = variance;' },
  },
  {
    id: 'dev-linreg-learning-rate-too-high',
    lesson,
    file,
    title: 'learning rate 1.5',
    category: 'training/hyperparameters',
    symptom: 'Each step overshoots the minimum by more than it gains: the loss grows.',
    catches: ['loss-never-rises'],
    hint: 'What happens to the loss after each step? Compare the learning rate with the README’s.',
    patch: { find: 'learningRate: 0.1,', replace: 'learningRate: 1.5,' },
  },
  {
    id: 'dev-linreg-gradient-without-transpose',
    lesson,
    file,
    title: 'residual times X, not Xᵀ times the residual',
    category: 'tensors-and-inputs/wrong-tensor-shape',
    symptom: 'The gradient’s matrix product has shapes that do not match.',
    catches: ['gradient-formula'],
    hint: 'Write down the shapes of X, the residual and the gradient.',
    patch: { find: 'return X.transpose().matMul(residual).mul(2 / count) as tf.Tensor2D;', replace: 'return residual.transpose().matMul(X).mul(2 / count) as tf.Tensor2D;' },
  },
  {
    id: 'dev-linreg-r2-total-without-mean',
    lesson,
    file,
    title: 'total sum of squares taken around 0',
    category: 'training/validation-testing',
    symptom: 'R² comes out close to 1 for any model on data far from 0.',
    catches: ['r-squared'],
    hint: 'Around which value does the total sum of squares measure the spread of y?',
    patch: { find: 'const total = y.sub(y.mean()).square().sum();', replace: 'const total = y.square().sum();' },
  },
] satisfies BugInput[];
