// The development set of lesson 5: unseen bugs, written as students make
// them, to tune the diagnosis on (with the catalog) while the frozen set stays
// unseen. Never planted into bugs/; `npm run mutants -- --set dev` grades them.
import type { BugInput } from '../../catalog.ts';

const lesson = '05-transformer';
const file = 'transformer.ts';

export default [
  {
    id: 'dev-transformer-feed-forward-linear',
    lesson,
    file,
    title: 'feed-forward layer without its ReLU',
    category: 'model/activation-function',
    symptom: 'The feed-forward sublayer is one linear map: the block computes less than it should.',
    catches: ['encoder-block-reference'],
    hint: 'What sits between the two linear layers of the feed-forward network?',
    patch: { find: 'linear(linear(x, weights.hidden).relu(), weights.output)', replace: 'linear(linear(x, weights.hidden), weights.output)' },
  },
  {
    id: 'dev-transformer-softmax-over-queries',
    lesson,
    file,
    title: 'attention softmax over the queries',
    category: 'model/layers',
    symptom: 'Each column of the attention weights sums to 1, not each row; padded keys are still blocked.',
    catches: ['attention-rows-sum-to-one'],
    hint: 'The scores are [batch, heads, queries, keys]. Over which axis must each query’s weights sum to 1?',
    patch: { find: 'tf.softmax(scores.add(blocked))', replace: 'tf.softmax(scores.add(blocked), 2)' },
  },
  {
    id: 'dev-transformer-learning-rate-high',
    lesson,
    file,
    title: 'Adam’s learning rate 0.3',
    category: 'training/hyperparameters',
    symptom: 'The loss jumps around and the model ends predicting one class.',
    catches: ['optimizer'],
    hint: 'Compare the learning rate with the README’s.',
    patch: { find: 'learningRate: 0.003,', replace: 'learningRate: 0.3,' },
  },
  {
    id: 'dev-transformer-loss-summed',
    lesson,
    file,
    title: 'loss summed over the batch',
    category: 'training/loss-function',
    symptom: 'The first loss is 32 times ln(2).',
    catches: ['initial-loss'],
    hint: 'Is the number you report the loss of one message on average, or of the whole batch?',
    patch: {
      find: 'return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]), logits) as tf.Scalar;',
      replace: 'return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]), logits, undefined, undefined, tf.Reduction.SUM) as tf.Scalar;',
    },
  },
  {
    id: 'dev-transformer-embeddings-not-trained',
    lesson,
    file,
    title: 'token embeddings left out of the trained weights',
    category: 'training/optimiser',
    symptom: 'The word vectors stay random; only the layers above them learn.',
    catches: ['weights-updated'],
    hint: 'Which variables does the optimizer step?',
    patch: { find: '  const weights = parameters(model);\n  const progress', replace: '  const weights = parameters(model).slice(1);\n  const progress' },
  },
  {
    id: 'dev-transformer-adam-per-epoch',
    lesson,
    file,
    title: 'a new Adam optimizer every epoch',
    category: 'training/process',
    symptom: 'Adam’s moment estimates and step count restart at every epoch; the old optimizers are never disposed.',
    catches: ['no-leaks'],
    hint: 'How many optimizer objects does one training run make?',
    patch: {
      find: '  for (let epoch = 0; epoch < hyperparameters.epochs; epoch++) {\n    let total = 0;\n',
      replace:
        '  for (let epoch = 0; epoch < hyperparameters.epochs; epoch++) {\n' +
        '    let total = 0;\n' +
        '    // a fresh optimizer for each epoch\n' +
        '    const optimizer: tf.Optimizer = tf.train.adam(hyperparameters.learningRate);\n',
    },
  },
  {
    id: 'dev-transformer-loss-leaked',
    lesson,
    file,
    title: 'the loss tensor never disposed',
    category: 'resources',
    symptom: 'One tensor is left behind every step.',
    catches: ['no-leaks'],
    hint: 'Which tensors made in the loop outlive it?',
    patch: { find: 'tf.dispose([ids, labels, loss]);', replace: 'tf.dispose([ids, labels]);' },
  },
  {
    id: 'dev-transformer-layer-norm-by-variance',
    lesson,
    file,
    title: 'layer norm divides by the variance, not the standard deviation',
    category: 'model/layers',
    symptom: 'Normalised features do not have unit variance.',
    catches: ['layer-norm'],
    hint: 'Write down layer normalisation’s formula: what is the denominator?',
    patch: { find: 'x.sub(mean).div(variance.add(1e-5).sqrt())', replace: 'x.sub(mean).div(variance.add(1e-5))' },
  },
  {
    id: 'dev-transformer-vocabulary-too-large',
    lesson,
    file,
    title: 'vocabulary keeps maxSize words besides the two special tokens',
    category: 'training/preprocessing',
    symptom: 'The vocabulary has two more tokens than the embedding table has rows.',
    catches: ['tokenisation'],
    hint: 'How many entries does your vocabulary have, counting <pad> and <unk>?',
    patch: { find: 'ranked.slice(0, Math.max(0, maxSize - 2))', replace: 'ranked.slice(0, maxSize)' },
  },
] satisfies BugInput[];
