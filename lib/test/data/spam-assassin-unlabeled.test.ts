import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { gzipDeterministic } from '../../data/gzip.ts';
import { loadSpamAssassinSubset, readSpamAssassinPackage, type RawMessage, type TextTrainTest } from '../../data/spam-assassin.ts';
import { encodeUnlabeled, loadSpamAssassinUnlabeled, makeUnlabeledTexts, SPAM_ASSASSIN_UNLABELED_DIR, SPAM_ASSASSIN_UNLABELED_FILE } from '../../data/spam-assassin-unlabeled.ts';
import { makeTempDir } from './temp-dir.ts';

const raw = (subject: string, body: string) => `Subject: ${subject}\nTo: x@example.org\n\n${body}\n`;
const message = (group: string, id: string, md5: string, text: string): RawMessage => ({ id, group, checksum: { type: 'MD5', value: md5 }, text });

describe('SpamAssassin unlabeled texts', () => {
  it('keeps the messages the subset leaves out, without labels, duplicates or texts opening like the subset’s', () => {
    const testText = `Win big\n${'Claim your prize now, '.repeat(10)}`;
    const subset: TextTrainTest = {
      train: { texts: ['Hello\nthe meeting moved to Tuesday, see you there'], labels: Uint8Array.of(0), ids: ['easy-ham-1/00001'], classNames: ['ham', 'spam'] },
      test: { texts: [testText], labels: Uint8Array.of(1), ids: ['spam-1/00001'], classNames: ['ham', 'spam'] },
    };
    const messages = [
      message('easy-ham-1', '00001', 'aa', raw('Hello', 'the meeting moved to Tuesday, see you there')),
      message('spam-1', '00001', 'bb', raw('Win big', 'Claim your prize now, '.repeat(10))),
      // The same spam sent again, its ending changed: it opens like a test message.
      message('spam-2', '00007', 'cc', raw('Win big', `${'Claim your prize now, '.repeat(10)} today only`)),
      message('easy-ham-2', '00002', 'ee', raw('Lunch', 'shall we have lunch on Friday at noon?')),
      message('easy-ham-2', '00003', 'dd', raw('Lunch', 'shall we have lunch on Friday at noon?')),
      message('hard-ham-1', '00004', 'ff', raw('Hi', 'ok')),
    ];
    const unlabeled = makeUnlabeledTexts(messages, subset, { maxChars: 1000, minChars: 20 });
    // In MD5 order: dd before ee, which is its duplicate; ff is too short.
    expect(unlabeled).to.deep.equal({ texts: ['Lunch\nshall we have lunch on Friday at noon?'], ids: ['easy-ham-2/00003'] });
  });

  it('the committed file: thousands of real texts, none of the subset’s, with its licence beside it', () => {
    const { texts, ids } = loadSpamAssassinUnlabeled();
    expect(texts.length).to.be.above(4000);
    const { train, test } = loadSpamAssassinSubset();
    const subsetIds = new Set([...train.ids, ...test.ids]);
    expect(ids.filter((id) => subsetIds.has(id))).to.deep.equal([]);
    const testOpenings = new Set(test.texts.map((t) => t.slice(0, 100)));
    expect(texts.filter((t) => testOpenings.has(t.slice(0, 100)))).to.deep.equal([]);
    for (const text of texts) expect(text.length).to.be.within(40, 1000);
    const names = readdirSync(SPAM_ASSASSIN_UNLABELED_DIR);
    expect(names).to.include.members(['LICENSE', 'NOTICE', 'README.md', 'checksums.json', SPAM_ASSASSIN_UNLABELED_FILE]);
    const total = names.reduce((n, name) => n + readFileSync(join(SPAM_ASSASSIN_UNLABELED_DIR, name)).length, 0);
    expect(total).to.be.below(1_600_000);
  });

  it('refuses an altered file, naming it', () => {
    const { dir, remove } = makeTempDir('spam-unlabeled');
    try {
      cpSync(SPAM_ASSASSIN_UNLABELED_DIR, dir, { recursive: true });
      const path = join(dir, SPAM_ASSASSIN_UNLABELED_FILE);
      writeFileSync(path, readFileSync(path).subarray(0, 1000));
      expect(() => loadSpamAssassinUnlabeled(dir)).to.throw(/SpamAssassin unlabeled file .*spam-assassin-unlabeled\.json\.gz is corrupt or truncated .*SHA-256 expected [0-9a-f]{64}, actual/);
    } finally {
      remove();
    }
  });

  it('is what the make script builds from the package (set SPAM_ASSASSIN_PACKAGE to its folder)', function () {
    const packageDir = process.env['SPAM_ASSASSIN_PACKAGE'];
    if (!packageDir) this.skip();
    const unlabeled = makeUnlabeledTexts(readSpamAssassinPackage(packageDir), loadSpamAssassinSubset(), { maxChars: 1000, minChars: 40 });
    const committed = readFileSync(join(SPAM_ASSASSIN_UNLABELED_DIR, SPAM_ASSASSIN_UNLABELED_FILE));
    expect(Buffer.from(gzipDeterministic(new TextEncoder().encode(encodeUnlabeled(unlabeled)))).equals(committed)).to.equal(true);
  });
});
