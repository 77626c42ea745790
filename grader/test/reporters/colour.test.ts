// Colour only for a person at a terminal who has not set NO_COLOR; files never
// get colour codes. The terminal is a real pseudo-terminal from `script`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { repoDir } from '../../registry.ts';
import { fixtureResults } from './fixtures.ts';

const SCRIPT = '/usr/bin/script';
const ESC = '\u001b[';

describe('colour', function () {
  let dir: string;
  before(function () {
    if (!existsSync(SCRIPT)) {
      console.log(`      (skipped: ${SCRIPT} is not installed; on Debian it is in bsdutils)`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'colour-'));
    const results = fixtureResults('exercise', 0.2);
    // A student's error message that carries colour codes of its own.
    results.lessons[0]!.checks[1]!.message = `${ESC}31mTypeError${ESC}39m: x is undefined`;
    writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  /** `ta report` on a pseudo-terminal; returns what the terminal showed. */
  function onTerminal(args: string, env: Record<string, string | undefined>): string {
    const command = `${process.execPath} --import tsx grader/cli/ta.ts report ${join(dir, 'results.json')} --format terminal ${args}`;
    const run = spawnSync(SCRIPT, ['-qec', command, '/dev/null'], { cwd: repoDir, encoding: 'utf8', env: { ...process.env, ...env } });
    expect(run.status, run.stderr).to.equal(0);
    return run.stdout;
  }

  it('colours the loss curve on a terminal, not when NO_COLOR is set, and never in an --out file', () => {
    const shown = onTerminal('', { NO_COLOR: undefined });
    expect(shown).to.include(ESC);
    expect(shown).to.include('red: yours');

    expect(onTerminal('', { NO_COLOR: '1' })).not.to.include('\u001b');

    const out = join(dir, 'report.txt');
    onTerminal(`--out ${out}`, { NO_COLOR: undefined });
    const text = readFileSync(out, 'utf8');
    expect(text).to.include('TypeError: x is undefined');
    expect(text).not.to.include('\u001b');
  });
});
