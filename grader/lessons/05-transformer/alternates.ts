// Correct alternatives to lesson 5's solution: the same maths written another way.
// Each must get full marks on every seed (`npm run mutants -- --alternates`).
import type { AlternateInput } from '../../catalog.ts';

const lesson = '05-transformer';
const file = 'transformer.ts';
const fineTuneFile = 'fine-tune.ts';

/** The end of loadPretrained with a head copied from a fresh tf.layers.dense made with `options`. */
const headFromDenseLayer = (options: string) => `  const dense = tf.layers.dense(${options});
  // Applying the layer once builds its kernel and bias.
  tf.tidy(() => dense.apply(tf.zeros([1, checkpoint.config.dModel])));
  const [kernel, bias] = dense.getWeights();
  tf.dispose([model.head.w, model.head.b]);
  model.head = { w: tf.variable(kernel!), b: tf.variable(bias!) };
  dense.dispose();
  return model;
}`;

export default [
  {
    id: 'transformer-scale-queries-first',
    lesson,
    file,
    title: 'queries scaled before the product',
    why: '(q / sqrt(dk)) kᵀ = (q kᵀ) / sqrt(dk).',
    patch: {
      find: 'const scores = tf.matMul(q, k, false, true).div(Math.sqrt(dk));',
      replace: 'const scores = tf.matMul(q.mul(1 / Math.sqrt(dk)), k.transpose([0, 1, 3, 2]));',
    },
  },
  {
    id: 'transformer-mask-with-where',
    lesson,
    file,
    title: 'padding masked with tf.where',
    why: 'Replacing padded keys’ scores by a large negative number gives them the same zero weight as adding it.',
    patch: {
      find: `  const blocked = tf.sub(1, keyMask.reshape([batch, 1, 1, length])).mul(-1e9);
  const weights = tf.softmax(scores.add(blocked)) as tf.Tensor4D;`,
      replace: `  const keep = keyMask.reshape([batch, 1, 1, length]).greater(0).tile([1, scores.shape[1], scores.shape[2], 1]);
  const weights = tf.softmax(tf.where(keep, scores, tf.fill(scores.shape, -1e9))) as tf.Tensor4D;`,
    },
  },
  {
    id: 'transformer-layer-norm-by-hand',
    lesson,
    file,
    title: 'layer norm with mean and variance written out',
    why: 'The mean and the mean squared deviation over the last axis are what tf.moments returns.',
    patch: {
      find: `  const { mean, variance } = tf.moments(x, -1, true);`,
      replace: `  const mean = x.mean(-1, true);
  const variance = x.sub(mean).square().mean(-1, true);`,
    },
  },
  {
    id: 'transformer-pool-by-sum',
    lesson,
    file,
    title: 'mean pooling as a mask-times-x product over a count',
    why: 'The mask row times x sums the real tokens’ vectors; divided by their number it is their mean.',
    patch: {
      find: `  const weights = keyMask.expandDims(2);
  return x.mul(weights).sum(1).div(weights.sum(1)) as tf.Tensor2D;`,
      replace: `  const counts = keyMask.sum(1, true);
  return tf.matMul(keyMask.expandDims(1), x).squeeze([1]).div(counts) as tf.Tensor2D;`,
    },
  },
  {
    id: 'transformer-hand-cross-entropy',
    lesson,
    file,
    title: 'cross-entropy with logSoftmax',
    why: 'The mean of -log softmax(logits)[label] is the softmax cross-entropy.',
    patch: {
      find: 'return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]), logits) as tf.Scalar;',
      replace: 'return tf.tidy(() => tf.logSoftmax(logits).mul(tf.oneHot(labels, logits.shape[1])).sum(1).mean().neg() as tf.Scalar);',
    },
  },
  {
    id: 'transformer-optimizer-minimize',
    lesson,
    file,
    title: 'optimizer.minimize instead of variableGrads',
    why: 'minimize takes the gradients of the returned loss and applies them: the same step.',
    patch: {
      find: `      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => lossFunction(classify(model, ids), labels),
          weights,
        );
        optimizer.applyGradients(grads);
        return value;
      });`,
      replace: `      const loss = optimizer.minimize(() => lossFunction(classify(model, ids), labels), true, weights)!;`,
    },
  },
  // Part 2, fine-tuning.
  {
    id: 'fine-tune-mean-pooling',
    lesson,
    file: fineTuneFile,
    title: 'head on the mean over real tokens instead of [CLS]',
    why: 'The README allows the pooled output; the mean over the unpadded positions ignores padding as [CLS] does.',
    patch: {
      find: `  const cls = encoded.slice([0, 0, 0], [batch, 1, dModel]).reshape([batch, dModel]);
  return linear(cls, model.head) as tf.Tensor2D;`,
      replace: `  const weights = mask.expandDims(2);
  const pooled = encoded.mul(weights).sum(1).div(weights.sum(1)).reshape([batch, dModel]);
  return linear(pooled, model.head) as tf.Tensor2D;`,
    },
  },
  {
    id: 'fine-tune-longer-warm-up',
    lesson,
    file: fineTuneFile,
    title: 'a warm-up of 10 steps instead of 5',
    why: 'The warm-up length is the student’s choice; the schedule must follow whichever plan the hyperparameters set.',
    patch: { find: '  warmupSteps: 5,', replace: '  warmupSteps: 10,' },
  },
  {
    id: 'fine-tune-head-from-variables',
    lesson,
    file: fineTuneFile,
    title: 'a new head of tf.variables made by the student',
    why: 'Any small random head on the [CLS] vector works (std 0.02, as BERT’s); fine-tuning trains it with the body.',
    patch: {
      find: '  return model;\n}',
      replace: `  tf.dispose([model.head.w, model.head.b]);
  model.head = {
    w: tf.variable(tf.randomNormal([checkpoint.config.dModel, numClasses], 0, 0.02)),
    b: tf.variable(tf.zeros([numClasses])),
  };
  return model;
}`,
    },
  },
  {
    id: 'fine-tune-head-from-layers',
    lesson,
    file: fineTuneFile,
    title: 'a new head initialised by a tf.layers.dense layer',
    why: 'A dense layer’s fresh kernel (small, std 0.02, as BERT’s) and bias are a head like any other; copied into variables, AdamW trains them.',
    patch: {
      find: '  return model;\n}',
      replace: headFromDenseLayer('{ units: numClasses, kernelInitializer: tf.initializers.randomNormal({ stddev: 0.02 }) }'),
    },
  },
  {
    id: 'fine-tune-head-glorot',
    lesson,
    file: fineTuneFile,
    title: 'a new head from tf.layers.dense with its default (Glorot-uniform) kernel',
    why: 'The head’s initialiser is the student’s choice: tf.layers.dense’s default is as sound as BERT’s small normal; fine-tuning trains the head with the body.',
    patch: {
      find: '  return model;\n}',
      replace: headFromDenseLayer('{ units: numClasses }'),
    },
  },
  {
    id: 'fine-tune-head-he-normal',
    lesson,
    file: fineTuneFile,
    title: 'a new head of tf.variables, He-normal initialised',
    why: 'He initialisation (standard deviation sqrt(2 / fan-in)) is a textbook initialiser; the head’s initialiser is a free choice.',
    patch: {
      find: '  return model;\n}',
      replace: `  tf.dispose([model.head.w, model.head.b]);
  model.head = {
    w: tf.variable(tf.initializers.heNormal({}).apply([checkpoint.config.dModel, numClasses]) as tf.Tensor2D),
    b: tf.variable(tf.zeros([numClasses])),
  };
  return model;
}`,
    },
  },
  {
    id: 'fine-tune-no-warm-up',
    lesson,
    file: fineTuneFile,
    title: 'no warm-up: linear decay from the first step',
    why: 'The warm-up is optional in the Hugging Face chapter and its length is the student’s choice; 0 steps is a plan the schedule must follow too.',
    patch: { find: '  warmupSteps: 5,', replace: '  warmupSteps: 0,' },
  },
] satisfies AlternateInput[];
