// A WordPiece tokenizer, as BERT uses: text is lower-cased and split into
// words and punctuation, then each word into the longest vocabulary pieces
// from its start, pieces after the first written with a leading "##".
//
// Hand-written on purpose: the course needs to *train* a vocabulary offline,
// bit for bit the same on every machine. The npm tokenizer libraries either
// only load a vocabulary made elsewhere (@huggingface/tokenizers, pure
// JavaScript, is at 0.x and has no trainer) or are native bindings that need a
// prebuilt binary (tokenizers). Encoding with a given vocabulary is ten lines;
// training is a plain merge loop, below.

/** The special tokens, in the order of their ids. */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];
export const PAD_ID = 0;
export const UNK_ID = 1;
export const CLS_ID = 2;
export const SEP_ID = 3;
export const MASK_ID = 4;

/** A word longer than this becomes one [UNK], as in BERT. */
const MAX_WORD_CHARS = 100;

export interface TokenizerOptions {
  /** Lower-case the text first. The course's checkpoint was trained on lower-cased text. */
  lowercase: boolean;
}

/** Words and punctuation: each punctuation or symbol character is a word of its own. */
export function preTokenize(text: string, lowercase: boolean): string[] {
  const normal = lowercase ? text.toLowerCase() : text;
  return normal.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? [];
}

export class WordPieceTokenizer {
  readonly ids: ReadonlyMap<string, number>;

  constructor(
    /** tokens[id] is the piece of token id; the special tokens come first. */
    readonly tokens: readonly string[],
    readonly options: TokenizerOptions = { lowercase: true },
  ) {
    SPECIAL_TOKENS.forEach((token, id) => {
      if (tokens[id] !== token) throw new Error(`WordPiece vocabulary: token ${id} must be ${token}, not ${tokens[id]}`);
    });
    this.ids = new Map(tokens.map((token, id) => [token, id]));
    if (this.ids.size !== tokens.length) throw new Error('WordPiece vocabulary: a token appears twice');
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The pieces of one word, longest match first; a word with a part no piece covers is [UNK]. */
  wordPieces(word: string): string[] {
    if (word.length > MAX_WORD_CHARS) return ['[UNK]'];
    const pieces: string[] = [];
    for (let start = 0; start < word.length; ) {
      let end = word.length;
      let found: string | undefined;
      for (; end > start; end--) {
        const piece = (start > 0 ? '##' : '') + word.slice(start, end);
        if (this.ids.has(piece)) {
          found = piece;
          break;
        }
      }
      if (!found) return ['[UNK]'];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }

  /** The pieces of a text, without special tokens. */
  tokenize(text: string): string[] {
    return preTokenize(text, this.options.lowercase).flatMap((word) => this.wordPieces(word));
  }

  /** The ids of a text's pieces, without special tokens. */
  encode(text: string): number[] {
    return this.tokenize(text).map((piece) => this.ids.get(piece)!);
  }

  decode(ids: readonly number[]): string {
    return ids.map((id) => this.tokens[id] ?? '[UNK]').join(' ').replace(/ ##/g, '');
  }
}

// ---------------------------------------------------------------------------
// Training a vocabulary
// ---------------------------------------------------------------------------

export interface TrainOptions {
  /** Tokens in all, special tokens included. */
  vocabularySize: number;
  /** Characters seen fewer times than this are left out (they become [UNK]). */
  minCharCount: number;
  lowercase: boolean;
}

/**
 * A WordPiece vocabulary: start from single characters (a word's first
 * character plain, the others with "##"), then merge, again and again, the
 * adjacent pair seen most often, as Hugging Face's WordPiece trainer does
 * (Google's original score, count(ab) / (count(a) count(b)), fills a small
 * vocabulary with rare whole words instead of common pieces). Ties go to the
 * alphabetically first pair, so the result depends only on the texts.
 */
export function trainWordPiece(texts: readonly string[], options: TrainOptions): string[] {
  const wordCounts = new Map<string, number>();
  for (const text of texts) for (const word of preTokenize(text, options.lowercase)) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
  const charCounts = new Map<string, number>();
  for (const [word, count] of wordCounts) for (const char of word) charCounts.set(char, (charCounts.get(char) ?? 0) + count);
  const alphabet = new Set([...charCounts].filter(([, count]) => count >= options.minCharCount).map(([char]) => char));

  // Each distinct word as its current pieces; words with a rare character are left out.
  const words: { pieces: string[]; count: number }[] = [];
  for (const [word, count] of [...wordCounts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const chars = [...word];
    if (chars.length > MAX_WORD_CHARS || !chars.every((c) => alphabet.has(c))) continue;
    words.push({ pieces: chars.map((c, i) => (i === 0 ? c : `##${c}`)), count });
  }
  const vocabulary = new Set<string>(SPECIAL_TOKENS);
  for (const word of words) for (const piece of word.pieces) vocabulary.add(piece);

  const joined = (a: string, b: string) => a + b.replace(/^##/, '');
  const pairKey = (a: string, b: string) => `${a} ${b}`;
  const pairCounts = new Map<string, { a: string; b: string; n: number }>();
  const pairWords = new Map<string, Set<number>>();
  const count = (word: number, sign: 1 | -1) => {
    const { pieces, count: n } = words[word]!;
    pieces.forEach((piece, i) => {
      if (i === 0) return;
      const key = pairKey(pieces[i - 1]!, piece);
      const pair = pairCounts.get(key);
      if (pair) pair.n += sign * n;
      else pairCounts.set(key, { a: pieces[i - 1]!, b: piece, n: sign * n });
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(word);
      }
    });
  };
  words.forEach((_, i) => count(i, 1));

  while (vocabulary.size < options.vocabularySize) {
    let best: string | undefined;
    let bestScore = -1;
    for (const [key, { n }] of pairCounts) {
      if (n <= 0) continue;
      const score = n;
      if (score > bestScore || (score === bestScore && key < best!)) {
        best = key;
        bestScore = score;
      }
    }
    if (best === undefined) break;
    const { a, b } = pairCounts.get(best)!;
    const merged = joined(a, b);
    for (const word of [...pairWords.get(best)!].sort((x, y) => x - y)) {
      const pieces = words[word]!.pieces;
      if (!pieces.some((piece, i) => i > 0 && pieces[i - 1] === a && piece === b)) continue;
      count(word, -1);
      const next: string[] = [];
      for (let i = 0; i < pieces.length; i++) {
        if (i + 1 < pieces.length && pieces[i] === a && pieces[i + 1] === b) {
          next.push(merged);
          i++;
        } else next.push(pieces[i]!);
      }
      words[word]!.pieces = next;
      count(word, 1);
    }
    pairCounts.delete(best);
    vocabulary.add(merged);
  }
  return [...vocabulary];
}

/** The vocabulary file: one token per line, as BERT's vocab.txt. */
export function vocabularyText(tokens: readonly string[]): string {
  for (const token of tokens) if (/[\n\r]/.test(token)) throw new Error(`WordPiece vocabulary: token ${JSON.stringify(token)} holds a line break`);
  return tokens.join('\n') + '\n';
}

export function parseVocabulary(text: string, options?: TokenizerOptions): WordPieceTokenizer {
  const tokens = text.split('\n');
  if (tokens.at(-1) === '') tokens.pop();
  return new WordPieceTokenizer(tokens, options);
}
