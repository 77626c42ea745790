// A training run as the grader saw it: every reported loss, the weights
// before and after, and the tensors alive before and after. Checks and
// diagnostics read traces; only this file makes them.
import { observeBatches } from '#lib/batches.ts';
import { tf } from '#lib/tf.ts';
import type { NamedVariable } from './named-variables.ts';
import { observeOptimizers, type OptimizerUse } from './optimizer-spy.ts';

export interface WeightChange {
  name: string;
  before: Float32Array;
  after: Float32Array;
}

/** Dead units of one ReLU layer: units that output 0 for every example (see dead-relu.ts). */
export interface DeadUnits {
  layer: string;
  units: number;
  dead: number;
}

export interface TrainingTrace {
  /** Loss reported after each step, up to the moment training returned. */
  losses: number[];
  /** Steps reported after training had already returned: an un-awaited promise. */
  stepsAfterReturn: number;
  weights: WeightChange[];
  /** Tensors alive after training minus before it. */
  tensorsGained: number;
  /** The tfjs optimizers that took steps, with their settings. */
  optimizers: OptimizerUse[];
  /** Examples in each batch a DataLoader yielded during training (empty when training used none). */
  batchSizes: number[];
  /** The grader's own loss of the untrained model on the first batch, where the lesson measures it. */
  firstBatchLoss?: number;
}

/** What a lesson's training fixture returns: the trace, and what the grader measured on the trained model. */
export interface TrainingRun {
  trace: TrainingTrace;
  /** End-of-run figures computed by the grader itself, e.g. accuracy. */
  metrics: Record<string, number>;
  /** Extra measurements a lesson takes for its diagnosis, e.g. whether outputs are probabilities, the largest input (`largestInput`). */
  probe?: Record<string, number>;
  /** Size of the training set the run was given, for counting epochs. */
  trainingExamples?: number;
  /** Dead units of each ReLU layer of the trained model, where the lesson measures them. */
  deadUnits?: DeadUnits[];
}

/** A weight matrix whose values all started equal (e.g. zeros): its units compute the same thing. */
export function startedUniform({ name, before }: WeightChange): boolean {
  // tfjs layers name their weight matrices "kernel"; a hand-written network (lesson 4) names them w1, w2.
  return /kernel|^w\d*$/i.test(name) && before.every((value) => value === before[0]);
}

/**
 * The values of each variable, in the order listed. The list is asked for
 * before and after training (`variables` below), so a model whose variables
 * change during training (a layer frozen, a parameter replaced) is read as it
 * ends up.
 */
function snapshot(variables: readonly NamedVariable[]): { name: string; values: Float32Array }[] {
  return variables.map(({ name, variable }) => ({ name, values: variable.dataSync() as Float32Array }));
}

/**
 * Runs `train` with a report callback that records losses, and measures around
 * it. `lossOfFirstBatch`, given the first batch a DataLoader yields (before any
 * step, so the model is still untrained), computes the grader's own loss there:
 * the loss the student's first reported loss must equal.
 */
export async function recordTraining(
  /** The model's variables by name, as it has them at the moment of asking (named-variables.ts). */
  variables: () => readonly NamedVariable[],
  train: (report: (loss: number) => void) => Promise<void>,
  lossOfFirstBatch?: (batch: readonly tf.Tensor[]) => number,
): Promise<TrainingTrace> {
  const before = snapshot(variables());
  const reported: number[] = [];
  const batchSizes: number[] = [];
  let firstBatchLoss: number | undefined;
  const stopObserving = observeBatches((batch) => {
    if (batchSizes.length === 0 && lossOfFirstBatch) {
      try {
        firstBatchLoss = lossOfFirstBatch(batch);
      } catch {
        // A model the grader's loss cannot read (wrong output shape) is other checks' business.
      }
    }
    batchSizes.push(batch[0]?.shape[0] ?? 0);
  });
  const tensorsBefore = tf.memory().numTensors;
  let optimizers: OptimizerUse[];
  try {
    ({ optimizers } = await observeOptimizers(() => train((loss) => reported.push(Number(loss)))));
  } finally {
    stopObserving();
  }
  const losses = reported.slice();
  const tensorsGained = tf.memory().numTensors - tensorsBefore;
  const after = snapshot(variables());
  const afterByName = new Map(after.map(({ name, values }) => [name, values]));
  // Give un-awaited work a moment to show itself, so a missing await is visible.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    losses,
    stepsAfterReturn: reported.length - losses.length,
    // A variable gone after training (its layer frozen) reads as unchanged.
    weights: before.map(({ name, values }, i) => ({ name, before: values, after: (after[i]?.name === name ? after[i].values : afterByName.get(name)) ?? values })),
    tensorsGained,
    optimizers,
    batchSizes,
    ...(firstBatchLoss === undefined ? {} : { firstBatchLoss }),
  };
}
