// The development set of lesson 2: unseen bugs, written as students make
// them, to tune the diagnosis on (with the catalog) while the frozen set stays
// unseen. Never planted into bugs/; `npm run mutants -- --set dev` grades them.
import type { BugInput } from '../../catalog.ts';

const lesson = '02-logistic-regression';
const file = 'logistic-regression.ts';

export default [
  {
    id: 'dev-logreg-pixels-not-scaled',
    lesson,
    file,
    title: 'pixels left in 0..255',
    category: 'training/preprocessing',
    symptom: 'Logits reach hundreds after one step; the loss jumps around and ends high.',
    catches: ['loss-curve'],
    hint: 'What range do the pixel values have when they reach the model?',
    patch: { find: 'const x = raw.div(255) as tf.Tensor2D;', replace: 'const x = raw as tf.Tensor2D;' },
  },
  {
    id: 'dev-logreg-classes-swapped',
    lesson,
    file,
    title: 'label 1 given to the negative class',
    category: 'training/data-quality',
    symptom: 'The model learns T-shirt as the positive class: its labels mean the opposite of the README’s.',
    catches: ['binary-labels'],
    hint: 'Which class should get the label 1?',
    patch: { find: 'const y = labels.equal(positive).cast', replace: 'const y = labels.equal(negative).cast' },
  },
  {
    id: 'dev-logreg-learning-rate-five',
    lesson,
    file,
    title: 'learning rate 5',
    category: 'training/hyperparameters',
    symptom: 'Each step overshoots; the loss swings and ends above the reference.',
    catches: ['optimizer'],
    hint: 'Compare the learning rate with the README’s.',
    patch: { find: 'learningRate: 0.05,', replace: 'learningRate: 5,' },
  },
  {
    id: 'dev-logreg-loss-summed',
    lesson,
    file,
    title: 'binary cross-entropy summed over the batch',
    category: 'training/loss-function',
    symptom: 'The first loss is 32 times ln(2); the steps are 32 times too large.',
    catches: ['bce-loss'],
    hint: 'Is your loss the mean over the batch?',
    patch: { find: '.add(softplusOfMinusAbs).mean() as tf.Scalar;', replace: '.add(softplusOfMinusAbs).sum() as tf.Scalar;' },
  },
  {
    id: 'dev-logreg-relu-output',
    lesson,
    file,
    title: 'ReLU on the output unit',
    category: 'model/activation-function',
    symptom: 'The model cannot give a negative logit, so it cannot predict the negative class with confidence.',
    catches: ['model-outputs-logits'],
    hint: 'Which values can a logit take? Which can your model output?',
    patch: {
      find: "tf.layers.dense({ inputShape: [inputs], units: 1, kernelInitializer: 'zeros' })",
      replace: "tf.layers.dense({ inputShape: [inputs], units: 1, kernelInitializer: 'zeros', activation: 'relu' })",
    },
  },
  {
    id: 'dev-logreg-only-bias-trained',
    lesson,
    file,
    title: 'gradients taken for the bias only',
    category: 'training/optimiser',
    symptom: 'The weights never move; the model predicts one class for everything.',
    catches: ['weights-updated'],
    hint: 'Which variables do you differentiate the loss with respect to?',
    patch: {
      find: 'const parameters = model.trainableWeights.map((weight) => weight.read() as tf.Variable);',
      replace: 'const parameters = model.trainableWeights.slice(1).map((weight) => weight.read() as tf.Variable);',
    },
  },
  {
    id: 'dev-logreg-threshold-inverted',
    lesson,
    file,
    title: 'class 1 predicted below the threshold',
    category: 'training/validation-testing',
    symptom: 'Predictions are the opposite class: the measured accuracy is one minus the real one.',
    catches: ['decision-threshold'],
    hint: 'When the probability is high, which class should be predicted?',
    patch: { find: 'predictProbabilities(model, x).greaterEqual(threshold)', replace: 'predictProbabilities(model, x).less(threshold)' },
  },
  {
    id: 'dev-logreg-one-batch-per-epoch',
    lesson,
    file,
    title: 'only the first batch of each epoch trained',
    category: 'training/process',
    symptom: 'The loop stops after one batch per epoch: the model takes 5 steps in all.',
    catches: ['loss-curve'],
    hint: 'How many steps does one epoch take?',
    patch: {
      find: '      options.onStep?.(lossValue);\n      progress.step(lossValue);\n    }',
      replace: '      options.onStep?.(lossValue);\n      progress.step(lossValue);\n      break;\n    }',
    },
  },
] satisfies BugInput[];
