// The grader's own transformer pieces, in plain JavaScript numbers (float64),
// written independently of the student's tf code: what the checks compare with.

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

/** A fixed, varied test input: no randomness, so every grading run sees the same numbers. */
export function fixedValues(shape: number[], salt: number, scale = 1): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) => scale * Math.sin(1.7 * i + 0.3 * salt + 0.01 * i * i));
}

/** The largest absolute difference between two equally long lists, and where. */
export function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; index: number } {
  let diff = 0;
  let index = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= diff)) {
      diff = d;
      index = i;
    }
  }
  return { diff, index };
}

/** The multi-index of a flat index in a tensor of `shape`. */
export function unflatten(index: number, shape: number[]): number[] {
  const at: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    at.unshift(index % shape[axis]!);
    index = Math.floor(index / shape[axis]!);
  }
  return at;
}
