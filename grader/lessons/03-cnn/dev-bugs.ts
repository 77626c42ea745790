// The development set of lesson 3: unseen bugs, written as students make
// them, to tune the diagnosis on (with the catalog) while the frozen set stays
// unseen. Never planted into bugs/; `npm run mutants -- --set dev` grades them.
import type { BugInput } from '../../catalog.ts';

const lesson = '03-cnn';
const file = 'cnn.ts';

export default [
  {
    id: 'dev-cnn-sigmoid-hidden-layers',
    lesson,
    file,
    title: 'sigmoid instead of ReLU in the dense layers',
    category: 'model/activation-function',
    symptom: 'The loss falls far more slowly than the reference; the deep layers learn little in two epochs.',
    catches: ['loss-curve'],
    hint: 'Which activation does the README give the dense layers?',
    patch: {
      find: "tf.layers.dense({ units: 120, activation: 'relu' }),\n      tf.layers.dense({ units: 84, activation: 'relu' }),",
      replace: "tf.layers.dense({ units: 120, activation: 'sigmoid' }),\n      tf.layers.dense({ units: 84, activation: 'sigmoid' }),",
    },
  },
  {
    id: 'dev-cnn-relu-on-logits',
    lesson,
    file,
    title: 'ReLU on the last layer',
    category: 'model/activation-function',
    symptom: 'Negative scores are cut to 0, so many classes tie; training is slower and some units never recover.',
    catches: ['loss-curve'],
    hint: 'What range can the scores of the last layer take, and what range does the loss expect?',
    patch: { find: 'tf.layers.dense({ units: numClasses }),', replace: "tf.layers.dense({ units: numClasses, activation: 'relu' })," },
  },
  {
    id: 'dev-cnn-loss-summed',
    lesson,
    file,
    title: 'loss summed over the batch',
    category: 'training/loss-function',
    symptom: 'The first loss is about 32 times ln(10); the steps are 32 times too large.',
    catches: ['initial-loss'],
    hint: 'Is the number you report the loss of one example on average, or of the whole batch?',
    patch: {
      find: 'tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numClasses), logits) as tf.Scalar;',
      replace: 'tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numClasses), logits, undefined, undefined, tf.Reduction.SUM) as tf.Scalar;',
    },
  },
  {
    id: 'dev-cnn-labels-as-floats',
    lesson,
    file,
    title: 'labels made float32',
    category: 'tensors-and-inputs/wrong-input',
    symptom: 'tf.oneHot refuses the labels: they must be int32.',
    catches: ['loss-curve'],
    hint: 'What type does tf.oneHot need its indices to have?',
    patch: { find: "const labels = tf.tensor1d(set.labels, 'int32');", replace: "const labels = tf.tensor1d(set.labels, 'float32');" },
  },
  {
    id: 'dev-cnn-optimizer-per-step',
    lesson,
    file,
    title: 'a new optimizer for every batch',
    category: 'training/process',
    symptom: 'Momentum never builds up: each step starts from a fresh optimizer, and each leaves its tensors behind.',
    catches: ['no-leaks'],
    hint: 'How many optimizer objects does one training run make?',
    patch: {
      find: '      optimizer.applyGradients(grads);\n      return value;\n    });\n    const lossValue',
      replace: '      createOptimizer(options.hyperparameters ?? hyperparameters).applyGradients(grads);\n      return value;\n    });\n    const lossValue',
    },
  },
  {
    id: 'dev-cnn-loss-tensor-leaked',
    lesson,
    file,
    title: 'the loss tensor never disposed',
    category: 'resources',
    symptom: 'One tensor is left behind every step.',
    catches: ['no-leaks'],
    hint: 'Which tensors made in the loop outlive it?',
    patch: { find: 'tf.dispose([images, labels, loss]);', replace: 'tf.dispose([images, labels]);' },
  },
  {
    id: 'dev-cnn-pixels-only-to-unit-range',
    lesson,
    file,
    title: 'pixels scaled to [0, 1] only',
    category: 'training/preprocessing',
    symptom: 'Inputs lie in [0, 1], not [-1, 1] as the README asks.',
    catches: ['data-preparation'],
    hint: 'Print the smallest and largest input value.',
    patch: { find: 'channelsLast.div(255).sub(0.5).div(0.5) as tf.Tensor4D;', replace: 'channelsLast.div(255) as tf.Tensor4D;' },
  },
  {
    id: 'dev-cnn-one-pooling-layer',
    lesson,
    file,
    title: 'second pooling layer left out',
    category: 'model/layers',
    symptom: 'The flattened features are four times as many as LeNet’s; the first dense layer is much larger.',
    catches: ['architecture'],
    hint: 'Count the pooling layers in the README’s description of LeNet.',
    patch: {
      find: "tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),\n      tf.layers.maxPooling2d({ poolSize: 2 }),",
      replace: "tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),",
    },
  },
  {
    id: 'dev-cnn-images-shuffled-apart-from-labels',
    lesson,
    file,
    title: 'images shuffled without their labels',
    category: 'training/data-quality',
    symptom: 'Each image is trained with another image’s label: the loss stays near ln(10) and accuracy near chance.',
    catches: ['loss-curve', 'accuracy'],
    hint: 'After your own shuffling, does every image still have its own label?',
    patch: {
      find: '  const loader = new DataLoader([data.images, data.labels], {',
      replace:
        '  const order = Array.from(tf.util.createShuffledIndices(data.labels.shape[0]));\n' +
        '  const shuffledImages = tf.gather(data.images, order);\n' +
        '  const loader = new DataLoader([shuffledImages, data.labels], {',
    },
  },
  {
    id: 'dev-cnn-evaluate-wrong-axis',
    lesson,
    file,
    title: 'argMax over the batch axis in evaluate',
    category: 'training/validation-testing',
    symptom: 'evaluate compares one class per score column with the labels, and fails or gives nonsense.',
    catches: ['evaluation-agrees'],
    hint: 'Along which axis of the [images, classes] logits lies one image’s scores?',
    patch: { find: 'const predicted = logits.argMax(1);', replace: 'const predicted = logits.argMax(0);' },
  },
] satisfies BugInput[];
