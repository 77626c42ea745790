// Lesson 5: a transformer encoder that tells spam from ham, built from its parts.
//
// The original lesson fine-tuned a pretrained Hugging Face model. That needs a
// download, so here you build a small encoder yourself, the way "Attention is
// all you need" describes it, and train it on real e-mails:
//   1. Data and tokenisation
//   2. Embeddings and positions
//   3. Attention
//   4. Multi-head attention
//   5. The encoder block
//   6. Pooling and the classifier head
//   7. Training
//   8. Evaluation
// Every tensor of activations is [batch, length, dModel] unless a comment says
// otherwise; every weight is a tf.variable the training loop updates.
import { parseArgs } from 'node:util';
import { DataLoader } from '#lib/batches.ts';
import type { AttentionWeights, BlockWeights, Hyperparameters, LayerNormWeights, Linear, ModelConfig, Report, Tensors, TrainOptions, Transformer, Vocabulary } from '#lib/contracts/05-transformer.ts';
import { loadSpamAssassinSubset, type TextSet } from '#lib/data/spam-assassin.ts';
import { seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';

export const hyperparameters: Hyperparameters = {
  /** Words kept in the vocabulary, the two special tokens included. */
  vocabularySize: 2000,
  /** Tokens per message: longer ones are cut, shorter ones padded. */
  maxLength: 64,
  dModel: 32,
  heads: 2,
  /** Width of the feed-forward layer inside each block. */
  dFeedForward: 64,
  blocks: 1,
  batchSize: 32,
  epochs: 3,
  learningRate: 0.003,
};

// ---------------------------------------------------------------------------
// 1. Data and tokenisation
// ---------------------------------------------------------------------------

/** The course's SpamAssassin subset: short e-mail texts labelled ham (0) or spam (1). */
export function loadData(): { train: TextSet; test: TextSet } {
  return loadSpamAssassinSubset();
}

/** Token 0 fills the positions after a short message's end. */
export const PAD = 0;
/** Token 1 stands for every word the vocabulary does not know. */
export const UNK = 1;

/** Lower-case words and numbers: the units the vocabulary counts. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/**
 * The `maxSize - 2` most frequent words of the training texts, after '<pad>'
 * and '<unk>'. Words as frequent as each other come in alphabetical order, so
 * the vocabulary does not depend on the order of the texts.
 */
export function buildVocabulary(texts: readonly string[], maxSize: number): Vocabulary {
  // TODO: count the words of all texts and keep the most frequent ones after '<pad>' and '<unk>'
  throw new Error("not implemented: count the words of all texts and keep the most frequent ones after '<pad>' and '<unk>'");
}

/** Exactly `maxLength` token ids: the text's first words, unknown words as UNK, then PAD to the end. */
export function encodeText(text: string, vocabulary: Vocabulary, maxLength: number): number[] {
  // TODO: map the words to ids (UNK for unknown ones), cut to maxLength, pad with PAD
  throw new Error("not implemented: map the words to ids (UNK for unknown ones), cut to maxLength, pad with PAD");
}

export function toTensors(set: TextSet, vocabulary: Vocabulary, maxLength: number): Tensors {
  const rows = set.texts.map((text) => encodeText(text, vocabulary, maxLength));
  return {
    ids: tf.tensor2d(rows.flat(), [rows.length, maxLength], 'int32'),
    labels: tf.tensor1d(set.labels, 'int32'),
  };
}

/** [batch, length] floats: 1 where there is a word, 0 where there is padding. */
export function paddingMask(ids: tf.Tensor2D): tf.Tensor2D {
  // TODO: 1 for real tokens, 0 for PAD
  throw new Error("not implemented: 1 for real tokens, 0 for PAD");
}

// ---------------------------------------------------------------------------
// 2. Embeddings and positions
// ---------------------------------------------------------------------------

// The model's weights (Transformer, BlockWeights, ...) are typed in the lesson's contract, lib/contracts/05-transformer.ts.

function linearWeights(inputs: number, outputs: number, scale?: number): Linear {
  // Glorot: keeps the variance of activations about the same from layer to layer.
  const std = scale ?? Math.sqrt(2 / (inputs + outputs));
  return { w: tf.variable(tf.randomNormal([inputs, outputs], 0, std)), b: tf.variable(tf.zeros([outputs])) };
}

function layerNormWeights(size: number): LayerNormWeights {
  return { gain: tf.variable(tf.ones([size])), bias: tf.variable(tf.zeros([size])) };
}

/** A fresh model with random weights (reproducible after seedEverything). */
export function createModel(config: ModelConfig): Transformer {
  const { dModel, dFeedForward } = config;
  const blocks = Array.from({ length: config.blocks }, () => ({
    attention: {
      query: linearWeights(dModel, dModel),
      key: linearWeights(dModel, dModel),
      value: linearWeights(dModel, dModel),
      output: linearWeights(dModel, dModel),
    },
    norm1: layerNormWeights(dModel),
    feedForward: { hidden: linearWeights(dModel, dFeedForward), output: linearWeights(dFeedForward, dModel) },
    norm2: layerNormWeights(dModel),
  }));
  return {
    config,
    // Unit variance, like the positional encodings they are added to.
    tokenEmbedding: tf.variable(tf.randomNormal([config.vocabularySize, dModel])),
    blocks,
    // Small, so that an untrained model gives both classes about the same probability.
    head: linearWeights(dModel, config.numClasses, 0.02),
  };
}

/** Every weight of the model, for the optimizer. */
export function parameters(model: Transformer): tf.Variable[] {
  const linear = (l: Linear) => [l.w, l.b];
  const norm = (n: LayerNormWeights) => [n.gain, n.bias];
  return [
    model.tokenEmbedding,
    ...model.blocks.flatMap((block) => [
      ...[block.attention.query, block.attention.key, block.attention.value, block.attention.output].flatMap(linear),
      ...norm(block.norm1),
      ...linear(block.feedForward.hidden),
      ...linear(block.feedForward.output),
      ...norm(block.norm2),
    ]),
    ...linear(model.head),
  ];
}

/** x times w plus b over the last axis, for any number of leading axes. */
export function linear(x: tf.Tensor, { w, b }: Linear): tf.Tensor {
  const [inputs, outputs] = w.shape as [number, number];
  const leading = x.shape.slice(0, -1);
  return x.reshape([-1, inputs]).matMul(w).add(b).reshape([...leading, outputs]);
}

/**
 * The sinusoidal encodings of "Attention is all you need", [length, dModel]:
 * at position pos, feature 2i is sin(pos / 10000^(2i / dModel)) and feature
 * 2i + 1 is cos of the same angle.
 */
export function positionalEncoding(length: number, dModel: number): tf.Tensor2D {
  // TODO: the [length, dModel] sinusoidal position encodings
  throw new Error("not implemented: the [length, dModel] sinusoidal position encodings");
}

/** [batch, length] ids to [batch, length, dModel] vectors: each token's embedding plus its position's encoding. */
export function embed(model: Transformer, ids: tf.Tensor2D): tf.Tensor3D {
  // TODO: look the tokens up in model.tokenEmbedding and add the positional encodings
  throw new Error("not implemented: look the tokens up in model.tokenEmbedding and add the positional encodings");
}

// ---------------------------------------------------------------------------
// 3. Attention
// ---------------------------------------------------------------------------

/**
 * Scaled dot-product attention, softmax(q kᵀ / sqrt(dk)) v, for each batch
 * item and head. q, k, v: [batch, heads, length, dk]; keyMask: [batch, length],
 * 0 for padding, which no query may attend to. Returns the outputs,
 * [batch, heads, length, dk], and the attention weights,
 * [batch, heads, queries, keys], each row a probability distribution.
 */
export function attention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  keyMask: tf.Tensor2D,
): { output: tf.Tensor4D; weights: tf.Tensor4D } {
  // TODO: scores from q and k, scaled; padded keys blocked; softmax over the keys; weights times v
  throw new Error("not implemented: scores from q and k, scaled; padded keys blocked; softmax over the keys; weights times v");
}

// ---------------------------------------------------------------------------
// 4. Multi-head attention
// ---------------------------------------------------------------------------

/**
 * Self-attention with `heads` heads: project x to queries, keys and values,
 * split each into heads of dModel / heads features, attend in every head,
 * put the heads back together and project with the output weights.
 */
export function multiHeadAttention(weights: AttentionWeights, x: tf.Tensor3D, keyMask: tf.Tensor2D, heads: number): tf.Tensor3D {
  // TODO: queries, keys and values split into heads, attention per head, heads merged, output projection
  throw new Error("not implemented: queries, keys and values split into heads, attention per head, heads merged, output projection");
}

// ---------------------------------------------------------------------------
// 5. The encoder block
// ---------------------------------------------------------------------------

/** Normalises each position's features to mean 0 and variance 1, then scales and shifts them. */
export function layerNorm(x: tf.Tensor3D, { gain, bias }: LayerNormWeights): tf.Tensor3D {
  // TODO: mean and variance over the features of each position (epsilon 1e-5), then gain and bias
  throw new Error("not implemented: mean and variance over the features of each position (epsilon 1e-5), then gain and bias");
}

/** The same two-layer network applied at every position: linear, ReLU, linear. */
export function feedForward(weights: BlockWeights['feedForward'], x: tf.Tensor3D): tf.Tensor3D {
  // TODO: hidden layer with ReLU, then the output layer
  throw new Error("not implemented: hidden layer with ReLU, then the output layer");
}

/**
 * One encoder block as in the paper: self-attention, add the input back
 * (residual) and normalise; then feed-forward, add its input back and normalise.
 */
export function encoderBlock(block: BlockWeights, x: tf.Tensor3D, keyMask: tf.Tensor2D, heads: number): tf.Tensor3D {
  // TODO: attention, residual, layer norm; feed-forward, residual, layer norm
  throw new Error("not implemented: attention, residual, layer norm; feed-forward, residual, layer norm");
}

/** All the model's blocks, one after the other. */
export function encode(model: Transformer, x: tf.Tensor3D, keyMask: tf.Tensor2D): tf.Tensor3D {
  let hidden = x;
  for (const block of model.blocks) hidden = encoderBlock(block, hidden, keyMask, model.config.heads);
  return hidden;
}

// ---------------------------------------------------------------------------
// 6. Pooling and the classifier head
// ---------------------------------------------------------------------------

/** [batch, length, dModel] to [batch, dModel]: the mean over the real tokens of each message, padding left out. */
export function meanPool(x: tf.Tensor3D, keyMask: tf.Tensor2D): tf.Tensor2D {
  // TODO: the mean over the unmasked positions only
  throw new Error("not implemented: the mean over the unmasked positions only");
}

/** Token ids to class scores (logits), [batch, numClasses]. */
export function classify(model: Transformer, ids: tf.Tensor2D): tf.Tensor2D {
  // TODO: mask, embeddings, encoder, pooling, head
  throw new Error("not implemented: mask, embeddings, encoder, pooling, head");
}

// ---------------------------------------------------------------------------
// 7. Training
// ---------------------------------------------------------------------------

/** Mean cross-entropy between the logits and the true classes. */
export function lossFunction(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  // TODO: the cross-entropy loss of the logits against the labels
  throw new Error("not implemented: the cross-entropy loss of the logits against the labels");
}

export async function train(model: Transformer, data: Tensors, options: TrainOptions): Promise<void> {
  // TODO: Adam, a shuffling data loader, and per batch: forward, loss, gradients, step, report the loss
  throw new Error("not implemented: Adam, a shuffling data loader, and per batch: forward, loss, gradients, step, report the loss");
}

// ---------------------------------------------------------------------------
// 8. Evaluation
// ---------------------------------------------------------------------------

/** Fraction of the messages whose most likely class is the true one. */
export async function evaluate(model: Transformer, data: Tensors): Promise<number> {
  let correct = 0;
  const count = data.labels.shape[0];
  for (let start = 0; start < count; start += 256) {
    const size = Math.min(256, count - start);
    const hits = tf.tidy(() => {
      const ids = data.ids.slice([start, 0], [size, -1]);
      const labels = data.labels.slice([start], [size]);
      return classify(model, ids).argMax(1).equal(labels).sum();
    });
    correct += (await hits.data())[0]!;
    hits.dispose();
  }
  return correct / count;
}

// ---------------------------------------------------------------------------
// Run it all: npm run train -- 05-transformer [--variant solutions] [-- --seed 1]
// ---------------------------------------------------------------------------

export async function main(args: string[], report: Report): Promise<void> {
  const { values } = parseArgs({ args, options: { seed: { type: 'string', default: '0' } } });
  const seed = Number(values.seed);
  seedEverything(seed);
  const sets = loadData();
  const h = hyperparameters;
  const vocabulary = buildVocabulary(sets.train.texts, h.vocabularySize);
  const trainSet = toTensors(sets.train, vocabulary, h.maxLength);
  const testSet = toTensors(sets.test, vocabulary, h.maxLength);
  const model = createModel({
    vocabularySize: vocabulary.tokens.length,
    dModel: h.dModel,
    heads: h.heads,
    dFeedForward: h.dFeedForward,
    blocks: h.blocks,
    numClasses: sets.train.classNames.length,
  });
  await train(model, trainSet, { seed, report });
  const accuracy = await evaluate(model, testSet);
  console.log(`Accuracy of the transformer on the ${sets.test.texts.length} test messages: ${(100 * accuracy).toFixed(1)} %`);
}
