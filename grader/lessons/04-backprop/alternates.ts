// Correct alternatives to lesson 4's solution: the same maths written another way.
// Each must get full marks on every seed (`npm run mutants -- --alternates`).
import type { AlternateInput } from '../../catalog.ts';

const lesson = '04-backprop';
const file = 'backprop.ts';

export default [
  {
    id: 'backprop-log-softmax-logsumexp',
    lesson,
    file,
    title: 'log-softmax with tf.logSumExp',
    why: 'tf.logSumExp subtracts the row maximum itself, so logits minus it are the stable log-softmax.',
    patch: {
      find: `    const max = logits.max(1, true);
    const shifted = logits.sub(max);
    return shifted.sub(shifted.exp().sum(1, true).log()) as tf.Tensor2D;`,
      replace: '    return logits.sub(tf.logSumExp(logits, 1, true)) as tf.Tensor2D;',
    },
  },
  {
    id: 'backprop-cross-entropy-gather',
    lesson,
    file,
    title: 'cross-entropy by picking the true class',
    why: 'Gathering each row’s log-probability of its label picks the same numbers the one-hot product sums.',
    patch: {
      find: `    const oneHot = tf.oneHot(labels, logits.shape[1]);
    return logSoftmax(logits).mul(oneHot).sum(1).neg().mean() as tf.Scalar;`,
      replace: `    const rows = logits.shape[0];
    const picked = tf.gather(logSoftmax(logits).reshape([-1]), tf.range(0, rows, 1, 'int32').mul(tf.scalar(logits.shape[1], 'int32')).add(labels.cast('int32')));
    return picked.mean().neg() as tf.Scalar;`,
    },
  },
  {
    id: 'backprop-probabilities-softmax',
    lesson,
    file,
    title: 'probabilities from tf.softmax in backward',
    why: 'exp(log-softmax) and softmax are the same probabilities.',
    patch: { find: 'const probabilities = logSoftmax(logits).exp();', replace: 'const probabilities = tf.softmax(logits);' },
  },
  {
    id: 'backprop-relu-mask-greater',
    lesson,
    file,
    title: 'ReLU derivative as z1 > 0',
    why: 'The ReLU passes the gradient where its input is positive: z1 > 0 cast to floats is tf.step(z1).',
    patch: { find: 'const dZ1 = dH1.mul(tf.step(z1));', replace: "const dZ1 = dH1.mul(z1.greater(0).cast('float32'));" },
  },
  {
    id: 'backprop-transpose-explicit',
    lesson,
    file,
    title: 'explicit transposes',
    why: 'matMul(a, b, true, false) is matMul(aᵀ, b); writing the transposes out changes nothing.',
    patch: {
      find: `  const dW2 = tf.matMul(h1, dLogits, true, false);
  const dB2 = dLogits.sum(0);
  const dH1 = tf.matMul(dLogits, params.w2, false, true);`,
      replace: `  const dW2 = h1.transpose().matMul(dLogits);
  const dB2 = dLogits.sum(0);
  const dH1 = dLogits.matMul(params.w2.transpose());`,
    },
  },
  {
    id: 'backprop-sgd-step-by-sub',
    lesson,
    file,
    title: 'update with tf.sub and a scaled gradient',
    why: 'w - lr g written with tf.sub and tf.mul is the same update.',
    patch: {
      find: 'for (const name of parameterNames) params[name].assign(params[name].sub(grads[name].mul(learningRate)));',
      replace: 'for (const name of parameterNames) params[name].assign(tf.sub(params[name], tf.mul(learningRate, grads[name])));',
    },
  },
  {
    id: 'backprop-mean-taken-last',
    lesson,
    file,
    title: 'gradients summed over the batch, divided by its size at the end',
    why: 'Every gradient is linear in dLogits, so dividing dLogits by the batch size or each summed gradient gives the same numbers, up to float32 rounding.',
    patch: {
      find: `  const dLogits = probabilities.sub(tf.oneHot(labels, logits.shape[1])).div(batchSize);
  const dW2 = tf.matMul(h1, dLogits, true, false);
  const dB2 = dLogits.sum(0);
  const dH1 = tf.matMul(dLogits, params.w2, false, true);
  const dZ1 = dH1.mul(tf.step(z1));
  const dW1 = tf.matMul(x, dZ1, true, false);
  const dB1 = dZ1.sum(0);
  return { w1: dW1, b1: dB1, w2: dW2, b2: dB2 };`,
      replace: `  const dLogits = probabilities.sub(tf.oneHot(labels, logits.shape[1]));
  const dW2 = tf.matMul(h1, dLogits, true, false);
  const dB2 = dLogits.sum(0);
  const dH1 = tf.matMul(dLogits, params.w2, false, true);
  const dZ1 = dH1.mul(tf.step(z1));
  const dW1 = tf.matMul(x, dZ1, true, false);
  const dB1 = dZ1.sum(0);
  const mean = (sum: tf.Tensor) => sum.div(batchSize);
  return { w1: mean(dW1), b1: mean(dB1), w2: mean(dW2), b2: mean(dB2) };`,
    },
  },
] satisfies AlternateInput[];
