// How lesson 5's checks reach the student's transformer.ts: loading it, a small
// seeded model for the checks on parts, its weights as plain numbers for the
// grader's reference maths, and the shape test those checks start with.
import { seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';
import type * as T from '#lib/contracts/05-transformer.ts';
import type { Classifier } from '../../checks/classifier.ts';
import { cause } from '../../faults.ts';
import { shapeText } from '../../format.ts';
import { CheckFailure, type LessonContext } from '../../lesson.ts';
import type * as Reference from './reference-math.ts';
import { disposeModel, variablesOf } from './variables.ts';

export type Module = T.Encoder;
export const FILE = 'transformer.ts';
export const load = (ctx: LessonContext) => ctx.load<Module>(FILE);
/** The reference's maths, run by the grader: the sandbox cannot read reference-math.ts. */
export const reference = (ctx: LessonContext) => ctx.graderSide<typeof Reference>();
export const CLASSES = 2;

/** A small model for the checks on parts: fast, and with several heads and blocks. */
export const SMALL = { vocabularySize: 40, dModel: 8, heads: 2, dFeedForward: 16, blocks: 2, numClasses: CLASSES };

const matrix = (t: tf.Tensor) => t.arraySync() as number[][];
const vector = (t: tf.Tensor) => t.arraySync() as number[];
const linearValues = (l: T.Linear): Reference.LinearValues => ({ w: matrix(l.w), b: vector(l.b) });

export function blockValues(block: T.BlockWeights): Reference.BlockValues {
  const a = block.attention;
  return {
    attention: { query: linearValues(a.query), key: linearValues(a.key), value: linearValues(a.value), output: linearValues(a.output) },
    norm1: { gain: vector(block.norm1.gain), bias: vector(block.norm1.bias) },
    feedForward: { hidden: linearValues(block.feedForward.hidden), output: linearValues(block.feedForward.output) },
    norm2: { gain: vector(block.norm2.gain), bias: vector(block.norm2.bias) },
  };
}

/** Runs `work` on a fresh small model (seeded), then frees the model and every tensor made on the way. */
export async function withSmallModel<R>(ctx: LessonContext, work: (t: Module, model: T.Transformer) => R | Promise<R>): Promise<R> {
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

export function expectShape(what: string, got: number[], expected: number[]): void {
  if (got.join() !== expected.join()) {
    throw new CheckFailure(`${what} has shape ${shapeText(got)}, expected ${shapeText(expected)}`, {}, [
      cause('tensors-and-inputs/wrong-tensor-shape', 3, `${what} has the wrong shape`),
    ]);
  }
}

/** The probes' view of the student's model: its variables, and classify() for the logits. */
export function transformerClassifier(t: Module, model: T.Transformer): Classifier {
  return { variables: variablesOf(model), logits: (ids) => t.classify(model, ids as tf.Tensor2D) };
}
