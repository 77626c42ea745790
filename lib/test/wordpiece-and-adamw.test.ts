// The course's WordPiece tokenizer, its trainer, the transformer checkpoint
// on disk, and AdamW's decoupled weight decay.
import { expect } from 'chai';
import { tf } from '#lib/tf.ts';
import { loadCheckpoint } from '../models/transformer-checkpoint.ts';
import { CLS_ID, MASK_ID, PAD_ID, preTokenize, SEP_ID, SPECIAL_TOKENS, trainWordPiece, UNK_ID, WordPieceTokenizer } from '../models/wordpiece.ts';
import { AdamW, observeAdamW } from '../optim/adamw.ts';

describe('WordPiece', () => {
  const tokenizer = new WordPieceTokenizer([...SPECIAL_TOKENS, 'un', '##aff', '##able', 'a', '##b', '!', 'run', '##ning']);

  it('keeps the special tokens at their ids', () => {
    expect([PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID].map((id) => tokenizer.tokens[id])).to.deep.equal([...SPECIAL_TOKENS]);
    expect(() => new WordPieceTokenizer(['[UNK]', '[PAD]', '[CLS]', '[SEP]', '[MASK]'])).to.throw('token 0 must be [PAD]');
  });

  it('splits words into the longest pieces from the start, lower-casing first', () => {
    expect(preTokenize('Unaffable, running!', true)).to.deep.equal(['unaffable', ',', 'running', '!']);
    expect(tokenizer.tokenize('Unaffable running!')).to.deep.equal(['un', '##aff', '##able', 'run', '##ning', '!']);
    // A word with a part no piece covers is one [UNK]; without lower-casing, capitals are such parts.
    expect(tokenizer.tokenize('unzip')).to.deep.equal(['[UNK]']);
    expect(new WordPieceTokenizer(tokenizer.tokens, { lowercase: false }).tokenize('Running')).to.deep.equal(['[UNK]']);
  });

  it('trains the same vocabulary from the same texts, merging frequent pairs', () => {
    const texts = ['low lower lowest', 'newer newest low', 'lowest low low'];
    const vocabulary = trainWordPiece(texts, { vocabularySize: 24, minCharCount: 1, lowercase: true });
    expect(vocabulary).to.deep.equal(trainWordPiece(texts, { vocabularySize: 24, minCharCount: 1, lowercase: true }));
    expect(vocabulary.slice(0, 5)).to.deep.equal([...SPECIAL_TOKENS]);
    expect(vocabulary).to.include('low');
    expect(new WordPieceTokenizer(vocabulary).tokenize('lowe')).to.deep.equal(['low', '##e']);
  });

  it('loads the committed checkpoint with its vocabulary', () => {
    const checkpoint = loadCheckpoint();
    expect(checkpoint.vocabulary.length).to.equal(checkpoint.config.vocabularySize);
    expect(checkpoint.weights.get('tokenEmbedding')!.shape).to.deep.equal([checkpoint.config.vocabularySize, checkpoint.config.dModel]);
  });
});

describe('AdamW', () => {
  it('decays only the groups with weight decay, at the learning rate of each step', () => {
    const decayed = tf.variable(tf.tensor1d([1, -2]));
    const kept = tf.variable(tf.tensor1d([1, -2]));
    const optimizer = new AdamW(
      [
        { params: [decayed], weightDecay: 0.5 },
        { params: [kept], weightDecay: 0 },
      ],
      { learningRate: 0.1 },
    );
    const rates: number[] = [];
    const stop = observeAdamW(({ learningRate }) => rates.push(learningRate));
    // A loss with zero gradient: Adam moves nothing, so only the decay shows.
    const loss = () => decayed.mul(0).sum().add(kept.mul(0).sum()) as tf.Scalar;
    optimizer.minimize(loss).dispose();
    optimizer.learningRate = 0.2;
    optimizer.minimize(loss).dispose();
    stop();
    expect(rates).to.deep.equal([0.1, 0.2]);
    const factor = (1 - 0.1 * 0.5) * (1 - 0.2 * 0.5);
    const values = [...decayed.dataSync()];
    expect(values[0]).to.be.closeTo(factor, 1e-6);
    expect(values[1]).to.be.closeTo(-2 * factor, 1e-6);
    expect([...kept.dataSync()]).to.deep.equal([1, -2]);
    expect(() => new AdamW([{ params: [kept], weightDecay: 0 }, { params: [kept], weightDecay: 0.1 }], { learningRate: 1 })).to.throw('two parameter groups');
    optimizer.dispose();
    tf.dispose([decayed, kept]);
  });
});
