// Lesson 5's second part, fine-tuning the course's pretrained encoder
// (lib/models/spam-assassin-encoder/) on a few labelled messages: the one
// fine-tuning run of the student's code (the `fine-tune` fixture) that the
// checks on training read, its calibration, and what those checks share.
// The checkpoint and its vocabulary are read here, by the grader, from lib/.
import { loadSpamAssassinSubset } from '#lib/data/spam-assassin.ts';
import { loadCheckpoint, type Checkpoint } from '#lib/models/transformer-checkpoint.ts';
import { PAD_ID } from '#lib/models/wordpiece.ts';
import { observeAdamW, type AdamW } from '#lib/optim/adamw.ts';
import { seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';
import type * as F from '#lib/contracts/05-transformer.ts';
import type * as T from '#lib/contracts/05-transformer.ts';
import { recordTraining, type TrainingRun } from '../../checks/trace.ts';
import { calibrateFrom } from '../../checks/training-checks.ts';
import type { LessonContext } from '../../lesson.ts';
import { partReference } from '../../reference.ts';
import { disposeModel, variablesOf } from './variables.ts';

export type Part = F.FineTuning;
type Encoder = T.Encoder;
export const FINE_TUNE_FILE = 'fine-tune.ts';
export const PART = 'fine-tune';
/** The fixture: one fine-tuning run of the student's code. */
export const fineTuneFixture = 'fine-tune';
export const CLASSES = 2;
/** What the README prescribes. */
export const FINE_TUNE_README = { learningRate: 1e-3, weightDecay: 0.01, batchSize: 16, epochs: 3, labelledPerClass: 100, maxLength: 64 };

export const loadPart = (ctx: LessonContext) => ctx.load<Part>(FINE_TUNE_FILE);
export const loadEncoder = (ctx: LessonContext) => ctx.load<Encoder>('transformer.ts');

let checkpointCache: Checkpoint | undefined;
/** The checkpoint as the grader reads it (checksums checked), once per process. */
export function checkpoint(): Checkpoint {
  return (checkpointCache ??= loadCheckpoint());
}

/** Weights that weight decay must leave alone: biases and layer-norm gains and biases. */
export const undecayed = (name: string) => /\.(b|bias|gain)$/.test(name);

// ---------------------------------------------------------------------------
// The fine-tuning run
// ---------------------------------------------------------------------------

export interface FineTuneRun extends TrainingRun {
  /** Body weights whose values before training differ from the checkpoint's (or that it lacks). */
  notLoaded: { name: string; largestDifference: number }[];
  bodyWeights: number;
  /** The learning rate of every AdamW step, in order, and the plan they should follow. */
  learningRates: number[];
  plan: { peak: number; warmupSteps: number; totalSteps: number };
  /** The model's variables and the weight decay AdamW gave each (undefined: not trained at all). */
  decay: { name: string; weightDecay: number | undefined }[];
  adamWs: number;
}

/** The grader's own predictions: its own padding and mask around the student's classify(). */
function predictions(part: Part, model: T.Transformer, examples: readonly F.Example[]): number[] {
  const out: number[] = [];
  for (let start = 0; start < examples.length; start += 100) {
    const rows = examples.slice(start, start + 100);
    const longest = Math.max(...rows.map((row) => row.ids.length));
    out.push(
      ...tf.tidy(() => {
        const ids = tf.tensor2d(rows.flatMap((row) => [...row.ids, ...new Array<number>(longest - row.ids.length).fill(PAD_ID)]), [rows.length, longest], 'int32');
        const mask = tf.tensor2d(rows.flatMap((row) => Array.from({ length: longest }, (_, i) => (i < row.ids.length ? 1 : 0))), [rows.length, longest]);
        return [...part.classify(model, ids, mask).argMax(-1).dataSync()];
      }),
    );
  }
  return out;
}

/** Grader's F1 of class 1. */
export function referenceF1(predicted: readonly number[], labels: readonly number[]): number {
  let [tp, fp, fn] = [0, 0, 0];
  predicted.forEach((p, i) => {
    if (p === 1 && labels[i] === 1) tp++;
    else if (p === 1) fp++;
    else if (labels[i] === 1) fn++;
  });
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** The schedule the README describes, for the grader's comparisons. */
export function plannedRate(step: number, plan: FineTuneRun['plan']): number {
  if (step < plan.warmupSteps) return (plan.peak * step) / plan.warmupSteps;
  return plan.peak * Math.max(0, (plan.totalSteps - step) / Math.max(1, plan.totalSteps - plan.warmupSteps));
}

async function examplesFor(ctx: LessonContext) {
  const part = await loadPart(ctx);
  const h = part.fineTuningHyperparameters;
  const sets = loadSpamAssassinSubset();
  const tokenizer = part.loadTokenizer(checkpoint());
  return {
    part,
    h,
    train: part.toExamples(tokenizer, part.fewLabels(sets.train, h.labelledPerClass), h.maxLength),
    test: part.toExamples(tokenizer, sets.test, h.maxLength),
  };
}

async function fineTuneAndMeasure(ctx: LessonContext, fromScratch: boolean): Promise<FineTuneRun> {
  const { part, h, train, test } = await examplesFor(ctx);
  const encoder = await loadEncoder(ctx);
  seedEverything(ctx.seed);
  const model = fromScratch ? encoder.createModel({ ...checkpoint().config, numClasses: CLASSES }) : part.loadPretrained(checkpoint(), CLASSES);
  const variables = variablesOf(model);
  const body = variables.filter(({ name }) => name === 'tokenEmbedding' || name.startsWith('blocks['));
  const notLoaded = body.flatMap(({ name, variable }) => {
    const stored = checkpoint().weights.get(name);
    if (!stored || stored.shape.join() !== variable.shape.join()) return [{ name, largestDifference: Infinity }];
    const values = variable.dataSync();
    let largest = 0;
    for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]! - stored.values[i]!));
    return largest === 0 ? [] : [{ name, largestDifference: largest }];
  });
  const learningRates: number[] = [];
  const optimizers = new Set<AdamW>();
  const stop = observeAdamW(({ optimizer, learningRate }) => {
    optimizers.add(optimizer);
    learningRates.push(learningRate);
  });
  let trace;
  try {
    trace = await recordTraining(() => variables, (report) => part.fineTune(model, train, { seed: ctx.seed, report }));
  } finally {
    stop();
  }
  const decayOf = new Map<tf.Variable, number>();
  for (const optimizer of optimizers) for (const group of optimizer.groups) for (const param of group.params) decayOf.set(param, group.weightDecay);
  const predicted = predictions(part, model, test);
  const labels = test.map((example) => example.label);
  const accuracy = predicted.filter((p, i) => p === labels[i]).length / labels.length;
  const run: FineTuneRun = {
    trace,
    metrics: { fineTuneAccuracy: accuracy, fineTuneF1: referenceF1(predicted, labels) },
    trainingExamples: train.length,
    notLoaded,
    bodyWeights: body.length,
    learningRates,
    plan: { peak: h.learningRate, warmupSteps: h.warmupSteps, totalSteps: h.epochs * Math.ceil(train.length / h.batchSize) },
    decay: variables.map(({ name, variable }) => ({ name, weightDecay: decayOf.get(variable) })),
    adamWs: optimizers.size,
  };
  disposeModel(model);
  return run;
}

export const fineTuneForGrading = (ctx: LessonContext) => fineTuneAndMeasure(ctx, false);

/**
 * Calibration of part 2: the fine-tuned run, and, for the solution itself, the
 * same architecture and budget from random weights. (An alternate's run from
 * scratch would mostly repeat the solution's: most alternates change only
 * loadPretrained, which a run from scratch does not call.)
 */
export const calibrateFineTune = calibrateFrom(fineTuneFixture, async (ctx, options): Promise<Record<string, number>> => {
  if (options.alternate) return {};
  const scratch = await fineTuneAndMeasure(ctx, true);
  return { scratchAccuracy: scratch.metrics.fineTuneAccuracy!, scratchF1: scratch.metrics.fineTuneF1! };
});

/** The context with part 2's reference in place of the lesson's. */
export function withPartReference(ctx: LessonContext): LessonContext {
  return {
    lessonDir: ctx.lessonDir,
    seed: ctx.seed,
    reference: partReference(ctx.reference, PART),
    load: (file) => ctx.load(file),
    fixture: (name) => ctx.fixture(name),
    graderSide: () => ctx.graderSide(),
  };
}
