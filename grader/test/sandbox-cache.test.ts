// The sandbox's transpiled cache (.cache/sandbox-js/) keeps what graders use
// and drops what nobody used for a week, without tripping a grader that is
// using it at the same time.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { prepare } from '../sandbox/typescript-loader.mjs';

describe("the sandbox's transpiled cache", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sandbox-js-test-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('removes entries unused for 7 days, keeps and refreshes the ones in use', () => {
    const source = join(dir, 'file.ts');
    writeFileSync(source, 'export const x: number = 1;\n');
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    const longAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    const [stale, recent] = [join(cache, 'stale.js'), join(cache, 'recent.js')];
    for (const file of [stale, recent]) writeFileSync(file, '');
    utimesSync(stale, longAgo, longAgo);
    const [used] = prepare(cache, [source]);
    expect(existsSync(stale), 'unused for 8 days').to.equal(false);
    expect(existsSync(recent), 'used recently').to.equal(true);
    expect(readFileSync(used!, 'utf8')).to.include('export const x = 1;');
    // A file in use is refreshed each time a grader prepares it, so another grader's pruning leaves it.
    utimesSync(used!, longAgo, longAgo);
    expect(prepare(cache, [source])).to.deep.equal([used]);
    expect(statSync(used!).mtimeMs).to.be.greaterThan(Date.now() - 60_000);
  });
});
