// The sandbox: a child process that imports the student's code and runs the
// lesson's checks one at a time on request. Student code can hang, exit or
// exhaust memory; it does so here, where the grader can kill and replace it.
// It can also lie: so the grader's first message brings a key, kept in this
// module's closures, and the grader believes only messages signed with it.
import { backend } from '#lib/tf.ts';
import { seedEverything } from '#lib/seed.ts';
import type { CheckFailure, CheckOutcome } from '../lesson.ts';
import { importLesson } from '../registry.ts';
import { createContext } from './context.ts';
import { hardenSandbox } from './harden.ts';
import { decodeNumbers, encodeNumbers } from './json-numbers.ts';
import { StartSchema, type FromSandbox, type Start } from './protocol.ts';
import { replyChecker, sealer } from './seal.ts';
import { describeError, isCheckFailure } from './student-error.ts';

if (!process.send) throw new Error('sandbox/worker.ts is started by the grader, not by hand');
// Taken before student code exists, which may replace process.send.
const post = process.send.bind(process);
// The grader sends its first message when asked: one sent earlier could
// arrive while this module's imports load, before anyone listens.
const start: Start = StartSchema.parse(
  await new Promise((resolve) => {
    process.once('message', resolve);
    post({ kind: 'hello' });
  }),
);
const seal = sealer(start.key);
const send = (message: FromSandbox) => post(seal(message));
const describe = (error: unknown) => describeError(error, start.lessonDir);

// Calls of the lesson's grader-side functions, answered by the grader.
const signedByGrader = replyChecker(start.key);
const waiting = new Map<number, { resolve(value: string): void; reject(error: Error): void }>();
let lastCall = 0;
function compute(name: string, args: string): Promise<string> {
  const id = ++lastCall;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    send({ kind: 'compute', id, name, args });
  });
}

function answered(reply: { body?: unknown; mac?: unknown }): void {
  // Student code can emit 'message' events too: only the grader's signed ones count.
  if (!signedByGrader(reply)) return;
  const { id, value, error } = decodeNumbers(reply.body) as { id: number; value?: unknown; error?: string };
  const call = waiting.get(id);
  if (!call) return;
  waiting.delete(id);
  if (error !== undefined) call.reject(new Error(`the grader's own computation failed: ${error}`));
  // Back to JSON text: context.ts decodes every result the same way.
  else call.resolve(encodeNumbers(value));
}

const lesson = await importLesson(start.lessonId);
const context = createContext({
  lesson,
  lessonDir: start.lessonDir,
  seed: start.seed,
  reference: start.reference,
  phases: {
    started: (phase) => send({ kind: 'phase', phase }),
    finished: (phase) => send({ kind: 'phase-done', phase }),
    failed: (phase, error) => send({ kind: 'phase-failed', phase, message: describe(error) }),
  },
  compute,
});

async function runCheck(checkId: string): Promise<FromSandbox> {
  const result = await verdict(checkId);
  // Rejections nobody handled are announced after the promise jobs run out:
  // waiting for that puts them beside this check, not the next.
  await new Promise((done) => setImmediate(done));
  return result;
}

async function verdict(checkId: string): Promise<FromSandbox> {
  const check = lesson.checks.find((candidate) => candidate.id === checkId);
  if (!check) throw new Error(`lesson ${lesson.id} has no check ${checkId}`);
  try {
    seedEverything(start.seed);
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

process.on('message', (message: { kind?: unknown; checkId?: unknown; body?: unknown; mac?: unknown }) => {
  if (message.kind === 'computed') answered(message);
  if (message.kind === 'run' && typeof message.checkId === 'string') {
    const checkId = message.checkId;
    runCheck(checkId).then(send, (error) => {
      send({ kind: 'result', checkId, status: 'error', message: describe(error), figures: {}, causes: [] });
    });
  }
});

// Before the handlers below, so that a failure here ends the sandbox: the grader reports it.
hardenSandbox();

// Errors from student code still running after it returned (a missing await)
// must not end the sandbox: the grader notes them beside the running check.
// The WebAssembly backend's runtime installs handlers that exit the process
// on such errors, so they are replaced.
process.removeAllListeners('uncaughtException');
process.removeAllListeners('unhandledRejection');
process.on('uncaughtException', (error) => send({ kind: 'unhandled', message: describe(error) }));
process.on('unhandledRejection', (reason) => send({ kind: 'unhandled', message: describe(reason) }));

// A sandbox whose grader is gone (killed, interrupted) has nobody to report to.
process.on('disconnect', () => process.exit(0));

send({ kind: 'ready', backend: backend.name });
