// Planted bugs of lesson 2: the mistakes people make with a sigmoid, a binary
// cross-entropy and a decision threshold.
import type { BugInput } from '../../catalog.ts';

const lesson = '02-logistic-regression';
const file = 'logistic-regression.ts';

export default [
  {
    id: 'logreg-sigmoid-twice',
    lesson,
    file,
    title: 'sigmoid in the model and again inside the loss',
    category: 'model/activation-function',
    symptom: 'The loss starts near 0.72 and can never fall much below 0.5; every image is called a shirt.',
    catches: ['model-outputs-logits', 'loss-curve', 'accuracy'],
    hint: 'What range of values can the model output? What range does the loss assume its input has?',
    patch: {
      find: "tf.layers.dense({ inputShape: [inputs], units: 1, kernelInitializer: 'zeros' })",
      replace: "tf.layers.dense({ inputShape: [inputs], units: 1, kernelInitializer: 'zeros', activation: 'sigmoid' })",
    },
  },
  {
    id: 'logreg-labels-plus-minus-one',
    lesson,
    file,
    title: 'labels in {-1, 1} with a loss for {0, 1}',
    category: 'tensors-and-inputs/wrong-input',
    symptom: 'The loss goes below zero and keeps falling, with no floor.',
    catches: ['binary-labels', 'loss-curve'],
    hint: 'Binary cross-entropy reads y as the probability of the positive class. What probability is -1?',
    patch: {
      find: "const y = labels.equal(positive).cast('float32') as tf.Tensor2D;",
      replace: "const y = labels.equal(positive).cast('float32').mul(2).sub(1) as tf.Tensor2D;",
    },
  },
  {
    id: 'logreg-threshold-on-logits',
    lesson,
    file,
    title: 'threshold 0.5 applied to the logits',
    category: 'training/validation-testing',
    symptom: 'Training is fine, but examples with a probability between 0.5 and 0.62 are called negative.',
    catches: ['decision-threshold', 'evaluation-agrees'],
    hint: 'Is the number you compare with 0.5 a probability? What probability does a logit of 0.3 stand for?',
    patch: {
      find: 'predictProbabilities(model, x).greaterEqual(threshold)',
      replace: '(model.predict(x) as tf.Tensor2D).greaterEqual(threshold)',
    },
  },
  {
    id: 'logreg-log-of-sigmoid',
    lesson,
    file,
    title: 'loss written as log(sigmoid) that overflows',
    category: 'training/loss-function',
    symptom: 'Training looks normal, but the loss is Infinity or NaN as soon as one prediction is confidently wrong.',
    catches: ['bce-stable'],
    hint: 'Compute Math.fround(1 / (1 + Math.exp(-40))). What is the log of 1 minus that?',
    patch: {
      find:
        '    const softplusOfMinusAbs = tf.log1p(tf.exp(logits.abs().neg()));\n' +
        '    return tf.relu(logits).sub(logits.mul(labels)).add(softplusOfMinusAbs).mean() as tf.Scalar;',
      replace:
        '    const p = tf.sigmoid(logits);\n' +
        '    return labels.mul(p.log()).add(tf.sub(1, labels).mul(tf.sub(1, p).log())).neg().mean() as tf.Scalar;',
    },
  },
  {
    id: 'logreg-softmax-of-one-logit',
    lesson,
    file,
    title: 'softmax of a single logit as the probability',
    category: 'model/activation-function',
    symptom: 'Every probability is exactly 1, and every example is predicted positive.',
    catches: ['probabilities', 'decision-threshold', 'evaluation-agrees'],
    hint: 'What does a softmax over a row with one entry give, whatever that entry is?',
    patch: {
      find: 'return tf.tidy(() => tf.sigmoid(model.predict(x) as tf.Tensor2D));',
      replace: 'return tf.tidy(() => tf.softmax(model.predict(x) as tf.Tensor2D));',
    },
  },
  {
    id: 'logreg-no-shuffle',
    lesson,
    file,
    title: 'training data in class order, not shuffled',
    category: 'training/preprocessing',
    symptom: 'Each epoch shows all T-shirts, then all shirts: the loss saws up and down and the model leans to the class it saw last.',
    // Not loss-curve: within each class's run the batch loss sinks low, so where the loss ends says nothing; the test accuracy does.
    catches: ['accuracy'],
    hint: 'In which order are the training images stored, and in which order does the model see them?',
    patch: { find: 'shuffle: true,', replace: 'shuffle: false,' },
  },
  {
    id: 'logreg-loss-arguments-swapped',
    lesson,
    file,
    title: 'loss parameters in tf.losses’ order, labels first',
    category: 'training/loss-function',
    symptom: 'The loss falls below 0 and keeps falling, while accuracy stays poor.',
    catches: ['bce-loss', 'bce-stable'],
    hint: 'Who calls binaryCrossEntropy, and in which order do they pass the logits and the labels?',
    patch: {
      find: 'export function binaryCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor2D): tf.Scalar {',
      replace: 'export function binaryCrossEntropy(labels: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar {',
    },
  },
] satisfies BugInput[];
