// A sandbox dies with its grader, even when student code never gives its main
// thread back (an endless synchronous loop), where its own 'disconnect'
// handler cannot run: the reaper (sandbox/reaper.ts) kills it. The reaper also
// kills a process that outlives the time it was given.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { repoDir } from '../registry.ts';
import { dieWithGrader } from '../sandbox/reaper.ts';
import { file, lesson, writeTarget } from './attacks/targets.ts';

/**
 * Says its process id (the grader passes the sandbox's output on with
 * GRADER_VERBOSE=1), then loops forever, allocating as training code does.
 */
const SPIN = `import { writeSync } from 'node:fs';
writeSync(1, \`sandbox pid \${process.pid}\\n\`);
let churn: number[] = [];
for (;;) churn = churn.length > 1e5 ? [] : [...churn.slice(-10), Math.random()];
`;

/** Running, not a zombie waiting for a parent to collect its exit status. */
function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (process.platform === 'linux') {
    if (!existsSync(stat)) return false;
    try {
      return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (condition()) return true;
  return condition();
}

describe('a sandbox whose grader is killed', () => {
  let grader: ChildProcess | undefined;
  let sandboxPid: number | undefined;
  let target: string | undefined;

  after(() => {
    // Whatever failed: nothing this test started keeps running.
    grader?.kill('SIGKILL');
    if (sandboxPid !== undefined && running(sandboxPid)) process.kill(sandboxPid, 'SIGKILL');
    if (target) rmSync(target, { recursive: true, force: true });
  });

  it('ends within seconds, though its student code loops forever', async () => {
    target = writeTarget('orphaned-sandbox', SPIN);
    // A grader as a test runner's worker runs one (the case seen): grade() in a process the test can kill.
    const script = `const { grade } = await import('./grader/grade.ts');
await grade({ targetDir: ${JSON.stringify(target)}, targetName: 'spin', lessons: [${JSON.stringify(lesson)}] });`;
    grader = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
      cwd: repoDir,
      env: { ...process.env, GRADER_VERBOSE: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    grader.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      sandboxPid ??= Number(/sandbox pid (\d+)/.exec(stderr)?.[1]) || undefined;
    });
    const exited = new Promise((done) => grader!.once('exit', done));
    expect(await until(() => sandboxPid !== undefined, 60_000), `the sandbox never said its pid; the grader wrote: ${stderr.slice(-2000)}`).to.equal(true);
    // In its loop, where it reads no message and sees no disconnection.
    await sleep(300);
    expect(running(sandboxPid!), `the sandbox ${file} ended by itself`).to.equal(true);

    grader.kill('SIGKILL');
    await exited;
    expect(await until(() => !running(sandboxPid!), 5_000), `sandbox ${sandboxPid} still runs 5 s after its grader was killed`).to.equal(true);
  });
});

describe('the reaper', () => {
  it('kills a process that outlives the time it was given', async () => {
    const child = spawn(process.execPath, ['--eval', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const exited = new Promise<string>((done) => child.once('exit', (code, signal) => done(signal ?? `code ${code}`)));
      dieWithGrader(child, 300);
      const outcome = await Promise.race([exited, sleep(10_000).then(() => 'still running after 10 s')]);
      // Windows has no signals: the process is terminated with an exit code.
      expect(outcome).to.equal(process.platform === 'win32' ? 'code 1' : 'SIGKILL');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
