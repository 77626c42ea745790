// Lesson 5's contract: what transformer.ts and fine-tune.ts export, declared
// once, and the shapes they pass between them (the model's weights, a batch,
// an example). The solution, the exercise, the planted bugs and the grader all
// import it.
import type { TextSet } from '#lib/data/spam-assassin.ts';
import type { Checkpoint } from '#lib/models/transformer-checkpoint.ts';
import type { WordPieceTokenizer } from '#lib/models/wordpiece.ts';
import type { ParameterGroup } from '#lib/optim/adamw.ts';
import type { RandomGenerator } from '#lib/seed.ts';
import type { tf } from '#lib/tf.ts';
import type { Main, TrainOptions as Options } from './training.ts';

export type { Report } from './training.ts';

export interface Hyperparameters {
  vocabularySize: number;
  maxLength: number;
  dModel: number;
  heads: number;
  dFeedForward: number;
  blocks: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
}

export type TrainOptions = Options<Hyperparameters>;

export interface Vocabulary {
  /** tokens[id] is the word of token id; tokens[PAD] and tokens[UNK] are '<pad>' and '<unk>'. */
  tokens: string[];
  /** The id of each known word. */
  ids: Map<string, number>;
}

export interface Tensors {
  /** [count, maxLength] token ids. */
  ids: tf.Tensor2D;
  /** [count] classes: 0 ham, 1 spam. */
  labels: tf.Tensor1D;
}

export interface ModelConfig {
  vocabularySize: number;
  dModel: number;
  heads: number;
  dFeedForward: number;
  blocks: number;
  numClasses: number;
}

export interface Linear {
  /** [inputs, outputs] */
  w: tf.Variable;
  /** [outputs] */
  b: tf.Variable;
}
export interface LayerNormWeights {
  gain: tf.Variable;
  bias: tf.Variable;
}
export interface AttentionWeights {
  query: Linear;
  key: Linear;
  value: Linear;
  output: Linear;
}
export interface BlockWeights {
  attention: AttentionWeights;
  norm1: LayerNormWeights;
  feedForward: { hidden: Linear; output: Linear };
  norm2: LayerNormWeights;
}
export interface Transformer {
  config: ModelConfig;
  /** [vocabularySize, dModel]: row i is the vector of token i. */
  tokenEmbedding: tf.Variable;
  blocks: BlockWeights[];
  head: Linear;
}

/** transformer.ts: the encoder, built from its parts, and its training. */
export interface Encoder {
  hyperparameters: Hyperparameters;
  PAD: number;
  UNK: number;
  loadData(): { train: TextSet; test: TextSet };
  words(text: string): string[];
  buildVocabulary(texts: readonly string[], maxSize: number): Vocabulary;
  encodeText(text: string, vocabulary: Vocabulary, maxLength: number): number[];
  toTensors(set: TextSet, vocabulary: Vocabulary, maxLength: number): Tensors;
  paddingMask(ids: tf.Tensor2D): tf.Tensor2D;
  createModel(config: ModelConfig): Transformer;
  parameters(model: Transformer): tf.Variable[];
  linear(x: tf.Tensor, weights: Linear): tf.Tensor;
  positionalEncoding(length: number, dModel: number): tf.Tensor2D;
  embed(model: Transformer, ids: tf.Tensor2D): tf.Tensor3D;
  attention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, keyMask: tf.Tensor2D): { output: tf.Tensor4D; weights: tf.Tensor4D };
  multiHeadAttention(weights: AttentionWeights, x: tf.Tensor3D, keyMask: tf.Tensor2D, heads: number): tf.Tensor3D;
  layerNorm(x: tf.Tensor3D, weights: LayerNormWeights): tf.Tensor3D;
  feedForward(weights: BlockWeights['feedForward'], x: tf.Tensor3D): tf.Tensor3D;
  encoderBlock(block: BlockWeights, x: tf.Tensor3D, keyMask: tf.Tensor2D, heads: number): tf.Tensor3D;
  encode(model: Transformer, x: tf.Tensor3D, keyMask: tf.Tensor2D): tf.Tensor3D;
  meanPool(x: tf.Tensor3D, keyMask: tf.Tensor2D): tf.Tensor2D;
  classify(model: Transformer, ids: tf.Tensor2D): tf.Tensor2D;
  lossFunction(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar;
  train(model: Transformer, data: Tensors, options: TrainOptions): Promise<void>;
  /** Fraction of the messages whose most likely class is the true one. */
  evaluate(model: Transformer, data: Tensors): Promise<number>;
  main: Main;
}

export interface FineTuningHyperparameters {
  labelledPerClass: number;
  maxLength: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
  warmupSteps: number;
  weightDecay: number;
}

/** fineTune shuffles with a generator of its own (shuffledBatches), which needs the seed. */
export type FineTuneOptions = Options<FineTuningHyperparameters> & { seed: number };

/** One tokenised message and its class (0 ham, 1 spam). */
export interface Example {
  ids: number[];
  label: number;
}

export interface Batch {
  /** [batch, longest] ids, PAD after each message's end. */
  ids: tf.Tensor2D;
  /** [batch, longest] floats: 1 for a message's tokens, 0 for its padding. */
  mask: tf.Tensor2D;
  /** [batch] classes. */
  labels: tf.Tensor1D;
}

export interface SchedulePlan {
  peak: number;
  warmupSteps: number;
  totalSteps: number;
}

/** fine-tune.ts: the pretrained encoder fine-tuned with a full training loop. */
export interface FineTuning {
  fineTuningHyperparameters: FineTuningHyperparameters;
  fewLabels(set: TextSet, perClass: number): TextSet;
  bodyVariables(model: Transformer): Map<string, tf.Variable>;
  loadTokenizer(checkpoint: Checkpoint): WordPieceTokenizer;
  loadPretrained(checkpoint: Checkpoint, numClasses: number): Transformer;
  tokenize(tokenizer: WordPieceTokenizer, text: string, maxLength: number): number[];
  toExamples(tokenizer: WordPieceTokenizer, set: TextSet, maxLength: number): Example[];
  collate(examples: readonly Example[]): Batch;
  classify(model: Transformer, ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D;
  parameterGroups(model: Transformer, weightDecay: number): ParameterGroup[];
  learningRateAt(step: number, plan: SchedulePlan): number;
  shuffledBatches(count: number, batchSize: number, random: RandomGenerator): number[][];
  fineTune(model: Transformer, examples: readonly Example[], options: FineTuneOptions): Promise<void>;
  f1Score(predictions: readonly number[], labels: readonly number[], positive?: number): number;
  predict(model: Transformer, examples: readonly Example[]): Promise<number[]>;
  evaluate(model: Transformer, examples: readonly Example[]): Promise<{ accuracy: number; f1: number }>;
  main: Main;
}

/**
 * The lesson's files, each with the contract it keeps. `npm run variants`
 * writes a type test from it (grader/test/contracts-kept.ts) that fails to
 * type-check when a variant of a file lacks an export or exports another type.
 */
export interface LessonFiles {
  'transformer.ts': Encoder;
  'fine-tune.ts': FineTuning;
}
