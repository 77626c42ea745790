// What a training run measured, as figures the diagnosis can weigh: the shape
// of the loss curve, how far each weight moved relative to its size, what was
// left in memory. Checks attach these to their results whether they pass or
// fail, so a diagnosis can rank causes by what was measured rather than by
// which check happened to fail.
import { bucketMeans } from '../curves.ts';
import type { TrainingRun } from '../checks/trace.ts';

const SLICES = 20;

function norm(values: Float32Array, minus?: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]! - (minus ? minus[i]! : 0);
    sum += value * value;
  }
  return Math.sqrt(sum);
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Standard deviation over mean of a run of losses; null for fewer than 2 or a mean of 0. */
function spreadOf(values: number[]): number | null {
  if (values.length < 2) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (mean === 0) return null;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance) / Math.abs(mean);
}

/**
 * How much of its fall the loss gave back: the largest rise of a slice's mean
 * above the lowest mean before it, as a fraction of the fall from the first
 * slice to that lowest mean. About 0 for a curve that keeps falling; near 1 or
 * more when the loss climbs back to where it started (a restart, weights
 * re-initialised, a step that overshoots).
 */
export function reboundOf(losses: readonly number[]): number | null {
  const means = bucketMeans(losses, Math.min(SLICES, losses.length)).filter((m): m is number => m !== null && Number.isFinite(m));
  if (means.length < 3) return null;
  let lowest = means[0]!;
  let worst = 0;
  for (const mean of means.slice(1)) {
    const fall = means[0]! - lowest;
    if (fall > 0.05 * Math.abs(means[0]!)) worst = Math.max(worst, (mean - lowest) / fall);
    lowest = Math.min(lowest, mean);
  }
  return worst;
}

/** How many times the loss rose by more than `leap` from one step to the next. */
export function leapsOf(losses: readonly number[], leap: number): number {
  return losses.filter((loss, i) => i > 0 && loss - losses[i - 1]! > leap).length;
}

export function trainingFigures(run: TrainingRun): Record<string, number | null> {
  const { losses, weights, tensorsGained } = run.trace;
  const finite = losses.filter(Number.isFinite);
  const firstNonFinite = losses.findIndex((loss) => !Number.isFinite(loss));
  const tail = finite.slice(Math.floor(0.9 * finite.length));
  // Update-to-weight ratio over the whole run, for weights that did not start at zero (biases usually do).
  const ratios = weights
    .map(({ before, after }) => ({ size: norm(before), moved: norm(after, before) }))
    .filter(({ size }) => size > 0)
    .map(({ size, moved }) => moved / size);
  const finiteRatios = ratios.filter(Number.isFinite);
  const first = finite[0];
  const leaps = first === undefined ? 0 : leapsOf(losses, 0.5 * Math.abs(first));
  return {
    steps: losses.length,
    lossFirst: losses[0] ?? null,
    lossFinal: tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : null,
    lossMin: finite.length ? Math.min(...finite) : null,
    lossMax: finite.length ? Math.max(...finite) : null,
    firstNonFiniteStep: firstNonFinite === -1 ? null : firstNonFinite,
    negativeLosses: losses.filter((loss) => loss < 0).length,
    lossLeaps: leaps,
    lossRebound: reboundOf(losses),
    updateRatioMax: finiteRatios.length ? Math.max(...finiteRatios) : null,
    updateRatioMin: finiteRatios.length ? Math.min(...finiteRatios) : null,
    updateRatioMedian: median(finiteRatios),
    weightsNonFinite: weights.filter(({ after }) => after.some((value) => !Number.isFinite(value))).length,
    tensorsGainedPerStep: tensorsGained / Math.max(losses.length, 1),
    // Batches the DataLoaders yielded (0 without one): fewer than the steps means steps repeated on the same batch.
    batchesSeen: run.trace.batchSizes.length,
    // How much the loss still swings at the end, relative to its level: steps that overshoot keep it noisy.
    lossTailSpread: spreadOf(finite.slice(Math.floor(0.75 * finite.length))),
    ...Object.fromEntries(Object.entries(run.metrics).map(([name, value]) => [`metric.${name}`, value])),
    ...Object.fromEntries(Object.entries(run.probe ?? {}).map(([name, value]) => [`probe.${name}`, value])),
  };
}
