// Correct alternatives to lesson 3's solution: choices the README leaves free.
// Each must get full marks on every seed (`npm run mutants -- --alternates`).
// The last entries depart from a prescription: only that prescription's check may fail.
import type { AlternateInput } from '../../catalog.ts';

const lesson = '03-cnn';
const file = 'cnn.ts';

const LENET = `  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape, filters: 6, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'relu' }),
      tf.layers.dense({ units: 84, activation: 'relu' }),
      tf.layers.dense({ units: numClasses }),
    ],
  });`;

/** LeNet with every weighted layer given the same extra settings. */
const lenetWith = (extra: string) => LENET.replace(/(activation: 'relu'|units: numClasses) \}\)/g, `$1, ${extra} })`);

const STEP = `    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => lossFunction(model.apply(images, { training: true }) as tf.Tensor2D, labels),
        parameters,
      );
      optimizer.applyGradients(grads);
      return value;
    });`;

export default [
  {
    id: 'cnn-he-normal',
    lesson,
    file,
    title: 'He-normal initialisers',
    why: 'He initialisation is the textbook choice for ReLU networks; the README leaves initialisers free. It starts at a higher loss (about 2.7), which is still the cross-entropy of the untrained model.',
    patch: { find: LENET, replace: lenetWith("kernelInitializer: 'heNormal'") },
  },
  {
    id: 'cnn-he-uniform',
    lesson,
    file,
    title: 'He-uniform initialisers',
    why: 'Another standard initialiser for ReLU networks; its first loss on these images is 2.6 to 4.6.',
    patch: { find: LENET, replace: lenetWith("kernelInitializer: 'heUniform'") },
  },
  {
    id: 'cnn-lecun-normal-zero-bias',
    lesson,
    file,
    title: 'LeCun-normal kernels, explicit zero biases',
    why: 'LeCun initialisation and zero biases are standard; tfjs already starts biases at zero.',
    patch: { find: LENET, replace: lenetWith("kernelInitializer: 'leCunNormal', biasInitializer: 'zeros'") },
  },
  {
    id: 'cnn-functional-api',
    lesson,
    file,
    title: 'functional API (tf.model)',
    why: 'The same layers connected with tf.input and apply make the same network; createModel may return any LayersModel.',
    patch: {
      find: `export function createModel(inputShape: [number, number, number], numClasses: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape, filters: 6, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'relu' }),
      tf.layers.dense({ units: 84, activation: 'relu' }),
      tf.layers.dense({ units: numClasses }),
    ],
  });`,
      replace: `export function createModel(inputShape: [number, number, number], numClasses: number): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  let x = tf.layers.conv2d({ filters: 6, kernelSize: 5, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 120, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 84, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: numClasses }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });`,
    },
  },
  {
    id: 'cnn-relu-layers',
    lesson,
    file,
    title: 'ReLU as separate layers',
    why: 'A layer without activation followed by tf.layers.reLU() computes the same function with the same weights.',
    patch: {
      find: LENET,
      replace: `  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape, filters: 6, kernelSize: 5 }),
      tf.layers.reLU(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5 }),
      tf.layers.reLU(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120 }),
      tf.layers.reLU(),
      tf.layers.dense({ units: 84 }),
      tf.layers.reLU(),
      tf.layers.dense({ units: numClasses }),
    ],
  });`,
    },
  },
  {
    id: 'cnn-scale-by-127',
    lesson,
    file,
    title: 'scaling written as x / 127.5 - 1',
    why: '(x / 255 - 0.5) / 0.5 and x / 127.5 - 1 are the same map from 0..255 to [-1, 1].',
    patch: {
      find: 'const images = channelsLast.div(255).sub(0.5).div(0.5) as tf.Tensor4D;',
      replace: 'const images = channelsLast.div(127.5).sub(1) as tf.Tensor4D;',
    },
  },
  {
    id: 'cnn-hand-cross-entropy',
    lesson,
    file,
    title: 'cross-entropy written with logSoftmax',
    why: 'The mean over the batch of -log softmax(logits)[label] is the softmax cross-entropy; logSoftmax keeps it stable.',
    patch: {
      find: `  const numClasses = logits.shape[1];
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numClasses), logits) as tf.Scalar;`,
      replace: `  return tf.tidy(() => {
    const logProbabilities = tf.logSoftmax(logits);
    const picked = logProbabilities.mul(tf.oneHot(labels, logits.shape[1])).sum(1);
    return picked.mean().neg() as tf.Scalar;
  });`,
    },
  },
  {
    id: 'cnn-optimizer-minimize',
    lesson,
    file,
    title: 'optimizer.minimize instead of variableGrads',
    why: 'minimize computes the gradients of the returned loss with respect to the trainable variables and applies them: the same step.',
    patch: {
      find: STEP,
      replace: `    const loss = optimizer.minimize(
      () => lossFunction(model.apply(images, { training: true }) as tf.Tensor2D, labels),
      true,
      parameters,
    )!;`,
    },
  },
  {
    id: 'cnn-momentum-class',
    lesson,
    file,
    title: 'new tf.MomentumOptimizer',
    why: 'The class behind tf.train.momentum, made directly, with the same settings.',
    patch: {
      find: 'return tf.train.momentum(settings.learningRate, settings.momentum);',
      replace: 'return new tf.MomentumOptimizer(settings.learningRate, settings.momentum);',
    },
  },
  {
    id: 'cnn-step-without-tidy',
    lesson,
    file,
    title: 'explicit dispose instead of tf.tidy',
    why: 'Disposing the gradients and the loss by hand frees the same tensors tf.tidy would; the forward pass runs inside variableGrads, which frees its intermediates.',
    patch: {
      find: STEP,
      replace: `    const { value: loss, grads } = tf.variableGrads(
      () => lossFunction(model.apply(images, { training: true }) as tf.Tensor2D, labels),
      parameters,
    );
    optimizer.applyGradients(grads);
    tf.dispose(grads);`,
    },
  },
  {
    id: 'cnn-forward-layer-by-layer',
    lesson,
    file,
    title: 'forward pass layer by layer',
    why: 'Applying each layer in turn to the batch is what model.apply does for a chain of layers (the fine-tuned model of part 2 is one too, after its input layer).',
    patch: {
      find: '() => lossFunction(model.apply(images, { training: true }) as tf.Tensor2D, labels),\n        parameters,',
      replace:
        `() => {
          const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
          const logits = layers.reduce((x, layer) => layer.apply(x, { training: true }) as tf.Tensor, images!);
          return lossFunction(logits as tf.Tensor2D, labels);
        },
        parameters,`,
    },
  },
  {
    id: 'cnn-loss-with-datasync',
    lesson,
    file,
    title: 'loss read with dataSync',
    why: 'dataSync and await data() read the same number; the step order is unchanged.',
    patch: { find: 'const lossValue = (await loss.data())[0]!;', replace: 'const lossValue = loss.dataSync()[0]!;' },
  },
  {
    id: 'cnn-evaluate-in-batches',
    lesson,
    file,
    title: 'evaluation in batches of 100',
    why: 'Counting correct predictions batch by batch and dividing by the total gives the same accuracy.',
    patch: {
      find: `  const accuracy = tf.tidy(() => {
    const logits = model.predict(data.images, { batchSize: 256 }) as tf.Tensor2D;
    const predicted = logits.argMax(1);
    return predicted.equal(data.labels).mean();
  });
  const value = (await accuracy.data())[0]!;
  accuracy.dispose();
  return value;`,
      replace: `  const count = data.labels.shape[0];
  let correct = 0;
  for (let start = 0; start < count; start += 100) {
    const size = Math.min(100, count - start);
    correct += tf.tidy(() => {
      const logits = model.predict(data.images.slice(start, size)) as tf.Tensor2D;
      return logits.argMax(1).equal(data.labels.slice(start, size)).sum().arraySync() as number;
    });
  }
  return correct / count;`,
    },
  },
  {
    id: 'cnn-adam-deviates',
    lesson,
    file,
    title: 'Adam instead of SGD with momentum (a deviation)',
    why: 'The README prescribes SGD with momentum 0.9 and learning rate 0.01; Adam trains too, but it is not what the lesson asks.',
    fails: ['optimizer'],
    patch: { find: 'return tf.train.momentum(settings.learningRate, settings.momentum);', replace: 'return tf.train.adam(0.001);' },
  },
  {
    id: 'cnn-batch-64-deviates',
    lesson,
    file,
    title: 'batch 64 instead of 32 (a deviation)',
    why: 'The README prescribes batches of 32.',
    fails: ['batch-size'],
    patch: { find: '  batchSize: 32,\n', replace: '  batchSize: 64,\n' },
  },
] satisfies AlternateInput[];
