// How far above its start a training loss ever climbs. A step that overshoots
// (weights drawn far too wide, a learning rate too large for them) throws the
// loss up to many times where it started, even when the run recovers and ends
// well; a correct run's largest loss is its first few steps'.
import { type Cause } from '../faults.ts';
import { compact, fixed } from '../format.ts';
import { CheckFailure, type Check } from '../lesson.ts';
import type { TrainingRun } from './trace.ts';
import { fixtureCheck } from './fixture-check.ts';

/**
 * The largest finite reported loss over the larger of the first loss and
 * ln(classes), the loss of a model that gives every class the same score: so a
 * run that happens to start below the uniform model's loss is not judged
 * against its lucky start. Null when no loss is finite.
 */
export function lossPeak(losses: readonly number[], classes: number): number | null {
  const finite = losses.filter(Number.isFinite);
  if (finite.length === 0) return null;
  return Math.max(...finite) / Math.max(finite[0]!, Math.log(classes));
}

/** The check: the peak of the run's losses must stay under a pass mark measured over correct programs. */
export function lossPeakCheck(options: {
  fixture: string;
  points: number;
  classes: number;
  /** The pass mark, measured over seeds and the standard ways to draw the weights (see the lesson). */
  passMark: number;
  /** Why the loss climbed, from what the run measured (the step size, the inputs' scale). */
  causes: (run: TrainingRun) => Cause[];
}): Check {
  return fixtureCheck<TrainingRun>(
    { id: 'loss-peak', title: 'the loss never climbs far above where it started', points: options.points, fixture: options.fixture },
    async (run) => {
      const losses = run.trace.losses;
      const peak = lossPeak(losses, options.classes);
      if (peak === null) throw new CheckFailure('training reported no finite loss: call options.report(loss) after every step');
      const finite = losses.filter(Number.isFinite);
      const highest = Math.max(...finite);
      const step = losses.indexOf(highest);
      const figures = { lossPeak: peak, highestLoss: highest, stepOfHighest: step, passMark: options.passMark };
      if (!(peak <= options.passMark)) {
        throw new CheckFailure(
          `the loss climbed to ${compact(highest)} at step ${step}, ${fixed(peak, 1)} times its start (${compact(finite[0]!)}, or ln(${options.classes}) if higher); ` +
            `correct programs never pass ${fixed(options.passMark, 2)} times. A step overshot: the activations or the step were far too large for ` +
            'the weights, even if the run recovered later. Usual causes: weights drawn far too wide (hidden activations in the tens), a learning rate ' +
            'too large, inputs not scaled to the README’s range.',
          figures,
          options.causes(run),
        );
      }
      return { message: `the highest loss, ${compact(highest)}, is ${fixed(peak, 3)} times the start (at most ${fixed(options.passMark, 2)})`, figures };
    },
  );
}
