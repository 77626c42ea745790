// Processes the grader starts must die with it. A sandbox exits on its own
// when the grader disconnects, but only once its main thread returns to the
// event loop: student code in an endless synchronous loop never returns, and
// such a sandbox outlived a killed grader by an hour, at full processor use.
// So each grader process starts one watchdog process, the reaper
// (reaper.mjs), on the other end of a pipe only the grader holds: when the
// grader is gone, however it went, the pipe closes and the reaper kills every
// child still registered. It also kills a child that outlives the longest the
// grader could allow it, a second line of defence.
//
// A process of the grader's, not a watchdog thread inside each sandbox: a
// worker thread cost each sandbox about 0.1 s more processor time at its start
// (hundreds of sandboxes in the tests), and on Node 22 and later the sandbox
// would need --allow-worker, which lets student code start loader threads
// (module.register) where process.kill is not guarded. Student code cannot
// reach the reaper: it is another process.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./reaper.mjs', import.meta.url));
let reaper: ChildProcess | undefined;

/** The reaper's pipe, started on first use; undefined if it cannot start (the grader works without it). */
function pipe(): NodeJS.WritableStream | undefined {
  if (reaper?.stdin?.writable) return reaper.stdin;
  let started: ChildProcess;
  try {
    // Node itself, without the grader's loaders or NODE_OPTIONS: nothing of the course loads there.
    started = spawn(process.execPath, [script], {
      stdio: ['pipe', 'ignore', 'ignore'],
      env: { ...process.env, NODE_OPTIONS: '' },
      windowsHide: true,
    });
  } catch {
    return undefined;
  }
  reaper = started;
  started.on('error', () => reaper === started && (reaper = undefined));
  started.on('exit', () => reaper === started && (reaper = undefined));
  started.stdin!.on('error', () => {}); // The reaper died: the next sandbox starts another.
  // The grader may end whenever it is done; the reaper then sees its pipe close.
  started.unref();
  (started.stdin as unknown as { unref?(): void }).unref?.();
  return started.stdin!;
}

/**
 * Kills `child` when this process is gone or `lifetimeMs` from now, whichever
 * comes first, unless it has exited by then.
 */
export function dieWithGrader(child: ChildProcess, lifetimeMs: number): void {
  const pid = child.pid;
  if (pid === undefined) return; // It did not start: its 'error' says why.
  const out = pipe();
  if (!out) return;
  out.write(`watch ${pid} ${Math.ceil(lifetimeMs)}\n`);
  // After 'exit' the process is reaped and its id may be reused: the reaper forgets it first.
  child.once('exit', () => reaper?.stdin?.writable && reaper.stdin.write(`forget ${pid}\n`));
}
