// Lesson 5's attention checks: the student's attention on fixed q, k, v and
// mask against the grader's plain-number reference (values, rows summing to 1,
// padded keys ignored), then multi-head attention on a small model's weights.
import { tf } from '#lib/tf.ts';
import { cause, type Cause } from '../../faults.ts';
import { fixed, scientific, shapeText } from '../../format.ts';
import { CheckFailure, type Check, type LessonContext } from '../../lesson.ts';
import * as ref from './fixed-numbers.ts';
import type * as Reference from './reference-math.ts';
import { blockValues, expectShape, load, reference, SMALL, withSmallModel } from './student-model.ts';

const ATT = { batch: 2, heads: 2, length: 5, dk: 4 };
/** Batch item 0 has two padding positions at the end; item 1 has none. */
export const ATT_MASK = [
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

export const attentionReference: Check = {
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

export const attentionRows: Check = {
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

export const attentionPadding: Check = {
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

export const multiHeadReference: Check = {
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
