// The SpamAssassin messages the labelled subset does not use, as text only:
// what the course's pretrained encoder (lesson 5, part 2) learns masked-language
// modelling from, besides the subset's training texts. No labels are stored,
// and every message of the subset's test split, or one that starts like it,
// is left out, so that pretraining never reads the messages fine-tuning is
// tested on.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckedFiles } from './checksums.ts';
import { gunzipIfNeeded } from './gzip.ts';
import { messageText, SPAM_ASSASSIN_REMEDY, type RawMessage, type TextTrainTest } from './spam-assassin.ts';

export const SPAM_ASSASSIN_UNLABELED_DIR = fileURLToPath(new URL('./spam-assassin-unlabeled/', import.meta.url));
export const SPAM_ASSASSIN_UNLABELED_FILE = 'spam-assassin-unlabeled.json.gz';

/** Unlabeled texts and where each came from, "<group>/<message id>". */
export interface UnlabeledTexts {
  texts: string[];
  ids: string[];
}

/** Two texts that start alike (a spam sent twice, a reply quoting it) count as one. */
const opening = (text: string) => text.slice(0, 100);

/**
 * Every message of the corpus the subset does not hold, in MD5 order (as the
 * subset's), cut to `maxChars`; texts shorter than `minChars`, duplicates and
 * texts opening like one of the subset's are skipped.
 */
export function makeUnlabeledTexts(messages: readonly RawMessage[], subset: TextTrainTest, options: { maxChars: number; minChars: number }): UnlabeledTexts {
  const used = new Set([...subset.train.ids, ...subset.test.ids]);
  const seen = new Set([...subset.train.texts, ...subset.test.texts].map(opening));
  const out: UnlabeledTexts = { texts: [], ids: [] };
  const ordered = [...messages].sort((a, b) => (a.checksum.value < b.checksum.value ? -1 : a.checksum.value > b.checksum.value ? 1 : 0));
  for (const message of ordered) {
    const id = `${message.group}/${message.id}`;
    if (used.has(id)) continue;
    const text = messageText(message.text, options.maxChars);
    if (text.length < options.minChars || seen.has(opening(text))) continue;
    seen.add(opening(text));
    out.texts.push(text);
    out.ids.push(id);
  }
  return out;
}

export function encodeUnlabeled(unlabeled: UnlabeledTexts): string {
  return `${JSON.stringify({ texts: unlabeled.texts, ids: unlabeled.ids })}\n`;
}

/** The committed unlabeled texts (see spam-assassin-unlabeled/README.md), checked against checksums.json. */
export function loadSpamAssassinUnlabeled(dir: string = SPAM_ASSASSIN_UNLABELED_DIR): UnlabeledTexts {
  const path = join(dir, SPAM_ASSASSIN_UNLABELED_FILE);
  const bytes = readCheckedFiles(dir, [SPAM_ASSASSIN_UNLABELED_FILE], 'SpamAssassin unlabeled file', SPAM_ASSASSIN_REMEDY).get(SPAM_ASSASSIN_UNLABELED_FILE)!;
  const parsed = JSON.parse(Buffer.from(gunzipIfNeeded(bytes, path)).toString('utf8')) as Partial<UnlabeledTexts>;
  const { texts, ids } = parsed;
  if (!Array.isArray(texts) || !Array.isArray(ids) || texts.length !== ids.length || !texts.every((t) => typeof t === 'string')) {
    throw new Error(`${path}: expected { texts, ids }, two arrays of the same length`);
  }
  return { texts, ids };
}
