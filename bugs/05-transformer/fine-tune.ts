// Lesson 5, part 2: fine-tuning a pretrained transformer, in the shape of the
// Hugging Face course's "Fine-tuning a model with a full training loop".
//
// The course's own pretrained encoder (lib/models/spam-assassin-encoder/) is
// the encoder of part 1, bigger (two blocks of width 64), that has learned
// masked-language modelling on unlabeled e-mails. Here you run it with *your*
// part 1 code, put a new classification head on its [CLS] vector, and fine-tune
// the whole model on a few labelled messages:
//   1. Load the checkpoint and its tokenizer
//   2. Tokenise: [CLS], pieces, [SEP], cut to the longest length
//   3. Collate: dynamic padding and the attention mask
//   4. The classifier: the [CLS] vector through a new head
//   5. The optimizer: AdamW, weight decay on the weight matrices only
//   6. The schedule: linear warm-up, then linear decay, once per batch
//   7. The training loop
//   8. Evaluation: accuracy and F1
import { parseArgs } from 'node:util';
import type { Batch, Example, FineTuneOptions, FineTuningHyperparameters, Report, SchedulePlan } from '#lib/contracts/05-transformer.ts';
import { loadSpamAssassinSubset, type TextSet } from '#lib/data/spam-assassin.ts';
import { loadCheckpoint, type Checkpoint } from '#lib/models/transformer-checkpoint.ts';
import { CLS_ID, PAD_ID, SEP_ID, WordPieceTokenizer } from '#lib/models/wordpiece.ts';
import { AdamW, type ParameterGroup } from '#lib/optim/adamw.ts';
import { randomGenerator, seedEverything, type RandomGenerator } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';
import type { Transformer } from '#lib/contracts/05-transformer.ts';
import { createModel, embed, encode, linear, lossFunction } from './transformer.ts';

export const fineTuningHyperparameters: FineTuningHyperparameters = {
  /** Labelled training messages per class: two hundred in all. */
  labelledPerClass: 100,
  /** Tokens per message at most, [CLS] and [SEP] included. */
  maxLength: 64,
  batchSize: 16,
  epochs: 3,
  /** The learning rate at the end of the warm-up, the highest of the schedule. */
  learningRate: 1e-2,
  /** Steps over which the learning rate climbs from 0 to its peak. */
  warmupSteps: 5,
  weightDecay: 0.01,
};

/** The first `perClass` training messages of each class: the few labels fine-tuning gets. */
export function fewLabels(set: TextSet, perClass: number): TextSet {
  const keep = [0, 1].flatMap((label) => [...set.labels.keys()].filter((i) => set.labels[i] === label).slice(0, perClass));
  return {
    texts: keep.map((i) => set.texts[i]!),
    labels: Uint8Array.from(keep.map((i) => set.labels[i]!)),
    ids: keep.map((i) => set.ids[i]!),
    classNames: set.classNames,
  };
}

// ---------------------------------------------------------------------------
// 1. Load the checkpoint and its tokenizer
// ---------------------------------------------------------------------------

/**
 * Every weight of the model's body (embeddings and blocks), named as in the
 * checkpoint: "tokenEmbedding", "blocks[0].attention.query.w", ...
 */
export function bodyVariables(model: Transformer): Map<string, tf.Variable> {
  const found = new Map<string, tf.Variable>();
  const walk = (value: unknown, path: string) => {
    if (value instanceof tf.Variable) found.set(path, value);
    else if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(item, path ? `${path}.${key}` : key);
  };
  walk({ tokenEmbedding: model.tokenEmbedding, blocks: model.blocks }, '');
  return found;
}

/** The tokenizer the checkpoint was pretrained with: its vocabulary, and its lower-casing. */
export function loadTokenizer(checkpoint: Checkpoint): WordPieceTokenizer {
  return new WordPieceTokenizer(checkpoint.vocabulary, { lowercase: false });
}

/**
 * A model of the checkpoint's sizes with every body weight set to the
 * checkpoint's, and a new, random classification head with `numClasses` outputs.
 */
export function loadPretrained(checkpoint: Checkpoint, numClasses: number): Transformer {
  const model = createModel({ ...checkpoint.config, numClasses });
  for (const [name, variable] of bodyVariables(model)) {
    const weight = checkpoint.weights.get(name);
    if (!weight) throw new Error(`the checkpoint has no weight ${name}`);
    if (weight.shape.join() !== variable.shape.join()) {
      throw new Error(`checkpoint weight ${name} has shape [${weight.shape}], the model's [${variable.shape}]`);
    }
  }
  return model;
}

// ---------------------------------------------------------------------------
// 2. Tokenise
// ---------------------------------------------------------------------------

/** [CLS], the text's pieces, [SEP]: at most maxLength ids, the pieces cut to fit. No padding. */
export function tokenize(tokenizer: WordPieceTokenizer, text: string, maxLength: number): number[] {
  return [...tokenizer.encode(text).slice(0, maxLength - 1), SEP_ID];
}

export function toExamples(tokenizer: WordPieceTokenizer, set: TextSet, maxLength: number): Example[] {
  return set.texts.map((text, i) => ({ ids: tokenize(tokenizer, text, maxLength), label: set.labels[i]! }));
}

// ---------------------------------------------------------------------------
// 3. Collate: dynamic padding
// ---------------------------------------------------------------------------

/** One batch, padded to its own longest message (not to maxLength), with its attention mask. */
export function collate(examples: readonly Example[]): Batch {
  const longest = Math.max(...examples.map((example) => example.ids.length));
  const ids = examples.flatMap((example) => [...example.ids, ...new Array<number>(longest - example.ids.length).fill(PAD_ID)]);
  const mask = examples.flatMap((example) => Array.from({ length: longest }, (_, i) => 1));
  return {
    ids: tf.tensor2d(ids, [examples.length, longest], 'int32'),
    mask: tf.tensor2d(mask, [examples.length, longest], 'float32'),
    labels: tf.tensor1d(examples.map((example) => example.label), 'int32'),
  };
}

// ---------------------------------------------------------------------------
// 4. The classifier
// ---------------------------------------------------------------------------

/** Class scores from the encoder's output at the [CLS] position (the first), through model.head. */
export function classify(model: Transformer, ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  const encoded = embed(model, ids);
  const [batch, , dModel] = encoded.shape;
  const cls = encoded.slice([0, encoded.shape[1] - 1, 0], [batch, 1, dModel]).reshape([batch, dModel]);
  return linear(cls, model.head) as tf.Tensor2D;
}

// ---------------------------------------------------------------------------
// 5. The optimizer
// ---------------------------------------------------------------------------

/**
 * AdamW's parameter groups: the token embeddings and the weight matrices of
 * every linear layer (the head's too) decay by `weightDecay`; biases and
 * layer-norm gains and biases do not.
 */
export function parameterGroups(model: Transformer, weightDecay: number): ParameterGroup[] {
  const decay: tf.Variable[] = [model.tokenEmbedding, model.head.w];
  const noDecay: tf.Variable[] = [model.head.b];
  for (const block of model.blocks) {
    const { query, key, value, output } = block.attention;
    for (const layer of [query, key, value, output, block.feedForward.hidden, block.feedForward.output]) {
      decay.push(layer.w);
      noDecay.push(layer.b);
    }
    noDecay.push(block.norm1.gain, block.norm1.bias, block.norm2.gain, block.norm2.bias);
  }
  return [
    { params: decay, weightDecay },
    { params: noDecay, weightDecay },
  ];
}

// ---------------------------------------------------------------------------
// 6. The schedule
// ---------------------------------------------------------------------------

/**
 * The learning rate for step `step` (0 for the first batch): it climbs
 * linearly from 0 to `peak` over the warm-up, then falls linearly to 0 at
 * `totalSteps`, as Hugging Face's get_linear_schedule_with_warmup does.
 */
export function learningRateAt(step: number, { peak, warmupSteps, totalSteps }: SchedulePlan): number {
  if (step < warmupSteps) return (peak * step) / warmupSteps;
  return peak * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps));
}

// ---------------------------------------------------------------------------
// 7. The training loop
// ---------------------------------------------------------------------------

/** The example indices of one epoch, shuffled, in batches of `batchSize` (the last may be smaller). */
export function shuffledBatches(count: number, batchSize: number, random: RandomGenerator): number[][] {
  const order = [...Array(count).keys()];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return Array.from({ length: Math.ceil(count / batchSize) }, (_, b) => order.slice(b * batchSize, (b + 1) * batchSize));
}

export async function fineTune(model: Transformer, examples: readonly Example[], options: FineTuneOptions): Promise<void> {
  const h = options.hyperparameters ?? fineTuningHyperparameters;
  const random = randomGenerator(options.seed);
  const stepsPerEpoch = Math.ceil(examples.length / h.batchSize);
  const plan: SchedulePlan = { peak: h.learningRate, warmupSteps: h.warmupSteps, totalSteps: h.epochs * stepsPerEpoch };
  const optimizer = new AdamW([{ params: [model.head.w, model.head.b], weightDecay: h.weightDecay }], { learningRate: learningRateAt(0, plan) });
  let step = 0;
  for (let epoch = 0; epoch < h.epochs; epoch++) {
    for (const indices of shuffledBatches(examples.length, h.batchSize, random)) {
      const batch = collate(indices.map((i) => examples[i]!));
      optimizer.learningRate = learningRateAt(epoch, plan);
      const loss = optimizer.minimize(() => lossFunction(classify(model, batch.ids, batch.mask), batch.labels));
      const value = (await loss.data())[0]!;
      tf.dispose([loss, batch.ids, batch.mask, batch.labels]);
      options.report(value);
    }
  }
  optimizer.dispose();
}

// ---------------------------------------------------------------------------
// 8. Evaluation
// ---------------------------------------------------------------------------

/**
 * F1 of class `positive`: the harmonic mean of precision (of the messages
 * predicted positive, the share that are) and recall (of the positive
 * messages, the share predicted so). 0 when no message is predicted positive
 * or none is positive, as scikit-learn gives.
 */
export function f1Score(predictions: readonly number[], labels: readonly number[], positive = 0): number {
  let [tp, fp, fn] = [0, 0, 0];
  predictions.forEach((predicted, i) => {
    if (predicted === positive && labels[i] === positive) tp += 1;
    else if (predicted === positive) fp += 1;
    else if (labels[i] === positive) fn += 1;
  });
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** The predicted class of every example, in batches. */
export async function predict(model: Transformer, examples: readonly Example[]): Promise<number[]> {
  const out: number[] = [];
  for (let start = 0; start < examples.length; start += 64) {
    const batch = collate(examples.slice(start, start + 64));
    const classes = tf.tidy(() => classify(model, batch.ids, batch.mask).argMax(-1));
    out.push(...(await classes.data()));
    tf.dispose([classes, batch.ids, batch.mask, batch.labels]);
  }
  return out;
}

export async function evaluate(model: Transformer, examples: readonly Example[]): Promise<{ accuracy: number; f1: number }> {
  const predictions = await predict(model, examples);
  const labels = examples.map((example) => example.label);
  const accuracy = predictions.filter((predicted, i) => predicted === labels[i]).length / labels.length;
  return { accuracy, f1: f1Score(predictions, labels) };
}

// ---------------------------------------------------------------------------
// Run it all: npm run train -- 05-transformer --part fine-tune [--variant solutions] [-- --seed 1 --scratch]
// ---------------------------------------------------------------------------

export async function main(args: string[], report: Report): Promise<void> {
  const { values } = parseArgs({ args, options: { seed: { type: 'string', default: '0' }, scratch: { type: 'boolean', default: false } } });
  const seed = Number(values.seed);
  seedEverything(seed);
  const h = fineTuningHyperparameters;
  const checkpoint = loadCheckpoint();
  const tokenizer = loadTokenizer(checkpoint);
  const sets = loadSpamAssassinSubset();
  const train = toExamples(tokenizer, fewLabels(sets.train, h.labelledPerClass), h.maxLength);
  const test = toExamples(tokenizer, sets.test, h.maxLength);
  // --scratch: the same architecture from random weights, to see what pretraining buys.
  const model = values.scratch ? createModel({ ...checkpoint.config, numClasses: 2 }) : loadPretrained(checkpoint, 2);
  await fineTune(model, train, { seed, report });
  const { accuracy, f1 } = await evaluate(model, test);
  const what = values.scratch ? 'trained from scratch' : 'fine-tuned';
  console.log(`${what} on ${train.length} labelled messages: accuracy ${(100 * accuracy).toFixed(1)} %, F1 (spam) ${f1.toFixed(3)} on the ${test.length} test messages`);
}
