// Planted bugs of lesson 4: the mistakes people make when they write a
// softmax cross-entropy and its back propagation by hand.
import type { BugInput } from '../../catalog.ts';

const lesson = '04-backprop';
const file = 'backprop.ts';

export default [
  {
    id: 'backprop-softmax-without-max',
    lesson,
    file,
    title: 'softmax without subtracting the largest logit',
    category: 'training/loss-function',
    symptom: 'Training looks fine, but the loss is NaN as soon as a logit grows beyond about 88.',
    catches: ['cross-entropy-stable'],
    hint: 'What is Math.fround(Math.exp(100))? Which number can you subtract from every logit of a row without changing its softmax?',
    patch: {
      find: 'const max = logits.max(1, true);\n    const shifted = logits.sub(max);',
      replace: 'const shifted = logits;',
    },
  },
  {
    id: 'backprop-loss-summed',
    lesson,
    file,
    title: 'cross-entropy summed over the batch',
    category: 'training/loss-function',
    symptom: 'The reported loss starts near 74 for a batch of 32, not near 2.3.',
    catches: ['cross-entropy', 'initial-loss'],
    hint: 'Does the loss of a batch of 64 images come out twice as large as that of 32? Should it?',
    patch: { find: '.sum(1).neg().mean() as tf.Scalar', replace: '.sum().neg() as tf.Scalar' },
  },
  {
    id: 'backprop-no-relu',
    lesson,
    file,
    title: 'hidden layer without its ReLU',
    category: 'model/activation-function',
    symptom: 'The network is a linear model: it trains, but its gradients disagree with autodiff and it tops out lower.',
    catches: ['forward-pass', 'gradient-check'],
    hint: 'Print the smallest value of h1. Can the output of a ReLU be negative?',
    patch: { find: 'const h1 = tf.relu(z1);', replace: 'const h1 = z1;' },
  },
  {
    id: 'backprop-bias-gradient-not-summed',
    lesson,
    file,
    title: 'bias gradient not summed over the batch',
    category: 'tensors-and-inputs/wrong-tensor-shape',
    symptom: 'The first training step fails: the new value of b1 does not have b1’s shape.',
    catches: ['gradient-check', 'sgd-step', 'training-curve'],
    hint: 'Print the shape of each gradient next to the shape of its parameter. The same b1 is added to every example of the batch.',
    patch: { find: 'const dB1 = dZ1.sum(0);', replace: 'const dB1 = dZ1;' },
  },
  {
    id: 'backprop-relu-mask-from-gradient',
    lesson,
    file,
    title: 'ReLU derivative taken at the gradient, not at the layer’s input',
    category: 'training/process',
    symptom: 'The loss falls more slowly than with autodiff; the first layer’s gradients are wrong while the second layer’s are right.',
    catches: ['gradient-check', 'sgd-step', 'training-curve'],
    hint: 'The derivative of relu(z) is 1 where z > 0. Which tensor is z here?',
    patch: { find: 'const dZ1 = dH1.mul(tf.step(z1));', replace: 'const dZ1 = dH1.mul(tf.step(dH1));' },
  },
  {
    id: 'backprop-weight-gradient-transposed',
    lesson,
    file,
    title: 'transposed gradient of the second weight matrix',
    category: 'tensors-and-inputs/wrong-tensor-shape',
    symptom: 'The first training step fails: the gradient of w2 is [10, 128] while w2 is [128, 10].',
    catches: ['gradient-check', 'sgd-step', 'training-curve'],
    hint: 'Write the shape under every factor of the matrix product: which order gives [hidden, classes]?',
    patch: { find: 'const dW2 = tf.matMul(h1, dLogits, true, false);', replace: 'const dW2 = tf.matMul(dLogits, h1, true, false);' },
  },
  {
    id: 'backprop-batch-mean-twice',
    lesson,
    file,
    title: 'the 1/batch factor applied twice',
    category: 'training/process',
    symptom: 'The first layer hardly learns: its gradient is 32 times smaller than autodiff’s.',
    catches: ['gradient-check', 'sgd-step', 'training-curve'],
    hint: 'Follow the 1/batch of the mean loss down the chain rule: how many times does it appear in the gradient of w1?',
    patch: {
      find: 'const dW1 = tf.matMul(x, dZ1, true, false);',
      replace: 'const dW1 = tf.matMul(x, dZ1, true, false).div(batchSize);',
    },
  },
  {
    id: 'backprop-step-uphill',
    lesson,
    file,
    title: 'gradient step in the wrong direction',
    category: 'training/optimiser',
    symptom: 'The loss rises from the first steps on.',
    catches: ['sgd-step', 'training-curve', 'accuracy'],
    hint: 'The gradient points to where the loss grows fastest. Which way should the parameters go?',
    patch: { find: 'params[name].sub(grads[name].mul(learningRate))', replace: 'params[name].add(grads[name].mul(learningRate))' },
  },
  {
    id: 'backprop-first-layer-uniform',
    lesson,
    file,
    title: 'first weights drawn with tf.randomUniform’s default range [0, 1)',
    category: 'model/type-and-properties',
    symptom: 'Every first-layer weight is positive and about 0.5: the hidden activations are in the hundreds, and the loss leaps to hundreds of times its start.',
    catches: ['loss-peak'],
    hint: 'What range does tf.randomUniform draw from when you give it only a shape, and how large is a sum of 784 pixels times such weights?',
    patch: {
      find: 'w1: tf.variable(tf.randomNormal([inputs, hidden], 0, Math.sqrt(2 / inputs))),',
      replace: 'w1: tf.variable(tf.randomUniform([inputs, hidden])),',
    },
  },
  {
    id: 'backprop-step-leaks-tensors',
    lesson,
    file,
    title: 'training step not wrapped in tf.tidy',
    category: 'resources',
    symptom: 'Training gives the right numbers, but tf.memory().numTensors grows by a dozen tensors every step.',
    catches: ['no-leaks'],
    hint: 'Every tf operation makes a new tensor. Which of those made by one step are still alive after it?',
    patch: {
      find:
        '  return tf.tidy(() => {\n' +
        '    const activations = forward(params, x);\n' +
        '    const loss = crossEntropy(activations.logits, labels);\n' +
        '    sgdStep(params, backward(params, activations, labels), learningRate);\n' +
        '    return loss;\n' +
        '  });',
      replace:
        '  const activations = forward(params, x);\n' +
        '  const loss = crossEntropy(activations.logits, labels);\n' +
        '  sgdStep(params, backward(params, activations, labels), learningRate);\n' +
        '  return loss;',
    },
  },
  {
    id: 'backprop-learning-rate-too-small',
    lesson,
    file,
    title: 'learning rate 0.01 instead of the README’s 0.1',
    category: 'training/hyperparameters',
    symptom: 'The loss falls, but slowly: after 3 epochs accuracy is well below the reference’s.',
    catches: ['learning-rate'],
    hint: 'Compare every hyperparameter with the README. What does a step ten times shorter do to 3 epochs of training?',
    patch: { find: 'learningRate: 0.1,', replace: 'learningRate: 0.01,' },
  },
] satisfies BugInput[];
