// What a lesson's README prescribes (the optimizer and its settings, the batch
// size, the number of epochs, the architecture), each checked directly in a
// check of its own, with a message that names the prescription. Outcome checks
// (loss, accuracy) judge whether training works; these judge whether the
// student did what the lesson asked. They look at what the run did (the
// optimizers that took steps, the batches DataLoaders yielded, the model's
// weights), so any correct way of writing the code passes them.
import { cause } from '../faults.ts';
import { fixed, precise } from '../format.ts';
import { CheckFailure, type Check } from '../lesson.ts';
import type { TrainingRun } from './trace.ts';
import { fixtureCheck } from './fixture-check.ts';

/** Settings equal up to float32 rounding (0.01 stored in float32 is 0.009999999776). */
const same = (a: unknown, b: number) => typeof a === 'number' && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

export function optimizerCheck(options: {
  fixture: string;
  points: number;
  /** tfjs's class name, as getClassName() gives it: 'SGD', 'Momentum', 'Adam'. */
  className: string;
  /** The settings the README asks for, as getConfig() names them. */
  settings: Record<string, number>;
  /** The prescription in the README's words, e.g. 'SGD with momentum 0.9 and learning rate 0.01'. */
  text: string;
}): Check {
  return fixtureCheck<TrainingRun>(
    { id: 'optimizer', prescribed: true, title: `the optimizer is the README's: ${options.text}`, points: options.points, fixture: options.fixture },
    async ({ trace }) => {
      const used = trace.optimizers.filter((use) => use.steps > 0);
      // Without a tfjs optimizer there is nothing to compare; the outcome checks judge such a run.
      if (used.length === 0) return 'no tfjs optimizer took a step (a hand-written update?): not compared';
      const describe = (use: (typeof used)[number]) =>
        `${use.className} (${Object.entries(use.config)
          .map(([key, value]) => `${key} ${value}`)
          .join(', ')})`;
      const wrong = used.filter(
        (use) => use.className !== options.className || Object.entries(options.settings).some(([key, value]) => !same(use.config[key], value)),
      );
      // The README's optimizer class with other settings (a learning rate, a momentum) is a hyperparameter off, not another optimizer.
      const otherClass = wrong.filter((use) => use.className !== options.className).length;
      const figures = { optimizers: used.length, differing: wrong.length, otherClass };
      if (wrong.length > 0) {
        throw new CheckFailure(
          `the README asks for ${options.text}; your training stepped with ${wrong.map(describe).join(' and ')}.`,
          figures,
          otherClass > 0
            ? [cause('training/optimiser', 3, `an optimizer other than the README's ${options.text}`)]
            : [cause('training/hyperparameters', 3, `the README's optimizer with settings other than its ${options.text}`)],
        );
      }
      return { message: `${describe(used[0]!)}, as the README asks`, figures };
    },
  );
}

/** The batch size most batches had (a last, smaller batch of an epoch does not count). */
function usualBatchSize(sizes: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const size of sizes) counts.set(size, (counts.get(size) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];
}

export function batchSizeCheck(options: { fixture: string; points: number; batchSize: number }): Check {
  return fixtureCheck<TrainingRun>(
    { id: 'batch-size', prescribed: true, title: `batches of ${options.batchSize}, as the README asks`, points: options.points, fixture: options.fixture },
    async ({ trace }) => {
      if (trace.batchSizes.length === 0) return 'training used no DataLoader, so its batch size was not observed';
      const usual = usualBatchSize(trace.batchSizes);
      const figures = { batchSize: usual, batches: trace.batchSizes.length };
      if (usual !== options.batchSize) {
        throw new CheckFailure(
          `the README asks for batches of ${options.batchSize}; your DataLoader made batches of ${usual}.`,
          figures,
          [cause('training/hyperparameters', 3, `a batch size other than the README's ${options.batchSize}`)],
        );
      }
      return { message: `${trace.batchSizes.length} batches of ${usual}`, figures };
    },
  );
}

/**
 * The README's number of epochs: the examples training went through, over the
 * training set's size. Counted from the DataLoader's batches, or, without a
 * DataLoader, from the steps times the prescribed batch size.
 */
export function epochsCheck(options: { fixture: string; points: number; epochs: number; batchSize: number }): Check {
  return fixtureCheck<TrainingRun>(
    { id: 'training-length', prescribed: true, title: `trains for the README's ${options.epochs} epochs`, points: options.points, fixture: options.fixture },
    async ({ trace, trainingExamples }) => {
      if (trainingExamples === undefined) throw new Error('the training fixture does not say how many examples it trains on');
      const examples = trainingExamples;
      const observed = trace.batchSizes.length > 0;
      const seen = observed ? trace.batchSizes.reduce((sum, size) => sum + size, 0) : trace.losses.length * options.batchSize;
      const epochs = seen / examples;
      const figures = { examplesSeen: seen, epochs };
      // A last batch dropped or kept changes the count by less than one batch per epoch.
      const slack = (options.epochs * options.batchSize) / examples;
      if (!(Math.abs(epochs - options.epochs) <= slack)) {
        throw new CheckFailure(
          `the README asks for ${options.epochs} epochs over the ${examples} training examples; your training went through ` +
            `${seen} examples${observed ? '' : ` (${trace.losses.length} steps x ${options.batchSize})`}, ${fixed(epochs, 2)} epochs.`,
          figures,
          [cause('training/hyperparameters', 3, epochs < options.epochs ? 'fewer epochs than the README asks for' : 'more epochs than the README asks for')],
        );
      }
      return { message: `${seen} examples seen: ${fixed(epochs, 2)} epochs`, figures };
    },
  );
}

/** What a lesson measured of the step its training took: the learning rate, or null where it could not tell. */
/** The README's batch size and number of epochs, a point each. */
export function scheduleChecks(options: { fixture: string; batchSize: number; epochs: number }): Check[] {
  const { fixture, batchSize, epochs } = options;
  return [batchSizeCheck({ fixture, points: 1, batchSize }), epochsCheck({ fixture, points: 1, epochs, batchSize })];
}

export interface MeasuredRate {
  rate: number | null;
  /** How it was measured, for the message: "from the first update of w". */
  how: string;
}

/**
 * The README's learning rate, for lessons whose update is written by hand (no
 * tfjs optimizer for optimizerCheck to watch): the lesson measures the rate
 * its run used, e.g. from one update and the gradient at the weights before it.
 */
export function learningRateCheck(options: {
  fixture: string;
  points: number;
  learningRate: number;
  /** The prescription in the README's words, e.g. 'learning rate 0.1'. */
  text: string;
  measure: (run: unknown) => MeasuredRate;
}): Check {
  return fixtureCheck<unknown>(
    { id: 'learning-rate', prescribed: true, title: `the README's ${options.text}`, points: options.points, fixture: options.fixture },
    async (run) => {
      const { rate, how } = options.measure(run);
      if (rate === null) return `the learning rate could not be measured ${how}: not compared`;
      const figures = { learningRate: rate, prescribed: options.learningRate };
      // 1e-3: float32 rounding of the update and of the gradient it is measured against.
      if (!(Math.abs(rate - options.learningRate) <= 1e-3 * options.learningRate)) {
        throw new CheckFailure(
          `the README asks for ${options.text}; your training stepped with learning rate ${precise(rate, 4)} (${how}).`,
          figures,
          [cause('training/hyperparameters', 3, `a learning rate other than the README's ${options.learningRate}`)],
        );
      }
      return { message: `learning rate ${precise(rate, 4)} (${how}), as the README asks`, figures };
    },
  );
}
