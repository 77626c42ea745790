// Student code that throws, hangs, exits, yields NaN or is missing gets a clear
// message on the checks it affects; the other checks still run, and the grader
// itself carries on.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Bug } from '../catalog.ts';
import { grade } from '../grade.ts';
import { writeBuggyTarget } from '../mutants.ts';
import { repoDir } from '../registry.ts';
import type { LessonResult } from '../results.ts';

const lesson = '03-cnn';
// Time limits shrunk twentyfold: a check gets 1.5 s, and with the training run it starts 7.5 s.
const timeScale = 0.05;
/**
 * A statement that never returns and uses no processor meanwhile: the suite
 * runs test files side by side, and a busy loop would slow the others.
 */
const BLOCK_FOREVER = 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);';

function broken(id: string, find: string, replace: string): Bug {
  return { id, lesson, file: 'cnn.ts', title: id, category: 'api', symptom: '', catches: ['x'], hint: '', patch: { find, replace } };
}

/**
 * `checks`: the ones a test reads, where it reads only some: the others (the
 * transfer fine-tuning, the probes that train again) cost processor time, and
 * with a hang a wait each, and say nothing the test looks at.
 */
async function gradeBroken(bug: Bug, scale = timeScale, checks?: string[]): Promise<LessonResult> {
  const targetDir = writeBuggyTarget(`sandbox-${bug.id}`, lesson, [bug]);
  try {
    const results = await grade({ targetDir, targetName: bug.id, lessons: [lesson], checks, timeScale: scale });
    return results.lessons[0]!;
  } finally {
    rmSync(targetDir, { recursive: true, force: true });
  }
}

const status = (result: LessonResult, id: string) => result.checks.find((check) => check.id === id)!;

describe('the sandbox around student code', () => {
  it('reports a missing lesson file on every check', async () => {
    const targetDir = join(repoDir, '.cache', 'targets', 'sandbox-empty');
    mkdirSync(targetDir, { recursive: true });
    const results = await grade({ targetDir, targetName: 'empty', lessons: [lesson], timeScale });
    for (const check of results.lessons[0]!.checks) {
      expect(check.status, check.id).to.equal('error');
      expect(check.message, check.id).to.match(/missing file .*03-cnn\/cnn\.ts/);
    }
  });

  it('stops a training run that never ends, and fails the checks that need it at once', async () => {
    // Limits shrunk tenfold: the checks before training get 3 s, time enough on a busy machine.
    const result = await gradeBroken(broken('hang', '  const optimizer = createOptimizer(settings);', `  ${BLOCK_FOREVER}\n  const optimizer = createOptimizer(settings);`), 0.1, [
      'output-shape',
      'data-preparation',
      'initial-loss',
      'loss-curve',
      'weights-updated',
      'accuracy',
    ]);
    expect(status(result, 'output-shape').status).to.equal('pass');
    expect(status(result, 'data-preparation').status).to.equal('pass');
    const first = status(result, 'initial-loss');
    expect(first.status).to.equal('error');
    expect(first.message).to.match(/the shared run "training" did not finish within 15 s/);
    for (const id of ['loss-curve', 'weights-updated', 'accuracy']) {
      expect(status(result, id).message, id).to.equal(first.message);
      expect(status(result, id).durationMs, id).to.be.lessThan(1000);
    }
  });

  it('survives student code that ends the process', async () => {
    // Full time limits: nothing here waits for one, and the checks before training must pass however busy the machine.
    const result = await gradeBroken(broken('exit', '  const optimizer = createOptimizer(settings);', '  process.exit(3);\n  const optimizer = createOptimizer(settings);'), 1, [
      'output-shape',
      'initial-loss',
      'architecture',
      'accuracy',
    ]);
    expect(status(result, 'output-shape').status, status(result, 'output-shape').message).to.equal('pass');
    expect(status(result, 'initial-loss').message).to.include('exited with code 3');
    // A check after the exit that does not train runs in a new sandbox, and passes.
    expect(status(result, 'architecture').status, status(result, 'architecture').message).to.equal('pass');
    expect(status(result, 'accuracy').status).to.equal('error');
  });

  it('stops an import that never finishes', async () => {
    const result = await gradeBroken(broken('import-hang', 'export const hyperparameters: Hyperparameters = {', 'while (Date.now() > 0);\nexport const hyperparameters: Hyperparameters = {'));
    for (const check of result.checks) {
      expect(check.status, check.id).to.equal('error');
      expect(check.message, check.id).to.include('importing cnn.ts did not finish');
    }
  });

  it('names the step where the loss stopped being a number', async () => {
    // Full time limits: this run must finish training, however busy the machine.
    const result = await gradeBroken(broken('diverges', 'learningRate: 0.01,', 'learningRate: 1e4,'), 1, ['output-shape', 'loss-curve']);
    const curve = status(result, 'loss-curve');
    expect(curve.status).to.equal('fail');
    expect(curve.message).to.match(/the loss became (NaN|Infinity) at step \d+/);
    expect(status(result, 'output-shape').status).to.equal('pass');
  });
});
