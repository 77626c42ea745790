import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { gzipDeterministic } from '../../data/gzip.ts';
import {
  decodeSubset,
  encodeSubset,
  loadSpamAssassinSubset,
  makeSpamAssassinSubset,
  messageText,
  readSpamAssassinPackage,
  SPAM_ASSASSIN_CLASS_NAMES,
  SPAM_ASSASSIN_GROUPS,
  SPAM_ASSASSIN_SUBSET_DIR,
  SPAM_ASSASSIN_SUBSET_FILE,
  type RawMessage,
  type TextSet,
} from '../../data/spam-assassin.ts';
import { makeTempDir } from './temp-dir.ts';

/** A raw message with the given headers and body, mail-style (CRLF, as many real ones are). */
function mail(headers: Record<string, string>, body: string): string {
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return ['From someone  Thu Aug 22 12:36:23 2002', 'Received: from a\n\tby b', ...head, '', body].join('\r\n');
}

function message(group: string, id: string, md5: string, text: string): RawMessage {
  return { id, group, checksum: { type: 'MD5', value: md5 }, text };
}

function counts(set: TextSet): number[] {
  return [0, 1].map((label) => set.labels.filter((l) => l === label).length);
}

describe('SpamAssassin', () => {
  describe('messageText', () => {
    it('keeps the subject and the plain body, drops the other headers, collapses whitespace', () => {
      const raw = mail({ Subject: 'Re: New  Sequences\n Window', To: 'x@example.org' }, 'Hello,\n\n  the pick\tcommand works.\n');
      expect(messageText(raw)).to.equal('Re: New Sequences Window\nHello, the pick command works.');
    });

    it('decodes quoted-printable HTML and strips tags, styles, comments and entities', () => {
      const body = '<HTML><STYLE>p {color: red}</STYLE><!-- x --><P align=3Dleft>Save up to 70% on=\n Life&nbsp;Insurance &amp; more</P></HTML>';
      const raw = mail({ Subject: 'Why Pay More?', 'Content-Type': 'text/html; charset="iso-8859-1"', 'Content-Transfer-Encoding': 'quoted-printable' }, body);
      expect(messageText(raw)).to.equal('Why Pay More?\nSave up to 70% on Life Insurance & more');
    });

    it('takes the text/plain part of a multipart message, decoding base64, and encoded-word subjects', () => {
      const body = [
        'This is a multi-part message in MIME format.',
        '--XYZ',
        'Content-Type: text/html',
        '',
        '<p>the html version</p>',
        '--XYZ',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('the plain version').toString('base64'),
        '--XYZ--',
        '',
      ].join('\n');
      const raw = mail({ Subject: '=?iso-8859-1?Q?caf=E9_menu?=', 'Content-Type': 'multipart/alternative;\n boundary="XYZ"' }, body);
      expect(messageText(raw)).to.equal('café menu\nthe plain version');
    });

    it('falls back to the html part, and gives no body for non-text parts', () => {
      const body = ['--B', 'Content-Type: image/gif', '', 'R0lGOD', '--B', 'Content-Type: text/html', '', '<b>bold</b> offer', '--B--'].join('\n');
      expect(messageText(mail({ Subject: 's', 'Content-Type': 'multipart/mixed; boundary=B' }, body))).to.equal('s\nbold offer');
      expect(messageText(mail({ Subject: 'pic', 'Content-Type': 'image/gif' }, 'R0lGOD'))).to.equal('pic\n');
    });

    it('cuts the text to maxChars', () => {
      expect(messageText(mail({ Subject: 'abc' }, 'defghij'), 6)).to.equal('abc\nde');
    });
  });

  describe('the full corpus', () => {
    let dir: string;
    let remove: () => void;
    beforeEach(() => ({ dir, remove } = makeTempDir('spam')));
    afterEach(() => remove());

    function fakePackage(messages: RawMessage[]): string {
      for (const group of Object.keys(SPAM_ASSASSIN_GROUPS)) mkdirSync(join(dir, 'data', group), { recursive: true });
      for (const m of messages) writeFileSync(join(dir, 'data', m.group, `${m.id}.${m.checksum.value}.json`), JSON.stringify(m));
      writeFileSync(join(dir, 'data', 'spam-1', `${messages[0]!.id}.txt`), 'raw copies are ignored');
      return dir;
    }

    it('reads every group of an installed package', () => {
      const messages = [message('easy-ham-1', '00001', 'aa', mail({ Subject: 'hi' }, 'ham text')), message('spam-2', '00007', 'bb', 'spam')];
      const read = readSpamAssassinPackage(fakePackage(messages));
      expect(read.map((m) => `${m.group}/${m.id}`)).to.deep.equal(['easy-ham-1/00001', 'spam-2/00007']);
      expect(read[0]!.text).to.equal(messages[0]!.text);
    });

    it('names what is missing', () => {
      expect(() => readSpamAssassinPackage(dir)).to.throw(/has no data folder/);
      mkdirSync(join(dir, 'data', 'easy-ham-1'), { recursive: true });
      expect(() => readSpamAssassinPackage(dir)).to.throw(/group folder .*easy-ham-2 is missing/);
    });
  });

  describe('makeSpamAssassinSubset', () => {
    const hams = Array.from({ length: 6 }, (_, i) => message(i < 3 ? 'easy-ham-1' : 'hard-ham-1', `h${i}`, `${9 - i}f`, mail({ Subject: `ham ${i}` }, 'a normal message body')));
    const spams = Array.from({ length: 6 }, (_, i) => message('spam-2', `s${i}`, `${i}e`, mail({ Subject: `spam ${i}` }, 'buy now, limited offer')));
    const options = { trainPerClass: 3, testPerClass: 2, maxChars: 100, minChars: 10 };

    it('is class-balanced, sorted by class, in MD5 order, whatever the input order', () => {
      const subset = makeSpamAssassinSubset([...hams, ...spams], options);
      expect(counts(subset.train)).to.deep.equal([3, 3]);
      expect(counts(subset.test)).to.deep.equal([2, 2]);
      expect([...subset.train.labels]).to.deep.equal([0, 0, 0, 1, 1, 1]);
      // Ham MD5s ascend from h5 ("4f") down to h0 ("9f"); test takes the first two.
      expect(subset.test.ids).to.deep.equal(['hard-ham-1/h5', 'hard-ham-1/h4', 'spam-2/s0', 'spam-2/s1']);
      expect(subset.train.ids.slice(0, 3)).to.deep.equal(['hard-ham-1/h3', 'easy-ham-1/h2', 'easy-ham-1/h1']);
      expect(subset.train.classNames).to.deep.equal(SPAM_ASSASSIN_CLASS_NAMES);
      const reversed = makeSpamAssassinSubset([...spams, ...hams].reverse(), options);
      expect(encodeSubset(reversed)).to.equal(encodeSubset(subset));
    });

    it('skips short texts and duplicates, and says when too few are left', () => {
      const extra = [
        message('easy-ham-2', 'short', '00', mail({ Subject: 'x' }, '')),
        message('easy-ham-2', 'dupe', '01', hams[0]!.text),
      ];
      const subset = makeSpamAssassinSubset([...hams, ...spams, ...extra], options);
      const all = [...subset.train.ids, ...subset.test.ids];
      expect(all).to.not.include('easy-ham-2/short');
      expect(all.filter((id) => id === 'easy-ham-2/dupe' || id === 'easy-ham-1/h0')).to.have.length(1);
      expect(() => makeSpamAssassinSubset([...hams, ...spams], { ...options, trainPerClass: 5 })).to.throw(/only 6 usable ham messages/);
    });

    it('round-trips through its stored form', () => {
      const subset = makeSpamAssassinSubset([...hams, ...spams], options);
      const back = decodeSubset(encodeSubset(subset), 'test');
      expect(back.train.texts).to.deep.equal(subset.train.texts);
      expect([...back.test.labels]).to.deep.equal([...subset.test.labels]);
      expect(() => decodeSubset('{"train":{"texts":["a"],"labels":[2],"ids":["x"]},"test":{}}', 'bad.json')).to.throw(/bad.json train: texts must be strings and labels 0 or 1/);
    });
  });

  describe('the committed subset', () => {
    it('has 600 + 200 messages per class of real mail text, sorted by class, no overlap', () => {
      const { train, test } = loadSpamAssassinSubset();
      expect(counts(train)).to.deep.equal([600, 600]);
      expect(counts(test)).to.deep.equal([200, 200]);
      for (const set of [train, test]) {
        expect([...set.labels]).to.deep.equal([...set.labels].sort());
        for (const text of set.texts) expect(text.length).to.be.within(40, 1000);
      }
      const trainIds = new Set(train.ids);
      expect(test.ids.filter((id) => trainIds.has(id))).to.deep.equal([]);
      expect(new Set([...train.texts, ...test.texts]).size).to.equal(1600);
      // Ham ids come from ham groups, spam ids from spam groups.
      train.ids.forEach((id, i) => expect(SPAM_ASSASSIN_GROUPS[id.split('/')[0] as keyof typeof SPAM_ASSASSIN_GROUPS]).to.equal(train.labels[i]));
      // Text, not markup or headers: only the odd message (MIME quoted in a discussion,
      // spam with broken MIME) still shows some.
      const markup = [...train.texts, ...test.texts].filter((t) => /<\/?(html|body|table|font)\b|Content-Transfer-Encoding:|Received: from/i.test(t));
      expect(markup.length).to.be.below(16);
    });

    it('stays under 2 MB, with its licence and notice beside it', () => {
      const names = readdirSync(SPAM_ASSASSIN_SUBSET_DIR);
      expect(names).to.include.members(['LICENSE', 'NOTICE', 'README.md', 'checksums.json', SPAM_ASSASSIN_SUBSET_FILE]);
      const total = names.reduce((n, name) => n + readFileSync(join(SPAM_ASSASSIN_SUBSET_DIR, name)).length, 0);
      expect(total).to.be.below(2_000_000);
    });

    it('refuses a truncated or altered file, naming it', () => {
      const { dir, remove } = makeTempDir('spam-subset');
      try {
        cpSync(SPAM_ASSASSIN_SUBSET_DIR, dir, { recursive: true });
        const path = join(dir, SPAM_ASSASSIN_SUBSET_FILE);
        const original = readFileSync(path);
        writeFileSync(path, original.subarray(0, original.length - 100));
        expect(() => loadSpamAssassinSubset(dir)).to.throw(/SpamAssassin subset file .*spam-assassin-subset\.json\.gz is corrupt or truncated .*SHA-256 expected [0-9a-f]{64}, actual/);
        writeFileSync(path, gzipDeterministic(new TextEncoder().encode('{}')));
        expect(() => loadSpamAssassinSubset(dir)).to.throw(/is corrupt/);
        writeFileSync(path, original);
        expect(loadSpamAssassinSubset(dir).train.texts).to.have.length(1200);
      } finally {
        remove();
      }
    });

    it('is what the make script builds from the package (set SPAM_ASSASSIN_PACKAGE to its folder)', function () {
      const packageDir = process.env['SPAM_ASSASSIN_PACKAGE'];
      if (!packageDir) this.skip();
      const subset = makeSpamAssassinSubset(readSpamAssassinPackage(packageDir), { trainPerClass: 600, testPerClass: 200, maxChars: 1000, minChars: 40 });
      const committed = readFileSync(join(SPAM_ASSASSIN_SUBSET_DIR, SPAM_ASSASSIN_SUBSET_FILE));
      expect(Buffer.from(gzipDeterministic(new TextEncoder().encode(encodeSubset(subset)))).equals(committed)).to.equal(true);
    });
  });
});
