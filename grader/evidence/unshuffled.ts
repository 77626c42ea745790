// The sign of training data ordered by class: shuffled batches give a noisy but
// steady loss curve; batches of one class after another give a sawtooth, the
// loss sinking within a class's run of batches and leaping when the next class
// starts, and the model ends up giving most examples the class it saw last.
import type { TrainingRun } from '../checks/trace.ts';
import { cause, type Cause } from '../faults.ts';
import { measuredFigures } from './measured.ts';
import { diverged } from './rules.ts';
import { leapsOf, trainingFigures } from './training-figures.ts';

/**
 * A rise of the loss between two steps this large is a leap, not noise; for a
 * loss that starts far above a cross-entropy's usual few units (a loss summed
 * over the batch), a quarter of its start: leaps are measured on its scale.
 */
const LEAP = 1;
const LEAP_OF_START = 0.25;
/** Leaps it takes to call a curve a sawtooth. */
const LEAPS = 3;

/**
 * The cause "classes seen in order, unshuffled", when the curve leaps and the
 * trained model gives one class to more than `limit` of the test examples
 * (`oneClassShare`); undefined otherwise.
 */
export function unshuffledClasses(run: TrainingRun, oneClassShare: number, limit: number): Cause | undefined {
  const losses = run.trace.losses;
  const leap = Math.max(LEAP, LEAP_OF_START * Math.abs(losses[0] ?? 0));
  const leaps = leapsOf(losses, leap);
  // A run that blew up leaps and ends on one class too; that is the divergence, not the order of the data.
  if (leaps < LEAPS || oneClassShare <= limit || diverged(measuredFigures(trainingFigures(run)))) return undefined;
  return cause(
    'training/preprocessing',
    3,
    `the loss leapt up ${leaps} times between consecutive steps and the model gives one class to ${Math.round(100 * oneClassShare)}% ` +
      `of the test examples: ${QUESTION}`,
  );
}

const QUESTION = 'does it see the classes in order, unshuffled?';

/** Whether a cause is this detector's (a check carries it among its own causes). */
export function isUnshuffledGuess(c: Cause): boolean {
  return c.category === 'training/preprocessing' && c.text.endsWith(QUESTION);
}
