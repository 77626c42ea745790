// The course's pretrained transformer on disk (made by `npm run make-pretrained
// -- transformer`, see spam-assassin-encoder/README.md): named float32 weights,
// their shapes and the model's sizes in checkpoint.json, the values in
// weights.bin, the WordPiece vocabulary in vocab.txt, and checksums.json.
// Names are the paths of the weights in lesson 5's Transformer object,
// e.g. "blocks[1].attention.query.w"; the masked-language-model head's start
// with "mlm.".
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckedFiles, writeChecksums } from '../data/checksums.ts';
import { parseVocabulary, vocabularyText } from './wordpiece.ts';

export const TRANSFORMER_DIR = fileURLToPath(new URL('./spam-assassin-encoder/', import.meta.url));
const FILES = ['checkpoint.json', 'weights.bin', 'vocab.txt'] as const;

export interface EncoderConfig {
  vocabularySize: number;
  dModel: number;
  heads: number;
  dFeedForward: number;
  blocks: number;
  /** The longest sequence it was pretrained on, [CLS] and [SEP] included. */
  maxLength: number;
  /** Whether its tokenizer lower-cases text. */
  lowercase: boolean;
}

export interface NamedWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface Checkpoint {
  config: EncoderConfig;
  weights: Map<string, NamedWeight>;
  /** vocabulary[id] is the WordPiece token of id (vocab.txt); special tokens first. */
  vocabulary: string[];
  /** What pretraining reached, as recorded in checkpoint.json. */
  pretraining: Record<string, number | string>;
}


export function saveCheckpoint(dir: string, checkpoint: Checkpoint): void {
  mkdirSync(dir, { recursive: true });
  const specs: { name: string; shape: number[] }[] = [];
  const chunks: Buffer[] = [];
  for (const { name, shape, values } of checkpoint.weights.values()) {
    if (values.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`checkpoint: ${name} has ${values.length} values for shape [${shape}]`);
    specs.push({ name, shape });
    // Little-endian float32, whatever the machine.
    const bytes = Buffer.alloc(values.length * 4);
    values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
    chunks.push(bytes);
  }
  const json = { config: checkpoint.config, pretraining: checkpoint.pretraining, weights: specs };
  writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(json, null, 1) + '\n');
  writeFileSync(join(dir, 'weights.bin'), Buffer.concat(chunks));
  writeFileSync(join(dir, 'vocab.txt'), vocabularyText(checkpoint.vocabulary));
  writeChecksums(dir, FILES);
}

/** Reads the checkpoint after checking every file against checksums.json. */
export function loadCheckpoint(dir: string = TRANSFORMER_DIR): Checkpoint {
  const contents = readCheckedFiles(dir, FILES, 'pretrained transformer file', 'Restore it from git or run `npm run make-pretrained -- transformer`.');
  const json = JSON.parse(contents.get('checkpoint.json')!.toString('utf8')) as {
    config: EncoderConfig;
    pretraining: Record<string, number | string>;
    weights: { name: string; shape: number[] }[];
  };
  const bytes = contents.get('weights.bin')!;
  const weights = new Map<string, NamedWeight>();
  let offset = 0;
  for (const { name, shape } of json.weights) {
    const count = shape.reduce((a, b) => a * b, 1);
    if (offset + count * 4 > bytes.length) throw new Error(`pretrained transformer: weights.bin ends before ${name}`);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = bytes.readFloatLE(offset + i * 4);
    weights.set(name, { name, shape, values });
    offset += count * 4;
  }
  if (offset !== bytes.length) throw new Error(`pretrained transformer: weights.bin has ${bytes.length - offset} bytes after the last weight`);
  // Parsing checks the special tokens and that no token appears twice.
  const vocabulary = [...parseVocabulary(contents.get('vocab.txt')!.toString('utf8')).tokens];
  if (vocabulary.length !== json.config.vocabularySize) {
    throw new Error(`pretrained transformer: vocab.txt has ${vocabulary.length} tokens, checkpoint.json says ${json.config.vocabularySize}`);
  }
  return { config: json.config, weights, vocabulary, pretraining: json.pretraining };
}
