// Checks for lesson 5's second part, fine-tuning the course's pretrained
// encoder: the checks on the fine-tuning run (weights loaded, schedule stepped,
// weight decay, what is trained, the README's settings, gradients, leaks,
// accuracy, and beating training from scratch), and every part 2 check in order
// (the checks on the parts on fixed inputs are in fine-tune-parts.ts).
import { CLS_ID, PAD_ID, SEP_ID } from '#lib/models/wordpiece.ts';
import { seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';
import { gradientFlowCheck, gradientNorms } from '../../checks/gradient-flow.ts';
import { metricCheck, noLeakCheck } from '../../checks/training-checks.ts';
import { cause } from '../../faults.ts';
import { fixed } from '../../format.ts';
import { CheckFailure, type Check, type LessonContext, type CheckOutcome } from '../../lesson.ts';
import { requireReference } from '../../reference.ts';
import { toleranceBound } from '../../tolerance.ts';
import { collateCheck, f1Check, headCheck, scheduleFunction, tokenizerCheck } from './fine-tune-parts.ts';
import {
  checkpoint,
  CLASSES,
  FINE_TUNE_README,
  fineTuneFixture,
  loadPart,
  PART,
  plannedRate,
  undecayed,
  withPartReference,
  type FineTuneRun,
} from './fine-tune-run.ts';
import { disposeModel, variablesOf } from './variables.ts';

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
