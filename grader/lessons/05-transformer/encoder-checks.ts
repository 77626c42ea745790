// Lesson 5's checks on the encoder around attention: layer norm and a whole
// block against the reference, the shapes each stage gives, what positions
// change, mean pooling, and scores that padding does not move.
import { tf } from '#lib/tf.ts';
import { cause, type Cause } from '../../faults.ts';
import { fixed, scientific, shapeText } from '../../format.ts';
import { CheckFailure, type Check, type LessonContext } from '../../lesson.ts';
import { ATT_MASK } from './attention-checks.ts';
import * as ref from './fixed-numbers.ts';
import type { BlockValues } from './reference-math.ts';
import { blockValues, CLASSES, expectShape, load, reference, SMALL, withSmallModel, type Module } from './student-model.ts';
import type * as T from '#lib/contracts/05-transformer.ts';

export const layerNormCheck: Check = {
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

export const encoderBlockReference: Check = {
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
      const values = blockValues(model.blocks[0]!);
      const { diff, index, expected } = await reference(ctx).judgeEncoderBlock(values, xValues, [batch, length, d], ATT_MASK, SMALL.heads, got);
      if (!(diff <= 1e-3)) {
        throw new CheckFailure(
          `the block's output at [${ref.unflatten(index, [batch, length, d])}] is ${fixed(got[index]!, 4)}, the reference gives ${fixed(expected, 4)} ` +
            `(largest difference ${fixed(diff, 4)}); the reference is the post-norm block of the paper, as the README describes it. ` +
            'Usual causes: a residual connection missing, layer norm over the wrong axis, the norms or the ReLU in the wrong place, ' +
            'or a mistake in the attention checked above.',
          { largestDifference: diff },
          await blockCauses(ctx, t, model.blocks[0]!, values),
        );
      }
      return { message: `equals the reference (largest difference ${scientific(diff)})`, figures: { largestDifference: diff } };
    });
  },
};

/**
 * Why a block differs, when its attention and layer norm are checked apart:
 * the one part left unchecked is the feed-forward network, so it is measured
 * alone. Right, the fault is how the block joins its parts (residuals, norms);
 * equal to its two layers with no activation, the ReLU is missing; otherwise
 * its activation is most likely another or elsewhere (its layers are linear()).
 */
async function blockCauses(ctx: LessonContext, t: Module, block: T.BlockWeights, values: BlockValues): Promise<Cause[]> {
  const assembly = cause('model/layers', 3, 'the block differs from attention, residual, norm, feed-forward, residual, norm');
  const rows = [0, 1, 2].map((r) => ref.fixedValues([SMALL.dModel], 11 + r, 2));
  let ff: { diff: number; withoutActivation: number };
  try {
    const got = tf.tidy(() => t.feedForward(block.feedForward, tf.tensor3d([rows])).dataSync() as Float32Array);
    ff = await reference(ctx).judgeFeedForward(values.feedForward, rows, got);
  } catch {
    // The feed-forward network alone failed to run (or has another shape): the measurement says nothing.
    return [assembly, cause('model/activation-function', 1, 'the feed-forward network’s ReLU missing or elsewhere')];
  }
  if (ff.diff <= 1e-3) return [cause('model/layers', 3, 'the feed-forward network equals the reference’s: the block joins its parts differently (residuals, norms)')];
  if (ff.withoutActivation <= 1e-3) return [cause('model/activation-function', 3, 'the feed-forward network equals its two linear layers with no activation between them: the ReLU is missing')];
  return [
    cause('model/activation-function', 2, 'the feed-forward network differs from linear, ReLU, linear: another activation, or the ReLU elsewhere?'),
    cause('model/layers', 1, 'the feed-forward network’s layers differ from the reference’s'),
  ];
}

export const shapes: Check = {
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

export const permutation: Check = {
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

export const pooling: Check = {
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

export const paddingInvariance: Check = {
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
