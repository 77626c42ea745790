// Checks for lesson 5: a transformer encoder classifying SpamAssassin e-mails.
// The parts (attention, multi-head, block, pooling) are compared with the
// grader's own plain-number versions on fixed inputs; then one training run
// on the committed subset is compared with the calibrated reference.
import { loadSpamAssassinSubset } from '#lib/data/spam-assassin.ts';
import { seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';
import type * as T from '../../../solutions/05-transformer/transformer.ts';
import { probeLoss, type Classifier } from '../../checks/classifier.ts';
import { batchSizeCheck, epochsCheck, optimizerCheck } from '../../checks/prescriptions.ts';
import { gradientFlowCheck, gradientNorms } from '../../checks/gradient-flow.ts';
import { overfitCheck, overfitOneBatch } from '../../checks/overfit-one-batch.ts';
import { recordTraining, type TrainingRun } from '../../checks/trace.ts';
import {
  calibrateFrom,
  initialLossCheck,
  lossCurveCheck,
  metricCheck,
  noLeakCheck,
  weightsMovedCheck,
} from '../../checks/training-checks.ts';
import { cause, type Cause } from '../../faults.ts';
import { fixed, scientific, shapeText } from '../../format.ts';
import { CheckFailure, defineLesson, type Check, type LessonContext } from '../../lesson.ts';
import { calibrateFineTune, FINE_TUNE_FILE, fineTuneChecks, fineTuneFixture, fineTuneForGrading, PART } from './fine-tune.ts';
import * as ref from './fixed-numbers.ts';
import type * as Reference from './reference-math.ts';
import { disposeModel, variablesOf } from './variables.ts';

type Module = typeof T;
const FILE = 'transformer.ts';
const load = (ctx: LessonContext) => ctx.load<Module>(FILE);
/** The reference's maths, run by the grader: the sandbox cannot read reference-math.ts. */
const reference = (ctx: LessonContext) => ctx.graderSide<typeof Reference>();
const CLASSES = 2;

/** A small model for the checks on parts: fast, and with several heads and blocks. */
/** Messages in the overfitting probe's one batch. */
const OVERFIT_MESSAGES = 16;
const SMALL = { vocabularySize: 40, dModel: 8, heads: 2, dFeedForward: 16, blocks: 2, numClasses: CLASSES };

const matrix = (t: tf.Tensor) => t.arraySync() as number[][];
const vector = (t: tf.Tensor) => t.arraySync() as number[];
const linearValues = (l: T.Linear): Reference.LinearValues => ({ w: matrix(l.w), b: vector(l.b) });

function blockValues(block: T.BlockWeights): Reference.BlockValues {
  const a = block.attention;
  return {
    attention: { query: linearValues(a.query), key: linearValues(a.key), value: linearValues(a.value), output: linearValues(a.output) },
    norm1: { gain: vector(block.norm1.gain), bias: vector(block.norm1.bias) },
    feedForward: { hidden: linearValues(block.feedForward.hidden), output: linearValues(block.feedForward.output) },
    norm2: { gain: vector(block.norm2.gain), bias: vector(block.norm2.bias) },
  };
}

/** Runs `work` on a fresh small model (seeded), then frees the model and every tensor made on the way. */
async function withSmallModel<R>(ctx: LessonContext, work: (t: Module, model: T.Transformer) => R | Promise<R>): Promise<R> {
  const t = await load(ctx);
  seedEverything(ctx.seed);
  const model = t.createModel(SMALL);
  tf.engine().startScope();
  try {
    return await work(t, model);
  } finally {
    tf.engine().endScope();
    disposeModel(model);
  }
}

function expectShape(what: string, got: number[], expected: number[]): void {
  if (got.join() !== expected.join()) {
    throw new CheckFailure(`${what} has shape ${shapeText(got)}, expected ${shapeText(expected)}`, {}, [
      cause('tensors-and-inputs/wrong-tensor-shape', 3, `${what} has the wrong shape`),
    ]);
  }
}

// ---------------------------------------------------------------------------
// Fixed inputs for attention
// ---------------------------------------------------------------------------

const ATT = { batch: 2, heads: 2, length: 5, dk: 4 };
/** Batch item 0 has two padding positions at the end; item 1 has none. */
const ATT_MASK = [
  [1, 1, 1, 0, 0],
  [1, 1, 1, 1, 1],
];

/** The fixed q, k, v and mask; the grader computes what attention gives on them. */
function attentionCase(): Reference.AttentionInput {
  const { batch, heads, length, dk } = ATT;
  const shape: [number, number, number, number] = [batch, heads, length, dk];
  return { q: ref.fixedValues(shape, 1, 1.5), k: ref.fixedValues(shape, 2, 1.5), v: ref.fixedValues(shape, 3), shape, mask: ATT_MASK };
}

/** The student's attention on the fixed case, as plain numbers. */
async function studentAttention(ctx: LessonContext): Promise<{ output: Float32Array; weights: Float32Array; outputShape: number[]; weightsShape: number[] }> {
  const t = await load(ctx);
  const c = attentionCase();
  return tf.tidy(() => {
    const { output, weights } = t.attention(
      tf.tensor4d(c.q, c.shape),
      tf.tensor4d(c.k, c.shape),
      tf.tensor4d(c.v, c.shape),
      tf.tensor2d(ATT_MASK),
    );
    return {
      output: output.dataSync() as Float32Array,
      weights: weights.dataSync() as Float32Array,
      outputShape: output.shape,
      weightsShape: weights.shape,
    };
  });
}

const attentionCauses = 'Usual causes: scores not scaled by 1/sqrt(dk), the padding mask applied along the wrong axis or after the softmax, the softmax taken over the wrong axis, or k not transposed.';

// ---------------------------------------------------------------------------
// The training run
// ---------------------------------------------------------------------------

const training = 'training';

async function trainForGrading(ctx: LessonContext): Promise<TrainingRun> {
  const t = await load(ctx);
  const data = loadSpamAssassinSubset();
  const h = t.hyperparameters;
  const vocabulary = t.buildVocabulary(data.train.texts, h.vocabularySize);
  const train = t.toTensors(data.train, vocabulary, h.maxLength);
  const test = t.toTensors(data.test, vocabulary, h.maxLength);
  const model = t.createModel({
    vocabularySize: vocabulary.tokens.length,
    dModel: h.dModel,
    heads: h.heads,
    dFeedForward: h.dFeedForward,
    blocks: h.blocks,
    numClasses: CLASSES,
  });
  const trainingExamples = train.labels.shape[0];
  const weighted = { trainableWeights: variablesOf(model).map(({ name, variable }) => ({ name, read: () => variable })) };
  const trace = await recordTraining(
    weighted,
    (onStep) => t.train(model, train, { seed: ctx.seed, onStep }),
    ([ids, labels]) => tf.tidy(() => probeLoss(t.classify(model, ids as tf.Tensor2D), labels as tf.Tensor1D).dataSync()[0]!),
  );
  // The grader counts correct predictions itself, in batches, with the trained model.
  let correct = 0;
  const count = test.labels.shape[0];
  for (let start = 0; start < count; start += 200) {
    const size = Math.min(200, count - start);
    correct += tf.tidy(() => {
      const logits = t.classify(model, test.ids.slice([start, 0], [size, -1]));
      return logits.argMax(-1).equal(test.labels.slice([start], [size])).sum().dataSync()[0]!;
    });
  }
  tf.dispose([train.ids, train.labels, test.ids, test.labels]);
  disposeModel(model);
  return { trace, metrics: { accuracy: correct / count, messagesSeen: trace.losses.length * h.batchSize }, trainingExamples };
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

const tokenisation: Check = {
  id: 'tokenisation',
  title: 'vocabulary, token ids and padding mask',
  points: 1,
  async run(ctx) {
    const t = await load(ctx);
    const texts = ['the cat sat', 'The dog sat down', 'a cat, a dog', 'the end'];
    // Counts: the 3, a 2, cat 2, dog 2, sat 2, down 1, end 1.
    const vocabulary = t.buildVocabulary(texts, 7);
    const expectedTokens = ['<pad>', '<unk>', 'the', 'a', 'cat', 'dog', 'sat'];
    if (vocabulary.tokens.join() !== expectedTokens.join()) {
      throw new CheckFailure(
        `buildVocabulary(${JSON.stringify(texts)}, 7) gives tokens [${vocabulary.tokens.join(', ')}], expected [${expectedTokens.join(', ')}]: ` +
          "'<pad>' and '<unk>' come first, then the most frequent words, ties in alphabetical order, 7 tokens in all.",
        {},
        [cause('training/preprocessing', 3, 'the vocabulary is built wrongly')],
      );
    }
    for (const [word, id] of expectedTokens.map((word, id) => [word, id] as const)) {
      if (vocabulary.ids.get(word) !== id) {
        throw new CheckFailure(`vocabulary.ids.get('${word}') is ${vocabulary.ids.get(word)}, but tokens[${id}] is '${word}'`, {}, [
          cause('training/preprocessing', 3, 'the word-to-id map disagrees with the token list'),
        ]);
      }
    }
    const cases: [string, number, number[]][] = [
      ['The bird sat on a cat', 4, [2, t.UNK, 6, t.UNK]],
      ['a dog', 5, [3, 5, t.PAD, t.PAD, t.PAD]],
    ];
    for (const [text, maxLength, expected] of cases) {
      const got = t.encodeText(text, vocabulary, maxLength);
      if (got.join() !== expected.join()) {
        const unknownAsPad = got.length === expected.length && got.every((id, i) => id === (expected[i] === t.UNK ? t.PAD : expected[i]));
        throw new CheckFailure(
          `encodeText('${text}', vocabulary, ${maxLength}) gives [${got}], expected [${expected}] (PAD = ${t.PAD}, UNK = ${t.UNK})` +
            (unknownAsPad ? ': unknown words became padding, so the model cannot tell a missing word from an unknown one.' : '.'),
          {},
          [cause('training/preprocessing', 3, unknownAsPad ? 'unknown words encoded as padding' : 'texts encoded wrongly')],
        );
      }
    }
    const mask = tf.tidy(() => t.paddingMask(tf.tensor2d([[2, 1, 6, 1], [3, 5, 0, 0]], [2, 4], 'int32')).arraySync());
    if (JSON.stringify(mask) !== JSON.stringify([[1, 1, 1, 1], [1, 1, 0, 0]])) {
      throw new CheckFailure(`paddingMask([[2, 1, 6, 1], [3, 5, 0, 0]]) is ${JSON.stringify(mask)}, expected [[1,1,1,1],[1,1,0,0]]`, {}, [
        cause('training/preprocessing', 3, 'the padding mask marks the wrong positions'),
      ]);
    }
    return 'vocabulary, encodeText and paddingMask give the expected ids and mask';
  },
};

const positionalEncodingCheck: Check = {
  id: 'positional-encoding',
  title: 'sinusoidal positional encodings',
  points: 1,
  async run(ctx) {
    const t = await load(ctx);
    const [length, dModel] = [6, 8];
    const got = tf.tidy(() => {
      const pe = t.positionalEncoding(length, dModel);
      return { shape: pe.shape, values: pe.dataSync() as Float32Array };
    });
    expectShape(`positionalEncoding(${length}, ${dModel})`, got.shape, [length, dModel]);
    const expected = Array.from({ length: length * dModel }, (_, index) => {
      const [pos, feature] = [Math.floor(index / dModel), index % dModel];
      const angle = pos / Math.pow(10000, (feature - (feature % 2)) / dModel);
      return feature % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    });
    const { diff, index } = ref.largestDifference(got.values, expected);
    if (!(diff <= 1e-4)) {
      const [pos, feature] = ref.unflatten(index, [length, dModel]);
      throw new CheckFailure(
        `positionalEncoding(${length}, ${dModel})[${pos}][${feature}] is ${fixed(got.values[index]!, 4)}, expected ${fixed(expected[index]!, 4)}: ` +
          'even features take the sine, odd ones the cosine, of pos / 10000^(2i / dModel), where 2i is the even feature of the pair.',
        { largestDifference: diff },
        [cause('model/layers', 2, 'positional encodings computed wrongly')],
      );
    }
    return `matches the sinusoidal encodings (largest difference ${scientific(diff)})`;
  },
};

const attentionReference: Check = {
  id: 'attention-reference',
  title: 'attention equals the reference on fixed inputs',
  points: 2,
  async run(ctx) {
    const c = attentionCase();
    const got = await studentAttention(ctx);
    expectShape('the attention output', got.outputShape, c.shape);
    expectShape('the attention weights', got.weightsShape, [ATT.batch, ATT.heads, ATT.length, ATT.length]);
    const judged = await reference(ctx).judgeAttention(c, got);
    const { weights, output } = judged;
    const figures = { largestWeightDifference: weights.diff, largestOutputDifference: output.diff };
    if (!(weights.diff <= 1e-4) || !(output.diff <= 1e-4)) {
      const causes: Cause[] = [cause('model/layers', 1, 'attention computed differently from softmax(q kᵀ / sqrt(dk)) v')];
      if (judged.unscaled) {
        causes.unshift(cause('model/layers', 3, 'the weights are those of attention without the 1/sqrt(dk) scaling'));
      }
      const bad = weights.diff > 1e-4 ? weights : output;
      const at = ref.unflatten(bad.index, weights.diff > 1e-4 ? [ATT.batch, ATT.heads, ATT.length, ATT.length] : c.shape);
      const which = weights.diff > 1e-4 ? 'weight' : 'output';
      const values = weights.diff > 1e-4 ? [got.weights[bad.index]!, weights.expected] : [got.output[bad.index]!, output.expected];
      throw new CheckFailure(
        `on fixed q, k, v of shape ${shapeText(c.shape)} with keys 3 and 4 of batch item 0 masked, the attention ${which} at [${at}] is ` +
          `${fixed(values[0]!, 4)}, the reference gives ${fixed(values[1]!, 4)} (largest differences: weights ${fixed(weights.diff, 4)}, output ${fixed(output.diff, 4)}). ` +
          attentionCauses,
        figures,
        causes,
      );
    }
    return { message: `output and weights equal the reference (largest difference ${scientific(Math.max(weights.diff, output.diff))})`, figures };
  },
};

const attentionRows: Check = {
  id: 'attention-rows-sum-to-one',
  title: 'each query’s attention weights sum to 1',
  points: 1,
  async run(ctx) {
    const got = await studentAttention(ctx);
    const n = ATT.length;
    let worst = { sum: 1, row: 0 };
    for (let row = 0; row < got.weights.length / n; row++) {
      const sum = got.weights.slice(row * n, (row + 1) * n).reduce((a, b) => a + b, 0);
      if (!(Math.abs(sum - 1) <= Math.abs(worst.sum - 1))) worst = { sum, row };
    }
    const figures = { worstRowSum: worst.sum };
    if (!(Math.abs(worst.sum - 1) <= 1e-4)) {
      throw new CheckFailure(
        `row ${worst.row} of the attention weights ([batch, head, query] = [${ref.unflatten(worst.row, [ATT.batch, ATT.heads, ATT.length])}]) ` +
          `sums to ${fixed(worst.sum, 4)}, not 1: the weights a query gives the keys must be a probability distribution. ` +
          'Usual causes: something added to or multiplied with the weights after the softmax, or the softmax over the wrong axis.',
        figures,
        [cause('model/layers', 3, 'the attention weights are changed after the softmax')],
      );
    }
    return { message: 'every row of weights sums to 1', figures };
  },
};

const attentionPadding: Check = {
  id: 'attention-padding',
  title: 'padded keys get (near) zero weight',
  points: 1,
  async run(ctx) {
    const got = await studentAttention(ctx);
    const n = ATT.length;
    let largest = 0;
    for (let h = 0; h < ATT.heads; h++) {
      for (let i = 0; i < n; i++) {
        for (const j of [3, 4]) largest = Math.max(largest, Math.abs(got.weights[(h * n + i) * n + j]!));
      }
    }
    const figures = { largestPaddedKeyWeight: largest };
    if (!(largest <= 1e-6)) {
      throw new CheckFailure(
        `batch item 0 has padding at positions 3 and 4, yet its queries give those keys weights up to ${fixed(largest, 6)}; ` +
          'every query should ignore padded keys (weight about 0). Usual causes: the mask applied along the query axis, ' +
          'or applied after the softmax, or with the wrong sign.',
        figures,
        (await reference(ctx).judgeAttention(attentionCase(), got)).maskOnQueries
          ? [cause('tensors-and-inputs/wrong-tensor-shape', 4, 'the mask broadcasts along the query axis: real queries attend as if unmasked, padded queries’ rows change')]
          : [cause('model/layers', 3, 'the padding mask does not block the padded keys')],
      );
    }
    return { message: `padded keys get weight at most ${scientific(largest)}`, figures };
  },
};

const multiHeadReference: Check = {
  id: 'multi-head-reference',
  title: 'multi-head attention equals the reference',
  points: 1,
  buildsOn: ['attention-reference'],
  async run(ctx) {
    return withSmallModel(ctx, async (t, model) => {
      const [batch, length, d] = [2, 5, SMALL.dModel];
      const xValues = ref.fixedValues([batch, length, d], 4);
      const weights = model.blocks[0]!.attention;
      const out = t.multiHeadAttention(weights, tf.tensor3d(xValues, [batch, length, d]), tf.tensor2d(ATT_MASK), SMALL.heads);
      expectShape('the multi-head attention output', out.shape, [batch, length, d]);
      const values = blockValues(model.blocks[0]!).attention;
      const got = out.dataSync();
      const { diff, index, expected, mergedByReshape } = await reference(ctx).judgeMultiHead(values, xValues, [batch, length, d], ATT_MASK, SMALL.heads, got);
      if (!(diff <= 1e-4)) {
        throw new CheckFailure(
          `with dModel ${d} and ${SMALL.heads} heads, the output at [${ref.unflatten(index, [batch, length, d])}] is ${fixed(got[index]!, 4)}, ` +
            `the reference gives ${fixed(expected, 4)}. Usual causes: heads split or merged with a reshape that mixes positions and features ` +
            '(a transpose is needed), the output projection left out, or a mistake in attention itself (see attention-reference).',
          { largestDifference: diff },
          mergedByReshape
            ? [cause('tensors-and-inputs/wrong-tensor-shape', 4, 'the output is what merging the heads by a reshape alone, without a transpose, gives')]
            : [cause('tensors-and-inputs/wrong-tensor-shape', 2, 'heads split or merged along the wrong axes'), cause('model/layers', 1, 'a projection left out')],
        );
      }
      return { message: `equals the reference (largest difference ${scientific(diff)})`, figures: { largestDifference: diff } };
    });
  },
};

const layerNormCheck: Check = {
  id: 'layer-norm',
  title: 'layer norm normalises each position’s features',
  points: 1,
  async run(ctx) {
    const t = await load(ctx);
    const shape: [number, number, number] = [2, 3, 4];
    const xValues = ref.fixedValues(shape, 5, 3).map((v, i) => v + (i % 7));
    const gain = [1.5, 0.5, 2, 1];
    const bias = [0.1, -0.2, 0, 0.3];
    const weights = { gain: tf.variable(tf.tensor1d(gain)), bias: tf.variable(tf.tensor1d(bias)) };
    try {
      const got = tf.tidy(() => {
        const y = t.layerNorm(tf.tensor3d(xValues, shape), weights);
        return { shape: y.shape, values: y.dataSync() as Float32Array };
      });
      expectShape('the layer norm output', got.shape, shape);
      const rows = Array.from({ length: 6 }, (_, r) => xValues.slice(r * 4, r * 4 + 4));
      const { diff, index, expected } = await reference(ctx).judgeLayerNorm(rows, gain, bias, got.values);
      if (!(diff <= 1e-3)) {
        throw new CheckFailure(
          `on an input of shape ${shapeText(shape)}, value [${ref.unflatten(index, shape)}] is ${fixed(got.values[index]!, 4)}, expected ${fixed(expected, 4)}: ` +
            'each position’s features should get mean 0 and variance 1 (epsilon 1e-5), then the gain and bias. ' +
            'Usual causes: mean and variance taken over the batch or sequence axis instead of the last one, or gain and bias left out.',
          { largestDifference: diff },
          [cause('model/layers', 3, 'layer norm normalises over the wrong axis')],
        );
      }
      return { message: `equals the reference (largest difference ${scientific(diff)})`, figures: { largestDifference: diff } };
    } finally {
      tf.dispose([weights.gain, weights.bias]);
    }
  },
};

const encoderBlockReference: Check = {
  id: 'encoder-block-reference',
  title: 'an encoder block equals the reference',
  points: 1,
  buildsOn: ['multi-head-reference', 'layer-norm'],
  async run(ctx) {
    return withSmallModel(ctx, async (t, model) => {
      const [batch, length, d] = [2, 5, SMALL.dModel];
      const xValues = ref.fixedValues([batch, length, d], 6, 2);
      const out = t.encoderBlock(model.blocks[0]!, tf.tensor3d(xValues, [batch, length, d]), tf.tensor2d(ATT_MASK), SMALL.heads);
      expectShape('the encoder block output', out.shape, [batch, length, d]);
      const got = out.dataSync();
      const { diff, index, expected } = await reference(ctx).judgeEncoderBlock(blockValues(model.blocks[0]!), xValues, [batch, length, d], ATT_MASK, SMALL.heads, got);
      if (!(diff <= 1e-3)) {
        throw new CheckFailure(
          `the block's output at [${ref.unflatten(index, [batch, length, d])}] is ${fixed(got[index]!, 4)}, the reference gives ${fixed(expected, 4)} ` +
            `(largest difference ${fixed(diff, 4)}); the reference is the post-norm block of the paper, as the README describes it. ` +
            'Usual causes: a residual connection missing, layer norm over the wrong axis, the norms or the ReLU in the wrong place, ' +
            'or a mistake in the attention checked above.',
          { largestDifference: diff },
          [
            cause('model/layers', 3, 'the block differs from attention, residual, norm, feed-forward, residual, norm'),
            // Its parts are checked apart but for the feed-forward network, whose ReLU is the block's one activation.
            cause('model/activation-function', 1, 'the feed-forward network’s ReLU missing or elsewhere'),
          ],
        );
      }
      return { message: `equals the reference (largest difference ${scientific(diff)})`, figures: { largestDifference: diff } };
    });
  },
};

const shapes: Check = {
  id: 'output-shapes',
  title: 'embeddings, encoder and classifier give the right shapes',
  points: 1,
  async run(ctx) {
    return withSmallModel(ctx, (t, model) => {
      for (const [batch, length] of [
        [3, 7],
        [1, 12],
      ] as const) {
        const ids = tf.tensor2d(ref.fixedValues([batch, length], 7).map((v, i) => (i % length < length - 2 ? 2 + Math.floor(Math.abs(v) * 30) : 0)), [batch, length], 'int32');
        const embedded = t.embed(model, ids);
        expectShape(`embed() of ids [${batch}, ${length}]`, embedded.shape, [batch, length, SMALL.dModel]);
        const encoded = t.encode(model, embedded, t.paddingMask(ids));
        expectShape(`encode() of [${batch}, ${length}, ${SMALL.dModel}]`, encoded.shape, [batch, length, SMALL.dModel]);
        const pooled = t.meanPool(encoded, t.paddingMask(ids));
        expectShape('meanPool()', pooled.shape, [batch, SMALL.dModel]);
        const logits = t.classify(model, ids);
        expectShape(`classify() of ids [${batch}, ${length}]`, logits.shape, [batch, CLASSES]);
      }
      return `embed [b, L, ${SMALL.dModel}], encode [b, L, ${SMALL.dModel}], meanPool [b, ${SMALL.dModel}], classify [b, ${CLASSES}]`;
    });
  },
};

const permutation: Check = {
  id: 'positions-matter',
  title: 'without positions the encoder is permutation-equivariant; with them it is not',
  points: 1,
  buildsOn: ['multi-head-reference', 'positional-encoding'],
  async run(ctx) {
    return withSmallModel(ctx, (t, model) => {
      const [batch, length, d] = [2, 6, SMALL.dModel];
      const rows = [
        [5, 9, 13, 2, 30, 21],
        [7, 3, 11, 17, 25, 8],
      ];
      const order = [3, 0, 5, 1, 4, 2];
      const permuted = rows.map((row) => order.map((i) => row[i]!));
      const ids = tf.tensor2d(rows, [batch, length], 'int32');
      const idsPermuted = tf.tensor2d(permuted, [batch, length], 'int32');
      const mask = tf.ones([batch, length]) as tf.Tensor2D;
      const reorder = (x: tf.Tensor3D) => tf.gather(x, order, 1);
      // Without positions: tokens alone, straight from the embedding table.
      const plain = t.encode(model, tf.gather(model.tokenEmbedding, ids) as tf.Tensor3D, mask);
      const plainPermuted = t.encode(model, tf.gather(model.tokenEmbedding, idsPermuted) as tf.Tensor3D, mask);
      const withoutPositions = ref.largestDifference(reorder(plain).dataSync(), plainPermuted.dataSync()).diff;
      const full = t.encode(model, t.embed(model, ids), mask);
      const fullPermuted = t.encode(model, t.embed(model, idsPermuted), mask);
      const withPositions = ref.largestDifference(reorder(full).dataSync(), fullPermuted.dataSync()).diff;
      const figures = { differenceWithoutPositions: withoutPositions, differenceWithPositions: withPositions };
      if (!(withoutPositions <= 1e-4)) {
        throw new CheckFailure(
          `on token embeddings alone (no positions), shuffling the ${length} tokens should shuffle the encoder's outputs the same way, ` +
            `but they differ by up to ${fixed(withoutPositions, 4)} (dModel ${d}): the encoder blocks themselves treat positions differently. ` +
            'Usual causes: positions added inside the blocks, a mask that depends on position, or features mixed across positions outside attention.',
          figures,
          [cause('model/layers', 2, 'the encoder blocks depend on token positions')],
        );
      }
      if (!(withPositions >= 1e-3)) {
        throw new CheckFailure(
          `with embed(), shuffling the tokens only shuffles the encoder's outputs (largest difference ${fixed(withPositions, 6)}): ` +
            'the model cannot tell word order, so the positional encodings are not reaching it.',
          figures,
          [cause('model/layers', 3, 'positional encodings missing from the embeddings')],
        );
      }
      return {
        message: `equivariant without positions (difference ${scientific(withoutPositions)}), order-aware with them (difference ${fixed(withPositions, 3)})`,
        figures,
      };
    });
  },
};

const pooling: Check = {
  id: 'pooling',
  title: 'mean pooling over the unmasked tokens only',
  points: 1,
  async run(ctx) {
    const t = await load(ctx);
    const shape: [number, number, number] = [2, 4, 3];
    const xValues = ref.fixedValues(shape, 8, 2);
    const mask = [
      [1, 1, 0, 0],
      [1, 1, 1, 1],
    ];
    const got = tf.tidy(() => {
      const pooled = t.meanPool(tf.tensor3d(xValues, shape), tf.tensor2d(mask));
      return { shape: pooled.shape, values: pooled.dataSync() as Float32Array };
    });
    expectShape('meanPool of [2, 4, 3]', got.shape, [2, 3]);
    const expected = mask.flatMap((row, b) => {
      const kept = row.reduce((a, m) => a + m, 0);
      return [0, 1, 2].map((f) => row.reduce((sum, m, i) => sum + m * xValues[(b * 4 + i) * 3 + f]!, 0) / kept);
    });
    const { diff, index } = ref.largestDifference(got.values, expected);
    if (!(diff <= 1e-5)) {
      throw new CheckFailure(
        `message ${Math.floor(index / 3)} (${mask[Math.floor(index / 3)]!.filter((m) => m).length} real tokens of 4) pools feature ${index % 3} ` +
          `to ${fixed(got.values[index]!, 4)}; the mean over its real tokens is ${fixed(expected[index]!, 4)}. ` +
          'Usual causes: padding positions counted in the sum or in the count.',
        { largestDifference: diff },
        [cause('model/layers', 3, 'pooling counts padding')],
      );
    }
    return { message: 'means over the real tokens only', figures: { largestDifference: diff } };
  },
};

const paddingInvariance: Check = {
  id: 'padding-invariance',
  title: 'extra padding does not change a message’s scores',
  points: 1,
  buildsOn: ['attention-padding', 'multi-head-reference', 'pooling'],
  async run(ctx) {
    return withSmallModel(ctx, (t, model) => {
      const messages = [
        [5, 9, 13, 2],
        [7, 3, 11],
      ];
      const padTo = (n: number) => tf.tensor2d(messages.map((m) => [...m, ...new Array(n - m.length).fill(t.PAD)]), [2, n], 'int32');
      const short = t.classify(model, padTo(6)).dataSync();
      const long = t.classify(model, padTo(14)).dataSync();
      const { diff } = ref.largestDifference(short, long);
      const figures = { largestDifference: diff };
      if (!(diff <= 1e-4)) {
        throw new CheckFailure(
          `the same two messages padded to 6 and to 14 tokens get scores that differ by up to ${fixed(diff, 4)} ` +
            `(e.g. [${fixed(short[0]!, 3)}, ${fixed(short[1]!, 3)}] versus [${fixed(long[0]!, 3)}, ${fixed(long[1]!, 3)}]): padding must not change what the model says. ` +
            'Usual causes: the attention mask not blocking padded keys, or pooling that counts padding.',
          figures,
          [cause('model/layers', 2, 'padding leaks into the attention or the pooling')],
        );
      }
      return { message: `scores unchanged by padding (difference ${scientific(diff)})`, figures };
    });
  },
};

/**
 * Where a correct first loss lies when the grader cannot compute it on the same
 * batch (no DataLoader): the given createModel's loss on a first batch of 32,
 * tolerance bounds over 30 seeds 0.642 to 0.745
 * (`npx tsx grader/cli/initial-loss-bands.ts`).
 */
const INITIAL_LOSS_BAND = { low: 0.64, high: 0.75 };
/** What the README prescribes; the prescription checks compare the student's run with it. */
const README = { batchSize: 32, epochs: 3, learningRate: 0.003 };

const gradientsFlow = gradientFlowCheck({
  points: 1,
  measure: (ctx) =>
    withSmallModel(ctx, (t, model) => {
      // Eight messages of several lengths, five of one class and three of the other: with
      // one message per class the two halves of a bias gradient nearly cancel.
      const messages = [
        [5, 9, 13, 2, 0, 0],
        [7, 3, 11, 17, 25, 8],
        [4, 12, 0, 0, 0, 0],
        [21, 6, 19, 10, 0, 0],
        [14, 2, 27, 5, 30, 0],
        [8, 16, 3, 0, 0, 0],
        [29, 11, 7, 22, 18, 9],
        [6, 24, 15, 0, 0, 0],
      ];
      const ids = tf.tensor2d(messages, [messages.length, 6], 'int32');
      const labels = tf.tensor1d([0, 1, 0, 0, 1, 0, 1, 0], 'int32');
      return gradientNorms(transformerClassifier(t, model), ids, labels, CLASSES);
    }),
  zeroByDesign: {
    test: (name) => /attention\.key\.b$/.test(name),
    why: 'a key bias adds the same amount to all of a query’s scores, which the softmax ignores',
  },
});

/** The probes' view of the student's model: its variables, and classify() for the logits. */
function transformerClassifier(t: Module, model: T.Transformer): Classifier {
  return { variables: variablesOf(model), logits: (ids) => t.classify(model, ids as tf.Tensor2D) };
}

/** The first messages of the training set, encoded, through a fresh model of the lesson's size. */
const overfit = overfitCheck({
  points: 1,
  async measure(ctx) {
    const t = await load(ctx);
    const data = loadSpamAssassinSubset();
    const h = t.hyperparameters;
    const vocabulary = t.buildVocabulary(data.train.texts, h.vocabularySize);
    const batch = { texts: data.train.texts.slice(0, OVERFIT_MESSAGES), labels: data.train.labels.slice(0, OVERFIT_MESSAGES) };
    const { ids, labels } = t.toTensors(batch as typeof data.train, vocabulary, h.maxLength);
    const model = t.createModel({ vocabularySize: vocabulary.tokens.length, dModel: h.dModel, heads: h.heads, dFeedForward: h.dFeedForward, blocks: h.blocks, numClasses: CLASSES });
    try {
      return overfitOneBatch(transformerClassifier(t, model), ids, labels, CLASSES);
    } finally {
      tf.dispose([ids, labels]);
      disposeModel(model);
    }
  },
});

export default defineLesson({
  id: '05-transformer',
  title: 'A transformer encoder for text classification',
  files: [FILE, FINE_TUNE_FILE],
  fixtures: {
    [training]: { timeoutMs: 150_000, run: trainForGrading },
    [fineTuneFixture]: { timeoutMs: 120_000, run: fineTuneForGrading },
  },
  calibrate: calibrateFrom(training),
  // Part 2 keeps its calibration in reference-fine-tune.json, apart from part 1's.
  calibrateParts: { [PART]: calibrateFineTune },
  // Its pass marks come from the solution and fine-tune.ts's alternates (calibrate --alternates).
  partFiles: { [PART]: FINE_TUNE_FILE },
  // Only part 2's checks load fine-tune.ts.
  checksOfFile: { [FINE_TUNE_FILE]: fineTuneChecks.map((check) => check.id) },
  checks: [
    tokenisation,
    positionalEncodingCheck,
    attentionReference,
    attentionRows,
    attentionPadding,
    multiHeadReference,
    layerNormCheck,
    encoderBlockReference,
    shapes,
    permutation,
    pooling,
    paddingInvariance,
    gradientsFlow,
    overfit,
    initialLossCheck({ fixture: training, points: 1, expected: Math.log(CLASSES), expectedText: 'ln(2) = 0.693 for 2 classes', band: INITIAL_LOSS_BAND }),
    lossCurveCheck({ fixture: training, points: 2, resolution: 0.01, floor: 0 }),
    weightsMovedCheck({ fixture: training, points: 1 }),
    optimizerCheck({
      fixture: training,
      points: 1,
      className: 'Adam',
      settings: { learningRate: README.learningRate },
      text: `Adam with learning rate ${README.learningRate} (tf.train.adam)`,
    }),
    batchSizeCheck({ fixture: training, points: 1, batchSize: README.batchSize }),
    epochsCheck({ fixture: training, points: 1, epochs: README.epochs, batchSize: README.batchSize }),
    noLeakCheck({ fixture: training, points: 1 }),
    metricCheck({
      id: 'accuracy',
      title: 'test accuracy close to the reference',
      fixture: training,
      metric: 'accuracy',
      chance: 1 / CLASSES,
      points: 2,
      resolution: 0.005,
      causes: 'Look at the failing checks above first; if they all pass, compare your hyperparameters and training loop with the lesson README.',
    }),
    // Part 2: fine-tuning the course's pretrained encoder (fine-tune.ts).
    ...fineTuneChecks,
  ],
});
