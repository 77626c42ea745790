// The grader's own transformer pieces, in plain JavaScript numbers (float64),
// written independently of the student's tf code: what the checks compare with.
// Grader-side: the sandbox cannot read this file (sandbox/grader-side.ts), so
// student code can neither call these functions nor copy them. Checks call the
// judge*() functions at the end through ctx.graderSide(), with the student's
// numbers; a judge answers with how far they are from the reference and
// where, never with a whole expected tensor (the sandbox's messages are
// visible to student code).
import { largestDifference } from './fixed-numbers.ts';

export type Matrix = number[][];

export function matmul(a: Matrix, b: Matrix): Matrix {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((sum, value, k) => sum + value * b[k]![j]!, 0)));
}

export function addBias(a: Matrix, bias: number[]): Matrix {
  return a.map((row) => row.map((value, j) => value + bias[j]!));
}

export function add(a: Matrix, b: Matrix): Matrix {
  return a.map((row, i) => row.map((value, j) => value + b[i]![j]!));
}

export function softmax(row: number[]): number[] {
  const max = Math.max(...row);
  const exps = row.map((value) => Math.exp(value - max));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

/** One head: q, k, v [length][dk], keyMask [length] of 0/1. Masked keys get weight exactly 0. */
export function attentionHead(q: Matrix, k: Matrix, v: Matrix, keyMask: number[]): { output: Matrix; weights: Matrix } {
  const dk = q[0]!.length;
  const weights = q.map((qi) => {
    const scores = k.map((kj) => qi.reduce((sum, value, d) => sum + value * kj[d]!, 0) / Math.sqrt(dk));
    const kept = scores.map((score, j) => (keyMask[j] ? score : -Infinity));
    return softmax(kept);
  });
  const output = weights.map((row) => v[0]!.map((_, d) => row.reduce((sum, w, j) => sum + w * v[j]![d]!, 0)));
  return { output, weights };
}

export interface LinearValues {
  w: Matrix;
  b: number[];
}

function columns(a: Matrix, from: number, to: number): Matrix {
  return a.map((row) => row.slice(from, to));
}

/**
 * Self-attention of one sequence x [length][dModel] with `heads` heads.
 * `mergeByReshapeOnly` merges the heads' outputs [heads][length][dk] as a
 * reshape alone would, heads first: the mistake a check can recognise.
 */
export function multiHeadAttention(
  weights: { query: LinearValues; key: LinearValues; value: LinearValues; output: LinearValues },
  x: Matrix,
  keyMask: number[],
  heads: number,
  mergeByReshapeOnly = false,
): Matrix {
  const project = (l: LinearValues) => addBias(matmul(x, l.w), l.b);
  const [q, k, v] = [project(weights.query), project(weights.key), project(weights.value)];
  const dk = q[0]!.length / heads;
  const perHead = Array.from({ length: heads }, (_, h) =>
    attentionHead(columns(q, h * dk, (h + 1) * dk), columns(k, h * dk, (h + 1) * dk), columns(v, h * dk, (h + 1) * dk), keyMask).output,
  );
  const dModel = heads * dk;
  const headsFirst = perHead.flat(2);
  const merged = mergeByReshapeOnly
    ? x.map((_, i) => headsFirst.slice(i * dModel, (i + 1) * dModel))
    : x.map((_, i) => perHead.flatMap((head) => head[i]!));
  return addBias(matmul(merged, weights.output.w), weights.output.b);
}

/** Each row normalised to mean 0, variance 1 (biased, epsilon inside the root), then gain and bias. */
export function layerNorm(x: Matrix, gain: number[], bias: number[], epsilon = 1e-5): Matrix {
  return x.map((row) => {
    const mean = row.reduce((s, v) => s + v, 0) / row.length;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length;
    return row.map((value, j) => ((value - mean) / Math.sqrt(variance + epsilon)) * gain[j]! + bias[j]!);
  });
}

export interface BlockValues {
  attention: { query: LinearValues; key: LinearValues; value: LinearValues; output: LinearValues };
  norm1: { gain: number[]; bias: number[] };
  feedForward: { hidden: LinearValues; output: LinearValues };
  norm2: { gain: number[]; bias: number[] };
}

/** Post-norm encoder block of "Attention is all you need" for one sequence. */
export function encoderBlock(block: BlockValues, x: Matrix, keyMask: number[], heads: number): Matrix {
  const attended = layerNorm(add(x, multiHeadAttention(block.attention, x, keyMask, heads)), block.norm1.gain, block.norm1.bias);
  const hidden = addBias(matmul(attended, block.feedForward.hidden.w), block.feedForward.hidden.b).map((row) =>
    row.map((value) => Math.max(0, value)),
  );
  const fed = addBias(matmul(hidden, block.feedForward.output.w), block.feedForward.output.b);
  return layerNorm(add(attended, fed), block.norm2.gain, block.norm2.bias);
}

/** What a check learns of a comparison: the largest difference, where, and the expected value there. */
export interface Comparison {
  diff: number;
  index: number;
  expected: number;
}

function compare(got: ArrayLike<number>, expected: number[]): Comparison {
  const { diff, index } = largestDifference(got, expected);
  return { diff, index, expected: expected[index] ?? NaN };
}

/** Fixed q, k, v of shape [batch, heads, length, dk], flat, and a key mask [batch][length]. */
export interface AttentionInput {
  q: number[];
  k: number[];
  v: number[];
  shape: [number, number, number, number];
  mask: number[][];
}

/** The reference's weights and output on the input, and the weights of two recognisable mistakes. */
function attentionCase({ q, k, v, shape, mask }: AttentionInput) {
  const [batch, heads, length, dk] = shape;
  const expectedOutput: number[] = [];
  const expectedWeights: number[] = [];
  const unscaledWeights: number[] = [];
  const unmaskedWeights: number[] = [];
  const slice = (values: number[], b: number, h: number, scale = 1) =>
    Array.from({ length }, (_, i) => Array.from({ length: dk }, (_, d) => scale * values[((b * heads + h) * length + i) * dk + d]!));
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const { output, weights } = attentionHead(slice(q, b, h), slice(k, b, h), slice(v, b, h), mask[b]!);
      expectedOutput.push(...output.flat());
      expectedWeights.push(...weights.flat());
      // Scaling q by sqrt(dk) undoes the division: the weights of unscaled attention.
      unscaledWeights.push(...attentionHead(slice(q, b, h, Math.sqrt(dk)), slice(k, b, h), slice(v, b, h), mask[b]!).weights.flat());
      unmaskedWeights.push(...attentionHead(slice(q, b, h), slice(k, b, h), slice(v, b, h), mask[b]!.map(() => 1)).weights.flat());
    }
  }
  return { expectedOutput, expectedWeights, unscaledWeights, unmaskedWeights };
}

/**
 * The student's attention weights and output on the input against the
 * reference; `unscaled`: the weights are those of attention without the
 * 1/sqrt(dk) scaling; `maskOnQueries`: those of a mask on the query axis.
 */
export function judgeAttention(input: AttentionInput, got: { weights: ArrayLike<number>; output: ArrayLike<number> }) {
  const c = attentionCase(input);
  return {
    weights: compare(got.weights, c.expectedWeights),
    output: compare(got.output, c.expectedOutput),
    unscaled: largestDifference(got.weights, c.unscaledWeights).diff <= 1e-4,
    maskOnQueries: maskOnQueries(input, got.weights, c.unmaskedWeights),
  };
}

/**
 * Batch item 0's weights as a mask on the query axis makes them: the rows of
 * its real queries equal attention with no mask, while the rows of its
 * padded queries do not (a mask never applied changes no row).
 */
function maskOnQueries({ shape, mask }: AttentionInput, weights: ArrayLike<number>, unmaskedWeights: number[]): boolean {
  const [, heads, n] = shape;
  const row = (values: ArrayLike<number>, h: number, i: number) => Array.from({ length: n }, (_, j) => values[(h * n + i) * n + j]!);
  const rowDifference = (h: number, i: number) => largestDifference(row(weights, h, i), row(unmaskedWeights, h, i)).diff;
  const queries = mask[0]!.map((_, i) => i);
  const [real, padded] = [queries.filter((i) => mask[0]![i]), queries.filter((i) => !mask[0]![i])];
  const allHeads = Array.from({ length: heads }, (_, h) => h);
  const realRowsUnmasked = allHeads.every((h) => real.every((i) => rowDifference(h, i) <= 1e-4));
  const paddedRowsChanged = allHeads.some((h) => padded.some((i) => rowDifference(h, i) > 1e-4));
  return realRowsUnmasked && paddedRowsChanged;
}

/** Splits a flat [batch, length, d] input into one matrix per batch item. */
function sequences(values: number[], [batch, length, d]: [number, number, number]): Matrix[] {
  return Array.from({ length: batch }, (_, b) => Array.from({ length }, (_, i) => values.slice((b * length + i) * d, (b * length + i + 1) * d)));
}

/** Multi-head attention against the reference; `mergedByReshape`: it equals merging the heads by a reshape alone. */
export function judgeMultiHead(
  weights: BlockValues['attention'],
  x: number[],
  shape: [number, number, number],
  mask: number[][],
  heads: number,
  got: ArrayLike<number>,
) {
  const items = sequences(x, shape);
  const expected = items.flatMap((sequence, b) => multiHeadAttention(weights, sequence, mask[b]!, heads).flat());
  const reshapedOnly = items.flatMap((sequence, b) => multiHeadAttention(weights, sequence, mask[b]!, heads, true).flat());
  return { ...compare(got, expected), mergedByReshape: largestDifference(got, reshapedOnly).diff <= 1e-4 };
}

/** Layer norm of each row against the reference. */
export function judgeLayerNorm(rows: Matrix, gain: number[], bias: number[], got: ArrayLike<number>): Comparison {
  return compare(got, layerNorm(rows, gain, bias).flat());
}

/**
 * The feed-forward network (linear, ReLU, linear) of each row against the
 * reference, and against the same two layers with no activation between them.
 */
export function judgeFeedForward(ff: BlockValues['feedForward'], rows: Matrix, got: ArrayLike<number>): { diff: number; withoutActivation: number } {
  const hidden = addBias(matmul(rows, ff.hidden.w), ff.hidden.b);
  const out = (h: Matrix) => addBias(matmul(h, ff.output.w), ff.output.b).flat();
  return {
    diff: largestDifference(got, out(hidden.map((row) => row.map((value) => Math.max(0, value))))).diff,
    withoutActivation: largestDifference(got, out(hidden)).diff,
  };
}

/** An encoder block against the reference. */
export function judgeEncoderBlock(block: BlockValues, x: number[], shape: [number, number, number], mask: number[][], heads: number, got: ArrayLike<number>): Comparison {
  return compare(got, sequences(x, shape).flatMap((sequence, b) => encoderBlock(block, sequence, mask[b]!, heads).flat()));
}
