// Evidence about the training loop's shape and the loss's scale, read from
// what the run measured: how much of the data the loop went through, and
// whether the first loss is the batch's sum rather than its mean. Like the
// rules in rules.ts they name no bug, only what a measurement points at.
import { cause, type Cause } from '../faults.ts';
import { fixed } from '../format.ts';
import type { LessonResult } from '../results.ts';
import type { Measured } from './measured.ts';

/** One check's own figure (names such as `epochs` are only meaningful in the check that measured them). */
function figureOf(lesson: LessonResult, check: string, name: string): number | null {
  const value = lesson.checks.find((c) => c.id === check)?.figures[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** How far a count of epochs may lie from a whole number and still be whole (a last batch dropped or kept). */
const WHOLE = 0.05;

/**
 * The number of epochs a run went through, as training-length measured it.
 * A whole number other than the README's is a setting (hyperparameters); a
 * fraction of an epoch, or less than one, is a loop that stops part-way or
 * skips batches, whatever its settings say (the training process). A run that
 * went on after training had returned (an await missing, which loss-curve
 * names) was counted short because of that: no evidence of its own.
 */
export function partialEpochs(lesson: LessonResult, m: Measured): [string, Cause[]][] {
  if (!m.failed('training-length')) return [];
  const awaitMissing = lesson.checks.find((c) => c.id === 'loss-curve')?.causes.some((c) => c.category === 'api') ?? false;
  if (awaitMissing) return [['training-length', []]];
  const epochs = figureOf(lesson, 'training-length', 'epochs');
  if (epochs === null) return [];
  const whole = epochs >= 1 - WHOLE && Math.abs(epochs - Math.round(epochs)) <= WHOLE;
  if (whole) return [];
  return [
    [
      'training-length',
      [
        cause('training/process', 3, `training went through ${fixed(epochs, 2)} epochs, not a whole number: a loop that stops part-way through an epoch, or skips batches?`),
        cause('training/hyperparameters', 1, `training went through ${fixed(epochs, 2)} epochs: fewer than the README asks for?`),
      ],
    ],
  ];
}

/**
 * The first loss is the batch size times the grader's own loss of the same
 * model on the same batch (or times the untrained loss expected): the loss is
 * summed over the batch where it should be averaged. Every gradient is then
 * that many times too large, so the blow-ups, leaps and dead units that follow
 * are that one fault.
 */
export function summedOverBatch(m: Measured): string | undefined {
  const first = m.figureOf('initial-loss', 'initialLoss');
  const own = m.figureOf('initial-loss', 'graderLossOnFirstBatch') ?? m.figureOf('initial-loss', 'expected');
  const batch = m.figureOf('batch-size', 'batchSize');
  if (first === null || own === null || own <= 0 || batch === null || batch < 4) return undefined;
  const ratio = first / own;
  if (ratio > 4 && Math.abs(ratio - batch) < 0.2 * batch) return `the first loss ${fixed(first, 2)} is ${fixed(ratio, 1)} times the model's mean loss on that batch (${fixed(own, 3)}), and the batch has ${batch} examples`;
  return undefined;
}

export function summedLoss(m: Measured): Cause[] {
  const what = summedOverBatch(m);
  if (!what) return [];
  return [cause('training/loss-function', 3, `${what}: a loss summed over the batch rather than averaged, which makes every step that many times larger`)];
}
