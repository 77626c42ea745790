// Checks shared by every lesson that trains a model. Each reads a fixture that
// returns a TrainingRun, says what it measured, and names the usual causes.
import type { Cause } from '../faults.ts';
import type { Check } from '../lesson.ts';
import { CheckFailure } from '../lesson.ts';
import { BUCKETS, bucketMeans, curveAgainstReference, referenceBand } from '../curves.ts';
import { metricSpread } from '../reference.ts';
import type { DeadUnits } from './dead-relu.ts';
import { startedUniform, type TrainingTrace } from './trace.ts';

export interface TrainingRun {
  trace: TrainingTrace;
  /** End-of-run figures computed by the grader itself, e.g. accuracy. */
  metrics: Record<string, number>;
  /** Extra measurements a lesson takes for its diagnosis, e.g. whether outputs are probabilities, the largest input (`largestInput`). */
  probe?: Record<string, number>;
  /** Dead units of each ReLU layer of the trained model, where the lesson measures them. */
  deadUnits?: DeadUnits[];
}

/** Lesson-specific suspects for a failing curve or metric, from what the run measured. */
export type Suspects = (run: TrainingRun) => Cause[];

const cause = (category: Cause['category'], weight: number, text: string): Cause => ({ category, weight, text });

const fmt = (value: number | null | undefined, digits = 3) =>
  value === null || value === undefined || !Number.isFinite(value) ? String(value) : value.toFixed(digits);

export function initialLossCheck(options: {
  fixture: string;
  points: number;
  expected: number;
  expectedText: string;
  tolerance: number;
}): Check {
  return {
    id: 'initial-loss',
    title: `loss at the first step near ${options.expectedText}`,
    points: options.points,
    needs: [options.fixture],
    async run(ctx) {
      const { trace } = await ctx.fixture<TrainingRun>(options.fixture);
      const first = trace.losses[0];
      if (first === undefined) {
        throw new CheckFailure('training reported no loss: call options.onStep(loss) after every optimisation step');
      }
      const figures = { initialLoss: first, expected: options.expected };
      if (!(Math.abs(first - options.expected) <= options.tolerance)) {
        const causes =
          first < 0.1 * options.expected
            ? [cause('model/layers', 3, 'a loss of about 0 from the start: does the last layer have one unit per class?')]
            : [
                cause('training/loss-function', 3, 'a loss function made for another kind of problem?'),
                cause('model/layers', 1, 'a last layer with the wrong number of units?'),
              ];
        throw new CheckFailure(
          `loss at the first step is ${fmt(first)}; an untrained model should give about ${fmt(options.expected)} (${options.expectedText}). ` +
            'Usual causes: a last layer with the wrong number of units, a loss function for another kind of problem, ' +
            'or an activation applied to outputs the loss expects as logits.',
          figures,
          causes,
        );
      }
      return { message: `loss at the first step is ${fmt(first)} (expected about ${fmt(options.expected)})`, figures };
    },
  };
}

export function lossCurveCheck(options: {
  fixture: string;
  points: number;
  relativeMargin: number;
  absoluteMargin: number;
  suspects?: Suspects;
}): Check {
  return {
    id: 'loss-curve',
    title: 'loss curve inside the reference band',
    points: options.points,
    needs: [options.fixture],
    async run(ctx) {
      const run = await ctx.fixture<TrainingRun>(options.fixture);
      const { trace } = run;
      if (!ctx.reference) throw new Error('no calibrated reference for this lesson: run `npm run calibrate`');
      const band = referenceBand(ctx.reference, options);
      const curve = curveAgainstReference(trace.losses, band);
      const steps = trace.losses.length;
      const figures = { steps, finalLoss: curve.student.at(-1) ?? null, referenceFinalLoss: band.median.at(-1)! };
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
      interface Excursion {
        slice: number;
        mean: number;
        side: 'above' | 'below';
        edge: number;
      }
      const outside: Excursion[] = [];
      curve.student.forEach((mean, slice) => {
        if (mean! > band.high[slice]!) outside.push({ slice, mean: mean!, side: 'above', edge: band.high[slice]! });
        if (mean! < band.low[slice]!) outside.push({ slice, mean: mean!, side: 'below', edge: band.low[slice]! });
      });
      // The first slice is dominated by the untrained model; a few noisy slices are allowed.
      const allowed = Math.floor(BUCKETS / 10);
      if (outside.length > allowed) {
        const worst = outside[0]!;
        const at = Math.round((100 * (worst.slice + 0.5)) / BUCKETS);
        const trend = trendOf(trace.losses);
        throw new CheckFailure(
          `the loss curve leaves the reference band in ${outside.length} of ${BUCKETS} slices of training; ` +
            `at ${at}% of training your mean loss is ${fmt(worst.mean)}, ${worst.side} the band's edge ${fmt(worst.edge)}. ${trend.text}`,
          { ...figures, slicesOutside: outside.length },
          [...trend.causes, ...(options.suspects?.(run) ?? [])],
          curve,
        );
      }
      return {
        message: `the loss curve stays inside the reference band (final loss ${fmt(figures.finalLoss)}, reference ${fmt(figures.referenceFinalLoss)})`,
        figures: { ...figures, slicesOutside: outside.length },
        curve,
      };
    },
  };
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
  return {
    id: 'weights-updated',
    title: 'every trainable weight changed',
    points: options.points,
    needs: [options.fixture],
    async run(ctx) {
      const { trace } = await ctx.fixture<TrainingRun>(options.fixture);
      const frozen = trace.weights.filter(({ before, after }) => before.every((value, i) => value === after[i]));
      const figures = { weights: trace.weights.length, unchanged: frozen.length };
      if (trace.weights.length === 0) throw new CheckFailure('the model has no trainable weights', figures);
      if (frozen.length > 0) {
        throw new CheckFailure(
          `${frozen.length} of ${trace.weights.length} weights never changed: ${frozen.map((w) => w.name).join(', ')}. ` +
            'Usual causes: gradients computed but not applied, or applied to only some of the variables.',
          figures,
          frozen.some(startedUniform)
            ? [cause('model/type-and-properties', 3, 'kernels that start with every value equal (e.g. zeros) get no gradient through a ReLU')]
            : frozen.length === trace.weights.length
              ? [cause('training/process', 3, 'no weight changed: the gradients are never applied')]
              : [cause('training/optimiser', 3, 'some weights never change: the optimizer updates only part of the model')],
        );
      }
      return { message: `all ${trace.weights.length} weights changed`, figures };
    },
  };
}

export function noLeakCheck(options: { fixture: string; points: number; perStepAllowance?: number }): Check {
  return {
    id: 'no-leaks',
    title: 'no tensors leaked per training step',
    points: options.points,
    needs: [options.fixture],
    async run(ctx) {
      const { trace } = await ctx.fixture<TrainingRun>(options.fixture);
      const steps = Math.max(trace.losses.length, 1);
      // The optimizer may keep a slot or two per weight (momentum); that is state, not a leak.
      const stateAllowance = 2 * trace.weights.length + 4;
      const leakedPerStep = Math.max(0, trace.tensorsGained - stateAllowance) / steps;
      const figures = { tensorsGained: trace.tensorsGained, steps, leakedPerStep };
      if (leakedPerStep > (options.perStepAllowance ?? 0.05)) {
        throw new CheckFailure(
          `${trace.tensorsGained} tensors were still alive after ${steps} training steps, about ${fmt(leakedPerStep, 1)} per step. ` +
            'Each step must free what it creates: wrap the step in tf.tidy and dispose the batch tensors.',
          figures,
          [cause('resources', 3, 'tensors created every step and never freed')],
        );
      }
      return { message: `${trace.tensorsGained} tensors kept after ${steps} steps (optimizer state)`, figures };
    },
  };
}

export function metricCheck(options: {
  id: string;
  title: string;
  fixture: string;
  metric: string;
  points: number;
  /** How far below the worst calibration run still passes. */
  margin: number;
  causes: string;
  suspects?: Suspects;
  /** The metric's value for a model that guesses (accuracy 1/classes), named when a run lands on it. */
  chance?: number;
}): Check {
  return {
    id: options.id,
    title: options.title,
    points: options.points,
    needs: [options.fixture],
    async run(ctx) {
      const run = await ctx.fixture<TrainingRun>(options.fixture);
      if (!ctx.reference) throw new Error('no calibrated reference for this lesson: run `npm run calibrate`');
      const spread = metricSpread(ctx.reference, options.metric);
      const value = run.metrics[options.metric];
      const threshold = spread.min - options.margin;
      const figures = { [options.metric]: value ?? null, threshold, referenceMedian: spread.median };
      if (value === undefined || !Number.isFinite(value) || value < threshold) {
        const atChance = options.chance !== undefined && value !== undefined && Math.abs(value - options.chance) < 0.02;
        throw new CheckFailure(
          `${options.metric} is ${fmt(value)}; the reference reaches ${fmt(spread.median)} (pass mark ${fmt(threshold)}). ` +
            (atChance ? `That is chance level (${fmt(options.chance)}): the model does no better than a guess. ` : '') +
            options.causes,
          figures,
          options.suspects?.(run) ?? [],
        );
      }
      return { message: `${options.metric} ${fmt(value)} (reference ${fmt(spread.median)}, pass mark ${fmt(threshold)})`, figures };
    },
  };
}
