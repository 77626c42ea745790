// Lesson 5's checks on what goes into the encoder: the vocabulary, token ids
// and padding mask, and the sinusoidal positional encodings.
import { tf } from '#lib/tf.ts';
import { cause } from '../../faults.ts';
import { fixed, scientific } from '../../format.ts';
import { CheckFailure, type Check } from '../../lesson.ts';
import * as ref from './fixed-numbers.ts';
import { expectShape, load, withSmallModel } from './student-model.ts';

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

/**
 * embed() against its definition: each token's row of the model's own
 * embedding table plus the student's own positionalEncoding (judged by
 * `positional-encoding`), so this check judges only how the two are combined.
 * Tokens scaled by sqrt(dModel) first, as in "Attention is all you need", are
 * accepted too. The comparison is exact arithmetic of the same float32 numbers
 * (the solution differs by 0), so 1e-4 leaves room for any order of operations.
 */
export const embeddingCheck: Check = {
  id: 'embedding',
  title: 'embed() adds the positional encodings to the token embeddings',
  points: 1,
  buildsOn: ['positional-encoding'],
  async run(ctx) {
    return withSmallModel(ctx, (t, model) => {
      const rows = [
        [5, 9, 13, 2, 0, 0],
        [7, 3, 11, 17, 25, 8],
      ];
      const [batch, length, dModel] = [rows.length, rows[0]!.length, model.config.dModel];
      const ids = tf.tensor2d(rows, [batch, length], 'int32');
      const embedded = t.embed(model, ids);
      expectShape(`embed() of ids [${batch}, ${length}]`, embedded.shape, [batch, length, dModel]);
      const tokens = tf.gather(model.tokenEmbedding, ids);
      const positions = t.positionalEncoding(length, dModel);
      const got = embedded.dataSync();
      const gap = (expected: tf.Tensor) => ref.largestDifference(got, expected.dataSync());
      const added = gap(tokens.add(positions));
      const scaledAdded = gap(tokens.mul(Math.sqrt(dModel)).add(positions));
      const figures = { largestDifference: Math.min(added.diff, scaledAdded.diff) };
      if (added.diff <= 1e-4 || scaledAdded.diff <= 1e-4) {
        return { message: `token embeddings plus positional encodings (largest difference ${scientific(figures.largestDifference)})`, figures };
      }
      // What the output is instead, where it is a recognisable mistake.
      const signatures: [string, tf.Tensor][] = [
        ['the token embeddings alone: the positional encodings are never added', tokens],
        ['the token embeddings multiplied by the positional encodings, not added to them', tokens.mul(positions)],
        ['the positional encodings alone: the token embeddings are lost', positions.expandDims(0).tile([batch, 1, 1])],
      ];
      const match = signatures.find(([, expected]) => gap(expected).diff <= 1e-4);
      const [pos, feature] = ref.unflatten(added.index, [batch, length, dModel]).slice(1);
      throw new CheckFailure(
        `embed() on ids ${JSON.stringify(rows)} differs from tf.gather(model.tokenEmbedding, ids) plus positionalEncoding(${length}, ${dModel}) ` +
          `by up to ${fixed(added.diff, 4)} (at position ${pos}, feature ${feature})` +
          (match ? `: it equals ${match[0]}.` : '. Each position’s vector should be its token’s row of the embedding table plus that position’s encoding.'),
        figures,
        [cause('model/layers', 3, match ? `embed() returns ${match[0]}` : 'token embeddings and positional encodings combined wrongly')],
      );
    });
  },
};
