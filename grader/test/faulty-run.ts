// A training run with every fault the shared training checks look for, as a
// fixture: rising then NaN loss, a wrong first loss, frozen weights, a leak,
// another optimizer, other batch sizes and epochs, missing metrics, dead ReLUs,
// pretrained layers not reused.
// Each lesson's own check instances run on it, so their failure messages run in
// a test even where no planted bug reaches them (see grade-variants.test.ts).
import type { Check, CheckFailure, LessonContext } from '../lesson.ts';
import type { TrainingRun } from '../checks/trace.ts';
import { loadReference } from '../registry.ts';

function faultyRun(): TrainingRun & Record<string, unknown> {
  const steps = 200;
  const losses = Array.from({ length: steps }, (_, step) => (step < steps - 10 ? 1000 + step : Number.NaN));
  const weights = ['dense/kernel', 'dense/bias'].map((name) => ({ name, before: new Float32Array(4).fill(0.5), after: new Float32Array(4).fill(0.5) }));
  return {
    trace: {
      losses,
      stepsAfterReturn: 0,
      weights,
      tensorsGained: 100 * steps,
      optimizers: [{ className: 'Adagrad', config: { learningRate: 7 }, steps }],
      batchSizes: Array.from({ length: 3 }, () => 7),
      firstBatchLoss: 0.5,
    },
    metrics: {},
    trainingExamples: 10_000,
    deadUnits: [{ layer: 'relu', units: 8, dead: 8 }],
    // As a transfer-learning run: pretrained features left out of the model and changed, a head of the wrong size.
    features: [{ name: 'features_conv/kernel', shipped: new Float32Array([1, 2]), after: new Float32Array([3, 4]), inModel: false }],
    outputUnits: 3,
  };
}

/** Runs a lesson's check on the faulty run; the CheckFailure it throws, or undefined if it passed or errored. */
export async function failureOnFaultyRun(lessonId: string, check: Check): Promise<CheckFailure | undefined> {
  const run = faultyRun();
  const ctx: LessonContext = {
    lessonDir: '',
    seed: 0,
    reference: loadReference(lessonId),
    load: () => Promise.reject(new Error('the faulty-run fixture has no student files')),
    fixture: <Value>() => Promise.resolve(run as Value),
    graderSide: () => {
      throw new Error('the faulty-run fixture has no grader side');
    },
  };
  try {
    await check.run(ctx);
    return undefined;
  } catch (error) {
    // By name, not instanceof: under mocha the lessons (imported) and this file
    // (required) can hold two copies of lesson.ts, so two CheckFailure classes.
    return error instanceof Error && error.name === 'CheckFailure' ? (error as CheckFailure) : undefined;
  }
}
