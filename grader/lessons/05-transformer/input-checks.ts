// Lesson 5's checks on what goes into the encoder: the vocabulary, token ids
// and padding mask, and the sinusoidal positional encodings.
import { tf } from '#lib/tf.ts';
import { cause } from '../../faults.ts';
import { fixed, scientific } from '../../format.ts';
import { CheckFailure, type Check } from '../../lesson.ts';
import * as ref from './fixed-numbers.ts';
import { expectShape, load } from './student-model.ts';

export const tokenisation: Check = {
  id: 'tokenisation',
  title: 'vocabulary, token ids and padding mask',
  points: 1,
  async run(ctx) {
    const t = await load(ctx);
    const texts = ['the cat sat', 'The dog sat down', 'a cat, a dog', 'the end'];
    // Counts: the 3, a 2, cat 2, dog 2, sat 2, down 1, end 1.
    const vocabulary = t.buildVocabulary(texts, 7);
    const expectedTokens = ['<pad>', '<unk>', 'the', 'a', 'cat', 'dog', 'sat'];
    if (vocabulary.tokens.join() !== expectedTokens.join()) {
      throw new CheckFailure(
        `buildVocabulary(${JSON.stringify(texts)}, 7) gives tokens [${vocabulary.tokens.join(', ')}], expected [${expectedTokens.join(', ')}]: ` +
          "'<pad>' and '<unk>' come first, then the most frequent words, ties in alphabetical order, 7 tokens in all.",
        {},
        [cause('training/preprocessing', 3, 'the vocabulary is built wrongly')],
      );
    }
    for (const [word, id] of expectedTokens.map((word, id) => [word, id] as const)) {
      if (vocabulary.ids.get(word) !== id) {
        throw new CheckFailure(`vocabulary.ids.get('${word}') is ${vocabulary.ids.get(word)}, but tokens[${id}] is '${word}'`, {}, [
          cause('training/preprocessing', 3, 'the word-to-id map disagrees with the token list'),
        ]);
      }
    }
    const cases: [string, number, number[]][] = [
      ['The bird sat on a cat', 4, [2, t.UNK, 6, t.UNK]],
      ['a dog', 5, [3, 5, t.PAD, t.PAD, t.PAD]],
    ];
    for (const [text, maxLength, expected] of cases) {
      const got = t.encodeText(text, vocabulary, maxLength);
      if (got.join() !== expected.join()) {
        const unknownAsPad = got.length === expected.length && got.every((id, i) => id === (expected[i] === t.UNK ? t.PAD : expected[i]));
        throw new CheckFailure(
          `encodeText('${text}', vocabulary, ${maxLength}) gives [${got}], expected [${expected}] (PAD = ${t.PAD}, UNK = ${t.UNK})` +
            (unknownAsPad ? ': unknown words became padding, so the model cannot tell a missing word from an unknown one.' : '.'),
          {},
          [cause('training/preprocessing', 3, unknownAsPad ? 'unknown words encoded as padding' : 'texts encoded wrongly')],
        );
      }
    }
    const mask = tf.tidy(() => t.paddingMask(tf.tensor2d([[2, 1, 6, 1], [3, 5, 0, 0]], [2, 4], 'int32')).arraySync());
    if (JSON.stringify(mask) !== JSON.stringify([[1, 1, 1, 1], [1, 1, 0, 0]])) {
      throw new CheckFailure(`paddingMask([[2, 1, 6, 1], [3, 5, 0, 0]]) is ${JSON.stringify(mask)}, expected [[1,1,1,1],[1,1,0,0]]`, {}, [
        cause('training/preprocessing', 3, 'the padding mask marks the wrong positions'),
      ]);
    }
    return 'vocabulary, encodeText and paddingMask give the expected ids and mask';
  },
};

export const positionalEncodingCheck: Check = {
  id: 'positional-encoding',
  title: 'sinusoidal positional encodings',
  points: 1,
  async run(ctx) {
    const t = await load(ctx);
    const [length, dModel] = [6, 8];
    const got = tf.tidy(() => {
      const pe = t.positionalEncoding(length, dModel);
      return { shape: pe.shape, values: pe.dataSync() as Float32Array };
    });
    expectShape(`positionalEncoding(${length}, ${dModel})`, got.shape, [length, dModel]);
    const expected = Array.from({ length: length * dModel }, (_, index) => {
      const [pos, feature] = [Math.floor(index / dModel), index % dModel];
      const angle = pos / Math.pow(10000, (feature - (feature % 2)) / dModel);
      return feature % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    });
    const { diff, index } = ref.largestDifference(got.values, expected);
    if (!(diff <= 1e-4)) {
      const [pos, feature] = ref.unflatten(index, [length, dModel]);
      throw new CheckFailure(
        `positionalEncoding(${length}, ${dModel})[${pos}][${feature}] is ${fixed(got.values[index]!, 4)}, expected ${fixed(expected[index]!, 4)}: ` +
          'even features take the sine, odd ones the cosine, of pos / 10000^(2i / dModel), where 2i is the even feature of the pair.',
        { largestDifference: diff },
        [cause('model/layers', 2, 'positional encodings computed wrongly')],
      );
    }
    return `matches the sinusoidal encodings (largest difference ${scientific(diff)})`;
  },
};
