// Checks for lesson 5's second part: fine-tuning the course's pretrained
// encoder (lib/models/spam-assassin-encoder/) on a few labelled messages.
// The checkpoint and its vocabulary are read here, by the grader, from lib/;
// one fine-tuning run (the `fine-tune` fixture) feeds the checks on training,
// the others run the student's parts on small fixed inputs.
import { loadSpamAssassinSubset } from '#lib/data/spam-assassin.ts';
import { loadCheckpoint, type Checkpoint } from '#lib/models/transformer-checkpoint.ts';
import { CLS_ID, PAD_ID, SEP_ID, WordPieceTokenizer } from '#lib/models/wordpiece.ts';
import { observeAdamW, type AdamW } from '#lib/optim/adamw.ts';
import { seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';
import type * as F from '../../../solutions/05-transformer/fine-tune.ts';
import type * as T from '../../../solutions/05-transformer/transformer.ts';
import { gradientFlowCheck, gradientNorms } from '../../checks/gradient-flow.ts';
import { recordTraining, type TrainingRun } from '../../checks/trace.ts';
import { calibrateFrom, metricCheck, noLeakCheck } from '../../checks/training-checks.ts';
import { cause, type Cause } from '../../faults.ts';
import { fixed, shapeText } from '../../format.ts';
import { CheckFailure, type Check, type LessonContext, type CheckOutcome } from '../../lesson.ts';
import { partReference, requireReference } from '../../reference.ts';
import { toleranceBound } from '../../tolerance.ts';
import { disposeModel, variablesOf } from './variables.ts';

type Part = typeof F;
type Encoder = typeof T;
export const FINE_TUNE_FILE = 'fine-tune.ts';
export const PART = 'fine-tune';
/** The fixture: one fine-tuning run of the student's code. */
export const fineTuneFixture = 'fine-tune';
const CLASSES = 2;
/** What the README prescribes. */
export const FINE_TUNE_README = { learningRate: 1e-3, weightDecay: 0.01, batchSize: 16, epochs: 3, labelledPerClass: 100, maxLength: 64 };

const loadPart = (ctx: LessonContext) => ctx.load<Part>(FINE_TUNE_FILE);
const loadEncoder = (ctx: LessonContext) => ctx.load<Encoder>('transformer.ts');

let checkpointCache: Checkpoint | undefined;
/** The checkpoint as the grader reads it (checksums checked), once per process. */
function checkpoint(): Checkpoint {
  return (checkpointCache ??= loadCheckpoint());
}

/** Weights that weight decay must leave alone: biases and layer-norm gains and biases. */
const undecayed = (name: string) => /\.(b|bias|gain)$/.test(name);

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
  const weighted = { trainableWeights: variables.map(({ name, variable }) => ({ name, read: () => variable })) };
  let trace;
  try {
    trace = await recordTraining(weighted, (onStep) => part.fineTune(model, train, { seed: ctx.seed, onStep }));
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
function withPartReference(ctx: LessonContext): LessonContext {
  return {
    lessonDir: ctx.lessonDir,
    seed: ctx.seed,
    reference: partReference(ctx.reference, PART),
    load: (file) => ctx.load(file),
    fixture: (name) => ctx.fixture(name),
    graderSide: () => ctx.graderSide(),
  };
}

// ---------------------------------------------------------------------------
// Checks on the parts
// ---------------------------------------------------------------------------

const checkpointLoaded: Check = {
  id: 'fine-tune-checkpoint-loaded',
  title: 'part 2: the pretrained weights are loaded: before training the body equals the checkpoint',
  points: 1,
  needs: [fineTuneFixture],
  async run(ctx) {
    const run = await ctx.fixture<FineTuneRun>(fineTuneFixture);
    const figures = { bodyWeights: run.bodyWeights, notLoaded: run.notLoaded.length };
    if (run.notLoaded.length > 0) {
      const first = run.notLoaded[0]!;
      throw new CheckFailure(
        `${run.notLoaded.length} of ${run.bodyWeights} body weights of the model loadPretrained() returns differ from the checkpoint's ` +
          `(e.g. ${first.name}, by up to ${fixed(first.largestDifference, 4)}): the model starts from random weights, not from what pretraining learned. ` +
          'Copy every checkpoint weight into the variable of the same name.',
        figures,
        [cause('model/type-and-properties', 3, 'the pretrained weights are not loaded into the model')],
      );
    }
    return { message: `all ${run.bodyWeights} body weights equal the checkpoint's before fine-tuning`, figures };
  },
};

const TOKENIZER_TEXTS = [
  'FREE Money!!! Click HERE to claim your prize: www.winner.com',
  'Re: the meeting on Tuesday\nCan we move it to 3pm? Thanks, Bob',
];

const tokenizerCheck: Check = {
  id: 'fine-tune-tokenizer',
  title: 'part 2: the tokenizer matches the checkpoint: [CLS] first, its vocabulary’s ids, cut to the longest length',
  points: 1,
  async run(ctx) {
    const part = await loadPart(ctx);
    const cp = checkpoint();
    const tokenizer = part.loadTokenizer(cp);
    const reference = new WordPieceTokenizer(cp.vocabulary, { lowercase: cp.config.lowercase });
    const long = TOKENIZER_TEXTS.join(' ').repeat(8);
    for (const [text, maxLength] of [
      [TOKENIZER_TEXTS[0]!, 64],
      [TOKENIZER_TEXTS[1]!, 64],
      [long, 32],
    ] as const) {
      const got = part.tokenize(tokenizer, text, maxLength);
      const pieces = reference.encode(text).slice(0, maxLength - 2);
      const expected = [CLS_ID, ...pieces, SEP_ID];
      if (got.join() === expected.join()) continue;
      const shown = (ids: readonly number[]) => ids.slice(0, 12).map((id) => cp.vocabulary[id] ?? `#${id}`).join(' ') + (ids.length > 12 ? ' …' : '');
      const causes: Cause[] = [];
      let why = '';
      if (got[0] !== CLS_ID) {
        why = `it starts with ${cp.vocabulary[got[0]!] ?? got[0]}, not [CLS] (id ${CLS_ID}): the checkpoint was pretrained with [CLS] first, and the head reads that position.`;
        causes.push(cause('training/preprocessing', 3, 'the special tokens do not match the checkpoint’s'));
      } else if (got.length > maxLength) {
        why = `it has ${got.length} ids, more than maxLength ${maxLength}: cut the pieces so that [CLS] and [SEP] fit.`;
        causes.push(cause('training/preprocessing', 3, 'messages not truncated to the longest length'));
      } else {
        const uncased = new WordPieceTokenizer(cp.vocabulary, { lowercase: false }).encode(text);
        const unknown = got.filter((id) => id === 1).length;
        why =
          unknown > expected.filter((id) => id === 1).length || got.slice(1, -1).join() === uncased.slice(0, maxLength - 2).join()
            ? `it has ${unknown} [UNK] pieces: the checkpoint’s vocabulary is lower-case (config.lowercase ${cp.config.lowercase}); a tokenizer that keeps capitals does not find its words.`
            : 'the pieces differ from the checkpoint vocabulary’s: use the checkpoint’s tokenizer, with its settings.';
        causes.push(cause('training/preprocessing', 3, 'the tokenizer does not match the checkpoint’s (vocabulary or lower-casing)'));
      }
      throw new CheckFailure(
        `tokenize(${JSON.stringify(text.slice(0, 40))}…, ${maxLength}) gives [${shown(got)}] (${got.length} ids), expected [${shown(expected)}] (${expected.length} ids): ${why}`,
        {},
        causes,
      );
    }
    return 'ids are the checkpoint vocabulary’s pieces, [CLS] first and [SEP] last, cut to maxLength';
  },
};

const collateCheck: Check = {
  id: 'fine-tune-collate',
  title: 'part 2: dynamic padding: each batch padded to its longest message, the mask matching the padding',
  points: 1,
  async run(ctx) {
    const part = await loadPart(ctx);
    const examples: F.Example[] = [
      { ids: [CLS_ID, 10, 11, SEP_ID], label: 1 },
      { ids: [CLS_ID, 12, 13, 14, 15, 16, SEP_ID], label: 0 },
      { ids: [CLS_ID, 17, SEP_ID], label: 1 },
    ];
    const longest = 7;
    const batch = part.collate(examples);
    try {
      const ids = batch.ids.arraySync() as number[][];
      const mask = batch.mask.arraySync() as number[][];
      const labels = batch.labels.arraySync() as number[];
      const expectedIds = examples.map((e) => [...e.ids, ...new Array<number>(longest - e.ids.length).fill(PAD_ID)]);
      const expectedMask = examples.map((e) => Array.from({ length: longest }, (_, i) => (i < e.ids.length ? 1 : 0)));
      const width = batch.ids.shape[1];
      if (width !== longest || batch.mask.shape[1] !== longest) {
        throw new CheckFailure(
          `messages of ${examples.map((e) => e.ids.length).join(', ')} tokens are collated to width ${width} (mask ${batch.mask.shape[1]}), expected ${longest}: ` +
            'dynamic padding pads each batch to its own longest message, no further.',
          { width, longest },
          [cause('training/preprocessing', 3, 'batches padded past their longest message')],
        );
      }
      if (JSON.stringify(ids) !== JSON.stringify(expectedIds)) {
        throw new CheckFailure(`collated ids ${JSON.stringify(ids)}, expected ${JSON.stringify(expectedIds)}: each message, then PAD (${PAD_ID}) to the end.`, {}, [
          cause('training/preprocessing', 3, 'messages padded with the wrong token or in the wrong place'),
        ]);
      }
      if (JSON.stringify(mask) !== JSON.stringify(expectedMask)) {
        throw new CheckFailure(
          `the attention mask is ${JSON.stringify(mask)} for padding at ${JSON.stringify(expectedMask)}: it must be 1 exactly where a message has a token and 0 on its padding.`,
          {},
          [cause('model/layers', 3, 'the attention mask does not match the padding')],
        );
      }
      if (JSON.stringify(labels) !== JSON.stringify(examples.map((e) => e.label))) {
        throw new CheckFailure(`collated labels ${JSON.stringify(labels)}, expected ${JSON.stringify(examples.map((e) => e.label))}`, {}, [
          cause('training/preprocessing', 3, 'labels mixed up in the batch'),
        ]);
      }
      return `padded to the longest message (${longest}), PAD after each message, mask 1 on tokens and 0 on padding`;
    } finally {
      tf.dispose([batch.ids, batch.mask, batch.labels]);
    }
  },
};

const SMALL = { vocabularySize: 40, dModel: 8, heads: 2, dFeedForward: 16, blocks: 1, numClasses: CLASSES };

const headCheck: Check = {
  id: 'fine-tune-head',
  title: 'part 2: the head reads the [CLS] vector (or the mean over real tokens), whatever the padding',
  points: 1,
  // It runs the student's part-1 encoder: padding that leaks through part 1's attention fails it too.
  buildsOn: ['attention-padding', 'padding-invariance'],
  async run(ctx) {
    const part = await loadPart(ctx);
    const encoder = await loadEncoder(ctx);
    seedEverything(ctx.seed);
    const model = encoder.createModel(SMALL);
    tf.engine().startScope();
    try {
      const rows = [
        [CLS_ID, 9, 13, 21, SEP_ID],
        [CLS_ID, 7, SEP_ID],
      ];
      const padded = (width: number) => {
        const ids = tf.tensor2d(rows.flatMap((r) => [...r, ...new Array<number>(width - r.length).fill(PAD_ID)]), [rows.length, width], 'int32');
        const mask = tf.tensor2d(rows.flatMap((r) => Array.from({ length: width }, (_, i) => (i < r.length ? 1 : 0))), [rows.length, width]);
        return { ids, mask };
      };
      const { ids, mask } = padded(5);
      const got = part.classify(model, ids, mask);
      if (got.shape.join() !== [rows.length, CLASSES].join()) {
        throw new CheckFailure(`classify() of 2 messages gives shape ${shapeText(got.shape)}, expected [2, ${CLASSES}]`, {}, [
          cause('tensors-and-inputs/wrong-tensor-shape', 3, 'the head gives the wrong shape'),
        ]);
      }
      const encoded = encoder.encode(model, encoder.embed(model, ids), mask);
      const head = (features: tf.Tensor2D) => encoder.linear(features, model.head);
      const cls = head(encoded.slice([0, 0, 0], [rows.length, 1, SMALL.dModel]).reshape([rows.length, SMALL.dModel]));
      const meanPooled = head(encoded.mul(mask.expandDims(2)).sum(1).div(mask.sum(1, true)) as tf.Tensor2D);
      const difference = (a: tf.Tensor, b: tf.Tensor) => a.sub(b).abs().max().dataSync()[0]!;
      const fromCls = difference(got, cls);
      const fromMean = difference(got, meanPooled);
      const longer = padded(9);
      const withPadding = difference(got, part.classify(model, longer.ids, longer.mask));
      const figures = { differenceFromCls: fromCls, differenceFromMeanPooling: fromMean, differenceWithMorePadding: withPadding };
      if (!(Math.min(fromCls, fromMean) <= 1e-4)) {
        throw new CheckFailure(
          `classify() differs from the head applied to the [CLS] vector (by ${fixed(fromCls, 4)}) and to the mean over the real tokens (by ${fixed(fromMean, 4)}): ` +
            'the head must read the first position, where the [CLS] token is, or pool over the real tokens. ' +
            'The last position of a padded message is padding, and the checkpoint learned nothing there.',
          figures,
          [cause('model/layers', 3, 'the head reads the wrong position (e.g. the last token instead of [CLS])')],
        );
      }
      if (!(withPadding <= 1e-4)) {
        throw new CheckFailure(`the same messages padded to 5 and to 9 tokens get scores that differ by ${fixed(withPadding, 4)}: padding must not change what the model says.`, figures, [
          cause('model/layers', 3, 'padding leaks into the classifier'),
        ]);
      }
      return { message: `${fromCls <= 1e-4 ? '[CLS] vector' : 'mean over real tokens'} through the head, unchanged by padding`, figures };
    } finally {
      tf.engine().endScope();
      disposeModel(model);
    }
  },
};

const scheduleFunction: Check = {
  id: 'fine-tune-schedule',
  title: 'part 2: the learning rate at every step follows linear warm-up then linear decay',
  points: 1,
  async run(ctx) {
    const part = await loadPart(ctx);
    for (const plan of [
      { peak: 1e-3, warmupSteps: 4, totalSteps: 20 },
      { peak: 5e-4, warmupSteps: 0, totalSteps: 10 },
    ]) {
      for (let step = 0; step <= plan.totalSteps; step++) {
        const got = part.learningRateAt(step, plan);
        const expected = plannedRate(step, plan);
        if (!(Math.abs(got - expected) <= 1e-9 + 1e-6 * plan.peak)) {
          throw new CheckFailure(
            `learningRateAt(${step}, ${JSON.stringify(plan)}) is ${got}, expected ${expected}: ` +
              'from 0 it climbs linearly to the peak over the warm-up steps, then falls linearly to 0 at totalSteps.',
            { step, got, expected },
            [cause('training/hyperparameters', 3, 'the learning-rate schedule is computed wrongly')],
          );
        }
      }
    }
    return 'learningRateAt matches warm-up and linear decay at every step of two plans';
  },
};

const scheduleStepped: Check = {
  id: 'fine-tune-schedule-stepped',
  title: 'part 2: the schedule is stepped once per batch: every step’s learning rate as planned',
  points: 1,
  needs: [fineTuneFixture],
  async run(ctx) {
    const run = await ctx.fixture<FineTuneRun>(fineTuneFixture);
    const { plan, learningRates } = run;
    const expected = Array.from({ length: plan.totalSteps }, (_, step) => plannedRate(step, plan));
    const figures = { steps: learningRates.length, plannedSteps: plan.totalSteps, adamWs: run.adamWs };
    if (run.adamWs === 0) {
      throw new CheckFailure('fineTune() took no step with the AdamW of #lib/optim/adamw.ts', figures, [cause('training/optimiser', 3, 'AdamW not used')]);
    }
    const wrong = expected.findIndex((rate, step) => !(Math.abs((learningRates[step] ?? NaN) - rate) <= 1e-9 + 1e-6 * plan.peak));
    if (wrong === -1 && learningRates.length === expected.length) {
      return { message: `all ${learningRates.length} steps used the planned rate (peak ${plan.peak}, warm-up ${plan.warmupSteps} steps)`, figures };
    }
    const distinct = new Set(learningRates).size;
    let why: string;
    if (distinct === 1) why = `every step used ${learningRates[0]}: the schedule is never stepped, so the rate stays where it started.`;
    else if (distinct <= FINE_TUNE_README.epochs + 1) why = `the rate took only ${distinct} values over ${learningRates.length} steps: is the schedule stepped once per epoch instead of once per batch?`;
    else why = `step ${wrong} used ${learningRates[wrong]}, the plan says ${expected[wrong]}.`;
    throw new CheckFailure(
      `over ${learningRates.length} steps (planned ${plan.totalSteps}: peak ${plan.peak}, warm-up ${plan.warmupSteps}), ${why} ` +
        'Set the learning rate from learningRateAt(step) before every optimizer step, counting steps across epochs.',
      { ...figures, firstWrongStep: wrong, distinctRates: distinct },
      [cause('training/hyperparameters', 3, 'the learning-rate schedule is not stepped once per batch')],
    );
  },
};

const weightDecayCheck: Check = {
  id: 'fine-tune-weight-decay',
  title: 'part 2: AdamW decays the weight matrices and embeddings, not biases or layer-norm weights',
  points: 1,
  needs: [fineTuneFixture],
  async run(ctx) {
    const run = await ctx.fixture<FineTuneRun>(fineTuneFixture);
    const trained = run.decay.filter((d) => d.weightDecay !== undefined);
    const wronglyDecayed = trained.filter((d) => undecayed(d.name) && d.weightDecay! > 0);
    const undecayedMatrices = trained.filter((d) => !undecayed(d.name) && d.weightDecay === 0);
    const figures = { trained: trained.length, wronglyDecayed: wronglyDecayed.length, matricesWithoutDecay: undecayedMatrices.length };
    if (wronglyDecayed.length > 0) {
      throw new CheckFailure(
        `${wronglyDecayed.length} biases or layer-norm weights are decayed (e.g. ${wronglyDecayed.slice(0, 3).map((d) => `${d.name} by ${d.weightDecay}`).join(', ')}): ` +
          'decay pulls them towards 0, which for a layer-norm gain shrinks every feature. Put them in a group with weightDecay 0.',
        figures,
        [cause('training/optimiser', 3, 'weight decay applied to biases and layer-norm weights')],
      );
    }
    if (undecayedMatrices.length > 0) {
      throw new CheckFailure(
        `${undecayedMatrices.length} weight matrices or embeddings get no weight decay (e.g. ${undecayedMatrices.slice(0, 3).map((d) => d.name).join(', ')}): ` +
          `the README asks for decay ${FINE_TUNE_README.weightDecay} on them.`,
        figures,
        [cause('training/optimiser', 2, 'weight decay missing from the weight matrices')],
      );
    }
    return { message: `${trained.filter((d) => !undecayed(d.name)).length} matrices decayed, ${trained.filter((d) => undecayed(d.name)).length} biases and norm weights not`, figures };
  },
};

const wholeModelTrained: Check = {
  id: 'fine-tune-all-weights-trained',
  title: 'part 2: fine-tuning trains the whole model, body and head',
  points: 1,
  needs: [fineTuneFixture],
  async run(ctx) {
    const run = await ctx.fixture<FineTuneRun>(fineTuneFixture);
    const left = run.decay.filter((d) => d.weightDecay === undefined).map((d) => d.name);
    const unchanged = run.trace.weights.filter(({ before, after }) => before.every((v, i) => v === after[i])).map((w) => w.name);
    const stuck = [...new Set([...left, ...unchanged])];
    const figures = { weights: run.decay.length, notTrained: stuck.length };
    if (stuck.length > 0) {
      const body = left.filter((name) => !name.startsWith('head.'));
      const peak = Math.max(0, ...run.learningRates);
      if (left.length === 0 || peak === 0) {
        // Every weight was given to AdamW, yet some did not move: the steps had no size.
        throw new CheckFailure(
          `${stuck.length} of ${run.decay.length} weights did not change during fine-tuning (e.g. ${stuck.slice(0, 3).join(', ')}), ` +
            `though AdamW had them; the highest learning rate of any step was ${peak}.`,
          figures,
          [cause('training/hyperparameters', 2, 'the optimizer steps with a learning rate of 0')],
        );
      }
      throw new CheckFailure(
        `${stuck.length} of ${run.decay.length} weights did not change during fine-tuning (e.g. ${stuck.slice(0, 3).join(', ')})` +
          (body.length > 0 ? ': the body is frozen. Fine-tuning, unlike feature extraction, trains every weight, gently: give AdamW all of them.' : ': the new head never learned.'),
        figures,
        [cause('training/optimiser', 3, body.length > 0 ? 'the pretrained body is frozen: its weights are not given to the optimizer' : 'the head is not trained')],
      );
    }
    return { message: `all ${run.decay.length} weights changed`, figures };
  },
};

const prescribed: Check = {
  id: 'fine-tune-prescribed',
  prescribed: true,
  title: 'part 2: peak learning rate 1e-3, weight decay 0.01, batches of 16, 3 epochs, as the README asks',
  points: 1,
  needs: [fineTuneFixture],
  async run(ctx) {
    const run = await ctx.fixture<FineTuneRun>(fineTuneFixture);
    const part = await loadPart(ctx);
    const h = part.fineTuningHyperparameters;
    const peak = Math.max(0, ...run.learningRates);
    const decays = [...new Set(run.decay.map((d) => d.weightDecay).filter((d): d is number => d !== undefined && d > 0))];
    const figures = { peakLearningRate: peak, steps: run.trace.losses.length };
    const problems: string[] = [];
    if (Math.abs(peak - FINE_TUNE_README.learningRate) > 1e-9) {
      problems.push(
        `the highest learning rate used is ${peak}, not ${FINE_TUNE_README.learningRate}` +
          (peak >= 5e-3 ? ': a rate this high overwrites what pretraining learned in a few steps' : ''),
      );
    }
    if (decays.length > 1 || (decays[0] ?? FINE_TUNE_README.weightDecay) !== FINE_TUNE_README.weightDecay) problems.push(`weight decay ${decays.join(', ')}, not ${FINE_TUNE_README.weightDecay}`);
    if (h.batchSize !== FINE_TUNE_README.batchSize || h.epochs !== FINE_TUNE_README.epochs) problems.push(`batches of ${h.batchSize} for ${h.epochs} epochs`);
    const expectedSteps = FINE_TUNE_README.epochs * Math.ceil((run.trainingExamples ?? 0) / FINE_TUNE_README.batchSize);
    if (run.trace.losses.length !== expectedSteps) problems.push(`${run.trace.losses.length} steps reported, ${expectedSteps} expected (${FINE_TUNE_README.epochs} epochs of batches of ${FINE_TUNE_README.batchSize})`);
    if (problems.length > 0) {
      throw new CheckFailure(`${problems.join('; ')}.`, figures, [cause('training/hyperparameters', 3, 'fine-tuning hyperparameters differ from the README’s')]);
    }
    return { message: `peak ${peak}, decay ${FINE_TUNE_README.weightDecay}, ${run.trace.losses.length} steps`, figures };
  },
};

const f1Check: Check = {
  id: 'fine-tune-f1',
  title: 'part 2: F1 of the spam class, 0 when no message is predicted spam',
  points: 1,
  async run(ctx) {
    const part = await loadPart(ctx);
    const cases: [number[], number[], number][] = [
      [[1, 1, 0, 0, 1, 0], [1, 0, 0, 1, 1, 0], 2 / 3],
      [[1, 1, 1, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 1], 0.4],
      [[0, 0, 0, 0], [1, 0, 1, 0], 0],
      [[1, 0, 1], [1, 0, 1], 1],
    ];
    for (const [predicted, labels, expected] of cases) {
      const got = part.f1Score(predicted, labels);
      if (!(Math.abs(got - expected) <= 1e-9)) {
        const swapped = referenceF1(predicted.map((p) => 1 - p), labels.map((l) => 1 - l));
        const none = !predicted.includes(1);
        throw new CheckFailure(
          `f1Score(${JSON.stringify(predicted)}, ${JSON.stringify(labels)}) is ${got}, expected ${fixed(expected, 4)}` +
            (none ? ': no message is predicted spam, so precision has no messages to count and F1 is 0 by convention (not NaN).' : '') +
            (!none && Math.abs(got - swapped) <= 1e-9 ? ': that is the F1 of ham; the positive class is spam (1).' : '.'),
          { got, expected },
          [cause('training/validation-testing', 3, none ? 'F1 undefined when the positive class is never predicted' : 'F1 computed for the wrong class or with wrong counts')],
        );
      }
    }
    return 'f1Score matches on four cases, including no positive prediction';
  },
};

const gradientsFlow: Check = {
  ...gradientFlowCheck({
    points: 1,
    async measure(ctx) {
      const part = await loadPart(ctx);
      seedEverything(ctx.seed);
      const model = part.loadPretrained(checkpoint(), CLASSES);
      try {
        const rows = [
          [CLS_ID, 40, 41, 42, SEP_ID, PAD_ID],
          [CLS_ID, 50, 51, 52, 53, SEP_ID],
          [CLS_ID, 60, SEP_ID, PAD_ID, PAD_ID, PAD_ID],
          [CLS_ID, 70, 71, SEP_ID, PAD_ID, PAD_ID],
        ];
        tf.engine().startScope();
        const ids = tf.tensor2d(rows, [rows.length, 6], 'int32');
        const mask = ids.notEqual(PAD_ID).toFloat() as tf.Tensor2D;
        const labels = tf.tensor1d([0, 1, 0, 1], 'int32');
        const classifier = { variables: variablesOf(model), logits: () => part.classify(model, ids, mask) };
        return gradientNorms(classifier, ids, labels, CLASSES);
      } finally {
        tf.engine().endScope();
        disposeModel(model);
      }
    },
    zeroByDesign: {
      test: (name) => /attention\.key\.b$/.test(name),
      why: 'a key bias adds the same amount to all of a query’s scores, which the softmax ignores',
    },
  }),
  id: 'fine-tune-gradients-flow',
  title: 'part 2: every weight of the pretrained model and its head gets a gradient',
};

const noLeaks: Check = { ...noLeakCheck({ fixture: fineTuneFixture, points: 1 }), id: 'fine-tune-no-leaks', title: 'part 2: no tensors leaked per fine-tuning step' };

const accuracy: Check = (() => {
  const inner = metricCheck({
    id: 'fine-tune-accuracy',
    title: 'part 2: fine-tuned test accuracy close to the reference',
    fixture: fineTuneFixture,
    metric: 'fineTuneAccuracy',
    chance: 1 / CLASSES,
    points: 2,
    resolution: 1 / 400,
    causes: 'Look at the failing checks above first; if they all pass, compare your hyperparameters and loop with the README.',
  });
  return { ...inner, run: (ctx: LessonContext) => inner.run(withPartReference(ctx)) };
})();

const beatsScratch: Check = {
  id: 'fine-tune-beats-scratch',
  title: 'part 2: fine-tuning beats training the same model from scratch on the same labels',
  points: 1,
  needs: [fineTuneFixture],
  async run(ctx): Promise<CheckOutcome> {
    const run = await ctx.fixture<FineTuneRun>(fineTuneFixture);
    const reference = requireReference(ctx, PART);
    const scratch = reference.runs.flatMap((r) => (r.metrics.scratchAccuracy === undefined ? [] : [r.metrics.scratchAccuracy]));
    const fineTuned = reference.runs.map((r) => r.metrics.fineTuneAccuracy!);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    // The mark is halfway between the mean accuracy from scratch (the solution's calibration
    // runs) and the mean fine-tuned (the solution's and its alternates'), and never above
    // the accuracy check's own pass mark, the 1% bound over every correct program: a run
    // the accuracy check passes is never failed here. Where the two distributions overlap
    // (the margin is small against the spread of correct programs), that bound is what
    // the check can ask without failing correct programs, and it asks no more.
    const margin = mean(fineTuned) - mean(scratch);
    const accuracyMark = toleranceBound(fineTuned, 'lower', 1 / 400).value;
    const mark = Math.min(mean(scratch) + margin / 2, accuracyMark);
    const yours = run.metrics.fineTuneAccuracy!;
    const figures = { fineTuneAccuracy: yours, scratchMean: mean(scratch), scratchBest: Math.max(...scratch), referenceMargin: margin, passMark: mark };
    if (!(yours >= mark)) {
      throw new CheckFailure(
        `fine-tuned accuracy ${fixed(yours, 3)} is no better than the same model trained from random weights on the same ${run.trainingExamples} messages ` +
          `(mean ${fixed(mean(scratch), 3)}, best ${fixed(Math.max(...scratch), 3)} over ${scratch.length} seeds; pass mark ${fixed(mark, 3)}): the pretrained weights are not helping. ` +
          'Are they loaded, is the body trained gently (not frozen, not at a rate that overwrites it)?',
        figures,
        [cause('model/type-and-properties', 2, 'the pretraining is lost: weights not loaded or overwritten')],
      );
    }
    return { message: `fine-tuned ${fixed(yours, 3)} against ${fixed(mean(scratch), 3)} on average from scratch (pass mark ${fixed(mark, 3)})`, figures };
  },
};

export const fineTuneChecks: Check[] = [
  checkpointLoaded,
  tokenizerCheck,
  collateCheck,
  headCheck,
  scheduleFunction,
  scheduleStepped,
  weightDecayCheck,
  wholeModelTrained,
  prescribed,
  f1Check,
  gradientsFlow,
  noLeaks,
  accuracy,
  beatsScratch,
];
