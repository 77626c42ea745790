// Checks shared by every lesson that trains a model. Each reads a fixture that
// returns a TrainingRun, says what it measured, and names the usual causes.
import { cause, type Cause } from '../faults.ts';
import { fixed } from '../format.ts';
import type { CalibrationOptions, Check, LessonContext } from '../lesson.ts';
import { CheckFailure } from '../lesson.ts';
import { BUCKETS, bucketMeans, curveAgainstReference, referenceBand } from '../curves.ts';
import { metricSpread, requireReference, type Reference, type ReferenceRun } from '../reference.ts';
import { toleranceBound, type Bound } from '../tolerance.ts';
import { trainingFigures } from '../evidence/training-figures.ts';
import { startedUniform, type TrainingRun } from './trace.ts';
import { fixtureCheck } from './fixture-check.ts';

/**
 * A lesson's (or part's) calibration: the losses and metrics of its training
 * fixture, plus the figures `more` measures beside it (another fixture's
 * accuracy, a from-scratch baseline) for checks that compare against those.
 */
export function calibrateFrom(
  fixture: string,
  more?: (ctx: LessonContext, options: CalibrationOptions) => Promise<Record<string, number>>,
): (ctx: LessonContext, options?: CalibrationOptions) => Promise<ReferenceRun> {
  return async (ctx, options = {}) => {
    const run = await ctx.fixture<TrainingRun>(fixture);
    const metrics = more ? { ...run.metrics, ...(await more(ctx, options)) } : run.metrics;
    return { seed: ctx.seed, losses: run.trace.losses, metrics };
  };
}

/** Lesson-specific suspects for a failing curve or metric, from what the run measured. */
export type Suspects = (run: TrainingRun) => Cause[];

/** How far a correct first loss may sit from the grader's own loss on the same batch: float32 rounding of another but equal formula. */
export const SAME_BATCH_RELATIVE_TOLERANCE = 1e-3;

export function initialLossCheck(options: {
  fixture: string;
  points: number;
  expected: number;
  expectedText: string;
  /**
   * Where a correct first loss lies when the grader cannot compute its own loss
   * on the student's first batch (no DataLoader used): measured over seeds and
   * standard initialisers (see the lesson).
   */
  band: { low: number; high: number };
}): Check {
  return fixtureCheck<TrainingRun>(
    { id: 'initial-loss', title: `loss at the first step is the cross-entropy of the untrained model (about ${options.expectedText})`, points: options.points, fixture: options.fixture },
    async ({ trace }) => {
      const first = trace.losses[0];
      if (first === undefined) {
        throw new CheckFailure('training reported no loss: call options.report(loss) after every optimisation step');
      }
      // With the first batch in hand, the grader computes the loss itself: the
      // student's must equal it, whatever initialiser made the model.
      const own = trace.firstBatchLoss;
      const ok =
        own !== undefined && Number.isFinite(own)
          ? Math.abs(first - own) <= SAME_BATCH_RELATIVE_TOLERANCE * Math.max(1, Math.abs(own))
          : first >= options.band.low && first <= options.band.high;
      const figures = { initialLoss: first, expected: options.expected, graderLossOnFirstBatch: own ?? null };
      if (!ok) {
        const causes =
          first < 0.1 * options.expected
            ? [cause('model/layers', 3, 'a loss of about 0 from the start: does the last layer have one unit per class?')]
            : [
                cause('training/loss-function', 3, 'a loss function made for another kind of problem?'),
                cause('model/layers', 1, 'a last layer with the wrong number of units?'),
                // The message's last usual cause, named too: probabilities given to a loss that applies its own softmax.
                cause('model/activation-function', 1, 'an activation applied to outputs the loss expects as logits?'),
              ];
        const against =
          own !== undefined && Number.isFinite(own)
            ? `the grader's cross-entropy of your untrained model on that same batch is ${fixed(own)}`
            : `an untrained model gives ${fixed(options.band.low, 2)} to ${fixed(options.band.high, 2)} (about ${options.expectedText})`;
        throw new CheckFailure(
          `loss at the first step is ${fixed(first)}; ${against}. ` +
            'Usual causes: a last layer with the wrong number of units, a loss function for another kind of problem ' +
            '(binary instead of categorical cross-entropy), a sum where the mean is meant, ' +
            'or an activation applied to outputs the loss expects as logits.',
          figures,
          causes,
        );
      }
      const how = own !== undefined ? `the grader's loss on the same batch is ${fixed(own)}` : `expected ${fixed(options.band.low, 2)} to ${fixed(options.band.high, 2)}`;
      return { message: `loss at the first step is ${fixed(first)} (${how})`, figures };
    },
  );
}

/** Share of training, at the end, whose mean loss is the run's outcome. */
export const FINAL_SHARE = 0.25;

/** Mean of the last `share` of the losses (at least one). */
export function finalLoss(losses: readonly number[], share = FINAL_SHARE): number {
  const tail = losses.slice(Math.floor(losses.length * (1 - share)));
  return tail.reduce((sum, value) => sum + value, 0) / Math.max(tail.length, 1);
}

/** The pass mark of the final loss: a 99% tolerance bound over the calibration runs (tolerance.ts). */
export function finalLossBound(reference: Reference, resolution: number): Bound {
  return toleranceBound(reference.runs.map((run) => finalLoss(run.losses)), 'upper', resolution);
}

export function lossCurveCheck(options: {
  fixture: string;
  points: number;
  /** Smallest difference in the final loss worth telling apart, for references whose runs all agree. */
  resolution: number;
  /** The lowest value the loss can take (0 for a cross-entropy); a loss below it is not this loss. */
  floor?: number;
  suspects?: Suspects;
}): Check {
  return fixtureCheck<TrainingRun>(
    { id: 'loss-curve', title: 'the loss falls at least as far as the reference’s, without diverging', points: options.points, fixture: options.fixture },
    async (run, ctx) => {
      const { trace } = run;
      const reference = requireReference(ctx);
      const band = referenceBand(reference);
      const curve = curveAgainstReference(trace.losses, band);
      const steps = trace.losses.length;
      const bound = finalLossBound(reference, options.resolution);
      const figures: Record<string, number | null> = { steps, referenceFinalLoss: bound.mean, finalLossPassMark: bound.value };
      if (trace.stepsAfterReturn > 0) {
        throw new CheckFailure(
          `training returned after ${steps} steps, and ${trace.stepsAfterReturn} more steps were reported after it had returned: ` +
            'is an async call (an epoch, a step) missing its await?',
          figures,
          [cause('api', 3, 'a Promise that is not awaited: training ran on after it had returned')],
          curve,
        );
      }
      if (steps < BUCKETS) {
        throw new CheckFailure(`training reported only ${steps} losses; the reference takes hundreds of steps`, figures, [
          cause('training/process', 2, 'training stops early, or does not report the loss of every step'),
        ], curve);
      }
      const firstBad = trace.losses.findIndex((loss) => !Number.isFinite(loss));
      if (firstBad !== -1) {
        throw new CheckFailure(
          `the loss became ${trace.losses[firstBad]} at step ${firstBad}: a learning rate far too high, or a log of zero?`,
          { ...figures, firstNonFiniteStep: firstBad },
          [
            cause('training/hyperparameters', 2, 'a learning rate so high that the weights blow up'),
            cause('training/loss-function', 1, 'a loss that takes the log of 0 or exponentiates large numbers'),
            cause('training/preprocessing', 1, 'inputs far larger than the model expects'),
          ],
          curve,
        );
      }
      const lowest = Math.min(...trace.losses);
      if (options.floor !== undefined && lowest < options.floor - 1e-6) {
        throw new CheckFailure(
          `the loss went down to ${fixed(lowest)}, below ${options.floor}, which this loss cannot reach for valid labels: ` +
            'are the labels or the loss something other than the lesson’s?',
          { ...figures, lowestLoss: lowest },
          [cause('tensors-and-inputs/wrong-input', 2, 'labels outside the range the loss is made for')],
        );
      }
      // The outcome, not the path: where the loss ends up. Learning faster than the reference never fails.
      const final = finalLoss(trace.losses);
      figures.finalLoss = final;
      if (final > bound.value) {
        const trend = trendOf(trace.losses);
        throw new CheckFailure(
          `over the last quarter of training your mean loss is ${fixed(final)}; correct programs end at ${fixed(bound.mean)} on average ` +
            `and under ${fixed(bound.value)} (the pass mark, from ${bound.n} reference runs). ${trend.text}`,
          figures,
          [...trend.causes, ...(options.suspects?.(run) ?? [])],
          curve,
        );
      }
      return {
        message: `the loss ends at ${fixed(final)} over the last quarter of training (reference ${fixed(bound.mean)}, pass mark ${fixed(bound.value)})`,
        figures,
        curve,
      };
    },
  );
}

/** Whether the loss fell, stayed flat or rose, which narrows the causes down. */
export function trendOf(losses: readonly number[]): { trend: 'fell' | 'flat' | 'rose' | 'unknown'; text: string; causes: Cause[] } {
  const means = bucketMeans(losses, 5).filter((value): value is number => value !== null);
  if (means.length < 2) return { trend: 'unknown', text: '', causes: [] };
  const [first, last] = [means[0]!, means.at(-1)!];
  if (last > first * 1.02) {
    return {
      trend: 'rose',
      text: 'The loss rose: a learning rate too high, or a gradient step in the wrong direction?',
      causes: [cause('training/hyperparameters', 2, 'a learning rate too high'), cause('training/optimiser', 1, 'a step against the gradient')],
    };
  }
  if (last > first * 0.95) {
    return {
      trend: 'flat',
      text: 'The loss hardly moved: are the gradients applied to all the weights, and is the learning rate large enough?',
      causes: [
        cause('training/hyperparameters', 2, 'a learning rate far too small'),
        cause('training/optimiser', 1, 'gradients applied to only some weights'),
        cause('training/process', 1, 'gradients computed but never applied'),
      ],
    };
  }
  return {
    trend: 'fell',
    text: 'The loss fell, but not like the reference: check the data preparation, shuffling and the number of epochs.',
    causes: [cause('training/hyperparameters', 0.5, 'hyperparameters unlike the reference')],
  };
}

export function weightsMovedCheck(options: { fixture: string; points: number }): Check {
  return fixtureCheck<TrainingRun>(
    { id: 'weights-updated', title: 'every trainable weight changed', points: options.points, fixture: options.fixture },
    async ({ trace }) => {
      const frozen = trace.weights.filter(({ before, after }) => before.every((value, i) => value === after[i]));
      const figures = { weights: trace.weights.length, unchanged: frozen.length };
      if (trace.weights.length === 0) throw new CheckFailure('the model has no trainable weights', figures);
      if (frozen.length > 0) {
        throw new CheckFailure(
          `${frozen.length} of ${trace.weights.length} weights never changed: ${frozen.map((w) => w.name).join(', ')}. ` +
            'Usual causes: gradients computed but not applied, or applied to only some of the variables.',
          figures,
          // Equal starting values block the gradient only behind another layer: a single layer (logistic regression) learns from zeros.
          frozen.some(startedUniform) && trace.weights.filter((w) => /kernel/i.test(w.name)).length > 1
            ? [cause('model/type-and-properties', 3, 'kernels that start with every value equal (e.g. zeros) get no gradient through a ReLU')]
            : frozen.length === trace.weights.length
              ? [cause('training/process', 3, 'no weight changed: the gradients are never applied')]
              : [cause('training/optimiser', 3, 'some weights never change: the optimizer updates only part of the model')],
        );
      }
      return { message: `all ${trace.weights.length} weights changed`, figures };
    },
  );
}

export function noLeakCheck(options: { fixture: string; points: number; perStepAllowance?: number }): Check {
  return fixtureCheck<TrainingRun>(
    { id: 'no-leaks', title: 'no tensors leaked per training step', points: options.points, fixture: options.fixture },
    async ({ trace }) => {
      const steps = Math.max(trace.losses.length, 1);
      // The optimizer may keep a slot or two per weight (momentum); that is state, not a leak.
      // tfjs 4.22's momentum optimizer also keeps its learning-rate scalar after dispose():
      // one tensor per optimizer made, tfjs's leak and not the student's.
      const tfjsLeaks = trace.optimizers.filter((use) => use.className === 'Momentum').length;
      const stateAllowance = 2 * trace.weights.length + 4 + tfjsLeaks;
      const leakedPerStep = Math.max(0, trace.tensorsGained - stateAllowance) / steps;
      const figures = { tensorsGained: trace.tensorsGained, steps, leakedPerStep };
      if (leakedPerStep > (options.perStepAllowance ?? 0.05)) {
        throw new CheckFailure(
          `${trace.tensorsGained} tensors were still alive after ${steps} training steps, about ${fixed(leakedPerStep, 1)} per step. ` +
            'Each step must free what it creates: wrap the step in tf.tidy and dispose the batch tensors.',
          figures,
          [cause('resources', 3, 'tensors created every step and never freed')],
        );
      }
      return { message: `${trace.tensorsGained} tensors kept after ${steps} steps (optimizer state)`, figures };
    },
  );
}

export function metricCheck(options: {
  id: string;
  title: string;
  fixture: string;
  metric: string;
  points: number;
  /** Smallest difference the metric can show (e.g. one test example of an accuracy), added to the bound. */
  resolution: number;
  causes: string;
  suspects?: Suspects;
  /** The metric's value for a model that guesses (accuracy 1/classes), named when a run lands on it. */
  chance?: number;
}): Check {
  return fixtureCheck<TrainingRun>(
    { id: options.id, title: options.title, points: options.points, fixture: options.fixture },
    async (run, ctx) => {
      const reference = requireReference(ctx);
      const values = reference.runs.map((referenceRun) => {
        const value = referenceRun.metrics[options.metric];
        if (value === undefined) throw new Error(`reference for ${reference.lesson} has no metric ${options.metric}`);
        return value;
      });
      // The pass mark is a 99% tolerance bound below the calibration runs (tolerance.ts).
      const bound = toleranceBound(values, 'lower', options.resolution);
      const value = run.metrics[options.metric];
      const threshold = bound.value;
      // The run's own measurements go with the verdict, pass or fail: the diagnosis weighs them.
      const figures = {
        [options.metric]: value ?? null,
        threshold,
        referenceMean: bound.mean,
        referenceMedian: metricSpread(reference, options.metric).median,
        chance: options.chance ?? null,
        ...trainingFigures(run),
      };
      if (value === undefined || !Number.isFinite(value) || value < threshold) {
        const atChance = options.chance !== undefined && value !== undefined && Math.abs(value - options.chance) < 0.02;
        throw new CheckFailure(
          `${options.metric} is ${fixed(value)}; correct programs reach ${fixed(bound.mean)} on average (pass mark ${fixed(threshold)}, from ${bound.n} reference runs). ` +
            (atChance ? `That is chance level (${fixed(options.chance)}): the model does no better than a guess. ` : '') +
            options.causes,
          figures,
          options.suspects?.(run) ?? [],
        );
      }
      return { message: `${options.metric} ${fixed(value)} (reference ${fixed(bound.mean)}, pass mark ${fixed(threshold)})`, figures };
    },
  );
}

/** Test accuracy against the reference's, for a classifier of `classes` classes (a guess scores 1 / classes). */
export function accuracyCheck(options: {
  fixture: string;
  classes: number;
  points: number;
  resolution: number;
  causes: string;
  suspects?: Suspects;
}): Check {
  const { classes, ...rest } = options;
  return metricCheck({ id: 'accuracy', title: 'test accuracy close to the reference', metric: 'accuracy', chance: 1 / classes, ...rest });
}

/**
 * What every classifier's training run is checked for first: its first loss is
 * the untrained model's cross-entropy, the curve falls as the reference's does
 * (a cross-entropy never goes below 0), and every weight learns.
 */
export function classifierRunChecks(options: {
  fixture: string;
  initialLoss: { expected: number; expectedText: string; band: { low: number; high: number } };
  /** The loss curve's resolution (see lossCurveCheck). */
  resolution: number;
  suspects?: Suspects;
}): Check[] {
  const { fixture, initialLoss, resolution, suspects } = options;
  return [
    initialLossCheck({ fixture, points: 1, ...initialLoss }),
    lossCurveCheck({ fixture, points: 2, resolution, floor: 0, suspects }),
    weightsMovedCheck({ fixture, points: 1 }),
  ];
}
