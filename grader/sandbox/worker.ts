// The sandbox: a child process that imports the student's code and runs the
// lesson's checks one at a time on request. Student code can hang, exit or
// exhaust memory; it does so here, where the grader can kill and replace it.
import { backend } from '#lib/tf.ts';
import { seedEverything } from '#lib/seed.ts';
import type { CheckFailure, CheckOutcome } from '../lesson.ts';
import { loadLesson, loadReference } from '../registry.ts';
import { createContext } from './context.ts';
import type { FromSandbox, SandboxOptions, ToSandbox } from './protocol.ts';
import { describeError, isCheckFailure } from './student-error.ts';

const options = JSON.parse(process.env.GRADER_SANDBOX ?? 'null') as SandboxOptions | null;
if (!options || !process.send) {
  throw new Error('sandbox/worker.ts is started by the grader, not by hand');
}
const send = (message: FromSandbox) => process.send!(message);
const describe = (error: unknown) => describeError(error, options.lessonDir);

const lesson = await loadLesson(options.lessonId);
const context = createContext({
  lesson,
  lessonDir: options.lessonDir,
  seed: options.seed,
  reference: loadReference(options.lessonId),
  phases: {
    started: (phase) => send({ kind: 'phase', phase }),
    finished: (phase) => send({ kind: 'phase-done', phase }),
    failed: (phase, error) => send({ kind: 'phase-failed', phase, message: describe(error) }),
  },
});

async function runCheck(checkId: string): Promise<FromSandbox> {
  const check = lesson.checks.find((candidate) => candidate.id === checkId);
  if (!check) throw new Error(`lesson ${lesson.id} has no check ${checkId}`);
  try {
    seedEverything(options!.seed);
    const outcome = await check.run(context);
    const { message, figures = {}, curve }: CheckOutcome =
      typeof outcome === 'string' ? { message: outcome } : outcome;
    return { kind: 'result', checkId, status: 'pass', message, figures, causes: [], curve };
  } catch (error) {
    const { figures = {}, causes = [], curve } = error as Partial<Pick<CheckFailure, 'figures' | 'causes' | 'curve'>>;
    const status = isCheckFailure(error) ? 'fail' : 'error';
    return { kind: 'result', checkId, status, message: describe(error), figures, causes, ...(curve ? { curve } : {}) };
  }
}

// Errors from student code still running after it returned (a missing await)
// must not end the sandbox: the checks that see their effects report them.
// The WebAssembly backend's runtime installs handlers that exit the process
// on such errors, so they are replaced.
process.removeAllListeners('uncaughtException');
process.removeAllListeners('unhandledRejection');
process.on('uncaughtException', () => {});
process.on('unhandledRejection', () => {});

// A sandbox whose grader is gone (killed, interrupted) has nobody to report to.
process.on('disconnect', () => process.exit(0));

process.on('message', (message: ToSandbox) => {
  if (message.kind === 'run') {
    runCheck(message.checkId).then(send, (error) => {
      send({ kind: 'result', checkId: message.checkId, status: 'error', message: describe(error), figures: {}, causes: [] });
    });
  }
});
send({ kind: 'ready', backend: backend.name });
