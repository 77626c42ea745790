// The student's evaluate() against the grader's own count of correct
// predictions on the same trained model and test set: the accuracy the student
// prints must be the one the grader measures. Shared by the lessons whose
// training fixture calls evaluate() after training (03-cnn, 05-transformer).
import { cause } from '../faults.ts';
import { fixed } from '../format.ts';
import { CheckFailure, type Check } from '../lesson.ts';
import type { TrainingRun } from './trace.ts';
import { fixtureCheck } from './fixture-check.ts';

/** A training run that also holds what the student's evaluate() said, or the error it threw. */
export interface EvaluatedRun extends TrainingRun {
  studentAccuracy: number | { error: string };
}

/**
 * Both accuracies count the same predictions of the same model, so they agree
 * to float rounding (the solutions and every alternate: exactly); 1e-6 is far
 * below one test example (1/2000 in lesson 3).
 */
const TOLERANCE = 1e-6;

export function evaluationCheck(options: { fixture: string; points: number; metric?: string }): Check {
  const metric = options.metric ?? 'accuracy';
  return fixtureCheck<EvaluatedRun>(
    { id: 'evaluation-agrees', title: 'your evaluation agrees with the grader’s', points: options.points, fixture: options.fixture },
    async (run) => {
      const yours = run.studentAccuracy;
      if (typeof yours !== 'number') throw new Error(`evaluate() failed: ${yours.error}`);
      const grader = run.metrics[metric]!;
      const figures = { studentAccuracy: yours, graderAccuracy: grader };
      if (!(Math.abs(yours - grader) <= TOLERANCE)) {
        throw new CheckFailure(
          `evaluate() says the accuracy is ${fixed(yours, 4)}; counting correct predictions gives ${fixed(grader, 4)}: ` +
            'compare predicted class indices with label indices, one per example, and divide the count of matches by the number of examples.',
          figures,
          [cause('training/validation-testing', 3, 'the evaluation counts correct predictions wrongly')],
        );
      }
      return { message: `evaluate() agrees: ${fixed(yours, 4)}`, figures };
    },
  );
}
