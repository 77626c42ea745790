// Results documents built by hand (validated by the schema), so reporters and
// TA tools are tested without training anything.
import { ResultsSchema, type CheckResult, type Results } from '../../results.ts';

const BUCKETS = 20;
const reference = Array.from({ length: BUCKETS }, (_, i) => 2.3 * Math.exp(-i / 8) + 0.4);

export function curveFor(shift: number, broken = false) {
  return {
    student: reference.map((value, i) => (broken && i > 12 ? null : value + shift * (i / BUCKETS))),
    referenceLow: reference.map((value) => value * 0.92),
    referenceMedian: reference,
    referenceHigh: reference.map((value) => value * 1.08),
  };
}

function check(id: string, title: string, points: number, status: CheckResult['status'], message: string, figures = {}): CheckResult {
  return { id, title, status, points: status === 'pass' ? points : 0, maxPoints: points, message, figures, causes: [], buildsOn: [], durationMs: 1200 };
}

/** A submission of one lesson: `quality` 1 passes everything; lower fails the later checks. */
export function fixtureResults(target = 'exercise', quality = 1, lessonId = '03-cnn'): Results {
  const accuracy = 0.55 + 0.3 * quality;
  const checks = [
    check('output-shape', 'the model outputs one score per class', 1, 'pass', 'outputs [2, 10]'),
    check('initial-loss', 'loss at step 0 near ln(10)', 1, quality > 0.3 ? 'pass' : 'error', quality > 0.3 ? 'loss 2.31' : 'not implemented: the training loop | with a pipe'),
    check('loss-curve', 'loss curve inside the reference band', 2, quality > 0.7 ? 'pass' : 'fail', '7 of 20 slices outside the band'),
    check('accuracy', 'test accuracy close to the reference', 2, quality > 0.9 ? 'pass' : 'fail', `accuracy ${accuracy.toFixed(3)}`, {
      accuracy,
      threshold: 0.8,
      referenceMedian: 0.85,
    }),
  ];
  const points = checks.reduce((sum, c) => sum + c.points, 0);
  return ResultsSchema.parse({
    schemaVersion: 1,
    target,
    backend: 'wasm',
    seed: 1,
    points,
    maxPoints: 6,
    lessons: [{ id: lessonId, title: 'Image classification with a CNN', points, maxPoints: 6, checks, curve: curveFor(1 - quality, quality < 0.3) }],
  });
}
