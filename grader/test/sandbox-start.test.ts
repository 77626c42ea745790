// A sandbox that cannot start at all (its Node missing, or not executable by
// the sandbox's user) is the grader's infrastructure error: said at once,
// with the cause, not after the minute the grader waits for a slow start.
import { join } from 'node:path';
import { expect } from 'chai';
import { loadLesson, repoDir } from '../registry.ts';
import { runLesson, SandboxStartError } from '../sandbox/run-lesson.ts';

const lessonId = '01-linear-regression';

async function startWith(execPath: string): Promise<{ error: unknown; ms: number }> {
  const lesson = await loadLesson(lessonId);
  const started = Date.now();
  try {
    await runLesson({ ...lesson, checks: lesson.checks.slice(0, 1) }, { lessonId, lessonDir: join(repoDir, 'solutions', lessonId), seed: 1, execPath });
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
  throw new Error(`the sandbox started with ${execPath}`);
}

describe('a sandbox that cannot start', () => {
  it('a Node binary that does not exist: ENOENT at once', async () => {
    const { error, ms } = await startWith(join(repoDir, 'no-such-node'));
    expect(error).to.be.instanceOf(SandboxStartError);
    expect((error as Error).message).to.match(/could not start its sandbox.* with .*no-such-node: ENOENT \(no such file/);
    expect(ms).to.be.lessThan(10_000);
  });

  it('a file that is not executable: EACCES at once', async () => {
    const { error, ms } = await startWith(join(repoDir, 'package.json'));
    expect(error).to.be.instanceOf(SandboxStartError);
    expect((error as Error).message).to.match(/package\.json: EACCES \(permission denied/);
    expect(ms).to.be.lessThan(10_000);
  });
});
