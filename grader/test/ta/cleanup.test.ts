// Stale-checkout sweeping while other gradings run beside it (ta compare's
// workers share one temporary folder).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { markOwned, removeStaleCheckouts } from '../../ta/cleanup.ts';

describe('stale checkouts', () => {
  let folder: string;
  let prefix: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'cleanup-test-'));
    prefix = join(folder, 'grade-submission-');
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const checkoutOf = (owner: number) => {
    const dir = mkdtempSync(prefix);
    writeFileSync(`${dir}.owner`, String(owner));
    return dir;
  };
  const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

  it("removes a dead grader's checkout and keeps a live one's", () => {
    const dead = checkoutOf(spawnSync(process.execPath, ['-e', '0']).pid!);
    const live = checkoutOf(process.pid);
    removeStaleCheckouts(prefix, removeDir);
    expect(existsSync(dead), 'dead owner').to.equal(false);
    expect(existsSync(`${dead}.owner`)).to.equal(false);
    expect(existsSync(live), 'live owner').to.equal(true);
  });

  it('skips a marker that its grading removed after the folder was listed', () => {
    // A dangling link is listed but cannot be read: the same as a marker
    // deleted between the listing and the read.
    const gone = `${prefix}finished`;
    mkdirSync(gone);
    symlinkSync(join(folder, 'nothing-here'), `${gone}.owner`);
    const dead = checkoutOf(spawnSync(process.execPath, ['-e', '0']).pid!);
    expect(() => removeStaleCheckouts(prefix, removeDir)).not.to.throw();
    expect(existsSync(dead), 'the sweep went on past it').to.equal(false);
  });

  it('marks a checkout with its owner in one step, leaving nothing aside', () => {
    const dir = mkdtempSync(prefix);
    markOwned(dir);
    expect(readFileSync(`${dir}.owner`, 'utf8')).to.equal(String(process.pid));
    expect(readdirSync(folder).sort()).to.deep.equal([dir, `${dir}.owner`].map((path) => path.slice(folder.length + 1)).sort());
  });
});
