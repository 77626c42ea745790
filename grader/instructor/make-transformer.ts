// npm run make-pretrained -- transformer: the course's pretrained encoder.
// A WordPiece vocabulary is trained on unlabeled e-mail text: the training
// messages of the committed SpamAssassin subset (their texts only; labels are
// never read) and the corpus's messages the subset leaves out
// (lib/data/spam-assassin-unlabeled/). Then a small BERT-style encoder, built
// from lesson 5's own parts, learns masked-language modelling on the same texts: 15 % of the pieces are picked, 80 % of those
// replaced by [MASK], 10 % by a random piece, 10 % left, and the model predicts
// the originals. The test messages stay unseen; the masked-token accuracy is
// measured on them. Same seed, same backend: the same files, bit for bit.
// An instructor tool: it pretrains the solution's blocks, which lib/ may not
// import (lib depends on nothing), and `ta publish` leaves grader/instructor/ out.
import cliProgress from 'cli-progress';
import { loadSpamAssassinSubset } from '#lib/data/spam-assassin.ts';
import { loadSpamAssassinUnlabeled } from '#lib/data/spam-assassin-unlabeled.ts';
import { randomGenerator, seedEverything, type RandomGenerator } from '#lib/seed.ts';
import { AdamW } from '#lib/optim/adamw.ts';
import type { LayerNormWeights, Linear, Transformer } from '#lib/contracts/05-transformer.ts';
import { tf } from '#lib/tf.ts';
// The encoder is lesson 5's own, from the reference solution: the checkpoint's weights are its variables.
import * as T from '../../solutions/05-transformer/transformer.ts';
import { saveCheckpoint, TRANSFORMER_DIR, type EncoderConfig, type NamedWeight } from '#lib/models/transformer-checkpoint.ts';
import { CLS_ID, MASK_ID, PAD_ID, SEP_ID, SPECIAL_TOKENS, trainWordPiece, WordPieceTokenizer } from '#lib/models/wordpiece.ts';

export const PRETRAINING = {
  seed: 2025,
  vocabularySize: 3000,
  dModel: 64,
  heads: 4,
  dFeedForward: 128,
  blocks: 2,
  maxLength: 128,
  batchSize: 32,
  epochs: 6,
  /** Steps at most: about 5.6 epochs, about 10 minutes of CPU on one core. */
  maxSteps: 2400,
  peakLearningRate: 2e-3,
  warmupShare: 0.06,
  weightDecay: 0.01,
  maskShare: 0.15,
};

/** Each text's pieces cut into sequences of at most maxLength - 2, each framed by [CLS] and [SEP]. */
function sequences(tokenizer: WordPieceTokenizer, texts: readonly string[], maxLength: number): number[][] {
  const out: number[][] = [];
  for (const text of texts) {
    const ids = tokenizer.encode(text);
    for (let start = 0; start < ids.length; start += maxLength - 2) {
      const piece = ids.slice(start, start + maxLength - 2);
      if (piece.length >= 8) out.push([CLS_ID, ...piece, SEP_ID]);
    }
  }
  return out;
}

interface MaskedBatch {
  ids: tf.Tensor2D;
  /** Flat positions (row * length + column) of the picked pieces. */
  positions: tf.Tensor1D;
  targets: tf.Tensor1D;
}

/** BERT's masking of one batch, padded to its longest sequence. */
function maskBatch(rows: number[][], random: RandomGenerator, vocabularySize: number): MaskedBatch {
  const length = Math.max(...rows.map((row) => row.length));
  const ids: number[] = [];
  const positions: number[] = [];
  const targets: number[] = [];
  rows.forEach((row, r) => {
    for (let c = 0; c < length; c++) {
      const id = row[c] ?? PAD_ID;
      let input = id;
      if (id >= SPECIAL_TOKENS.length && random() < PRETRAINING.maskShare) {
        positions.push(r * length + c);
        targets.push(id);
        const roll = random();
        if (roll < 0.8) input = MASK_ID;
        else if (roll < 0.9) input = SPECIAL_TOKENS.length + Math.floor(random() * (vocabularySize - SPECIAL_TOKENS.length));
      }
      ids.push(input);
    }
  });
  return {
    ids: tf.tensor2d(ids, [rows.length, length], 'int32'),
    positions: tf.tensor1d(positions, 'int32'),
    targets: tf.tensor1d(targets, 'int32'),
  };
}

interface MlmHead {
  transform: Linear;
  norm: LayerNormWeights;
  /** Output bias; the output weights are the token embeddings (tied, as in BERT). */
  bias: tf.Variable;
}

/** Logits over the vocabulary at the picked positions, [picked, vocabularySize]. */
function mlmLogits(model: Transformer, head: MlmHead, batch: MaskedBatch): tf.Tensor2D {
  const mask = T.paddingMask(batch.ids);
  const hidden = T.encode(model, T.embed(model, batch.ids), mask);
  const picked = tf.gather(hidden.reshape([-1, model.config.dModel]), batch.positions);
  const transformed = T.layerNorm(T.linear(picked, head.transform).relu().expandDims(0) as tf.Tensor3D, head.norm).squeeze([0]);
  // The embeddings have unit variance (they are added to the sinusoidal positions), so
  // the dot products are scaled by 1/sqrt(dModel) to start the logits near 0.
  return tf.matMul(transformed, model.tokenEmbedding, false, true).div(Math.sqrt(model.config.dModel)).add(head.bias) as tf.Tensor2D;
}

function shuffled<V>(items: readonly V[], random: RandomGenerator): V[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Every variable in a nested object of weights, with its path. */
function variablesByName(value: unknown, path: string, out: [string, tf.Variable][]): [string, tf.Variable][] {
  if (value instanceof tf.Variable) out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((item, i) => variablesByName(item, `${path}[${i}]`, out));
  else if (value && typeof value === 'object' && !(value instanceof tf.Tensor)) {
    for (const [key, item] of Object.entries(value)) variablesByName(item, path ? `${path}.${key}` : key, out);
  }
  return out;
}

/** Named values of every variable in a nested object of weights. */
function namedWeights(value: unknown): Map<string, NamedWeight> {
  return new Map(
    variablesByName(value, '', []).map(([name, v]) => [name, { name, shape: v.shape, values: Float32Array.from(v.dataSync()) }]),
  );
}

async function main(): Promise<void> {
  const p = PRETRAINING;
  const started = Date.now();
  seedEverything(p.seed);
  const { train, test } = loadSpamAssassinSubset();
  const texts = [...train.texts, ...loadSpamAssassinUnlabeled().texts];
  const tokens = trainWordPiece(texts, { vocabularySize: p.vocabularySize, minCharCount: 10, lowercase: true });
  const tokenizer = new WordPieceTokenizer(tokens, { lowercase: true });
  console.log(`WordPiece vocabulary: ${tokens.length} tokens from ${texts.length} unlabeled messages`);
  const trainRows = sequences(tokenizer, texts, p.maxLength);
  console.log(`${trainRows.length} sequences of at most ${p.maxLength} pieces`);
  const testRows = sequences(tokenizer, test.texts, p.maxLength);

  const config: EncoderConfig = {
    vocabularySize: tokens.length,
    dModel: p.dModel,
    heads: p.heads,
    dFeedForward: p.dFeedForward,
    blocks: p.blocks,
    maxLength: p.maxLength,
    lowercase: true,
  };
  const model = T.createModel({ ...config, numClasses: 2 });
  const head: MlmHead = {
    transform: { w: tf.variable(tf.randomNormal([p.dModel, p.dModel], 0, Math.sqrt(1 / p.dModel))), b: tf.variable(tf.zeros([p.dModel])) },
    norm: { gain: tf.variable(tf.ones([p.dModel])), bias: tf.variable(tf.zeros([p.dModel])) },
    bias: tf.variable(tf.zeros([tokens.length])),
  };
  // Decay on weight matrices and embeddings only; biases and layer-norm weights stay undecayed.
  const trained = variablesByName({ tokenEmbedding: model.tokenEmbedding, blocks: model.blocks, mlm: head }, '', []);
  const undecayed = (name: string) => /\.(b|bias|gain)$/.test(name);
  const optimizer = new AdamW(
    [
      { params: trained.filter(([name]) => !undecayed(name)).map(([, v]) => v), weightDecay: p.weightDecay },
      { params: trained.filter(([name]) => undecayed(name)).map(([, v]) => v), weightDecay: 0 },
    ],
    { learningRate: 0 },
  );

  const random = randomGenerator(p.seed);
  const stepsPerEpoch = Math.ceil(trainRows.length / p.batchSize);
  // PRETRAIN_STEPS=n stops after n steps: a quick look at the speed, not a checkpoint to commit.
  const limit = Number(process.env.PRETRAIN_STEPS ?? Infinity);
  const total = Math.min(p.epochs * stepsPerEpoch, p.maxSteps, limit);
  const warmup = Math.max(1, Math.round(p.warmupShare * total));
  const bar = new cliProgress.SingleBar(
    { format: 'pretraining [{bar}] {percentage}% | step {value}/{total} | loss {loss} | {eta_formatted} left', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { loss: '-' });
  let step = 0;
  for (let epoch = 0; epoch < p.epochs && step < total; epoch++) {
    const order = shuffled(trainRows, random);
    let sum = 0;
    let count = 0;
    for (let start = 0; start < order.length && step < total; start += p.batchSize) {
      const batch = maskBatch(order.slice(start, start + p.batchSize), random, tokens.length);
      optimizer.learningRate = step < warmup ? (p.peakLearningRate * (step + 1)) / warmup : (p.peakLearningRate * (total - step)) / (total - warmup);
      const loss = optimizer.minimize(() =>
        tf.tidy(() => {
          const logits = mlmLogits(model, head, batch);
          return tf.losses.softmaxCrossEntropy(tf.oneHot(batch.targets, tokens.length), logits) as tf.Scalar;
        }),
      );
      const value = (await loss.data())[0]!;
      tf.dispose([loss, batch.ids, batch.positions, batch.targets]);
      sum += value;
      count += 1;
      step += 1;
      bar.increment(1, { loss: value.toFixed(3) });
    }
    if (process.stderr.isTTY) bar.updateETA();
    console.log(`\nepoch ${epoch + 1}: mean loss ${(sum / count).toFixed(3)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  bar.stop();
  optimizer.dispose();

  // Masked-token accuracy on the test messages, never seen in pretraining, with a fixed masking.
  const evalRandom = randomGenerator(p.seed + 1);
  let hits = 0;
  let picked = 0;
  for (let start = 0; start < testRows.length; start += 64) {
    const batch = maskBatch(testRows.slice(start, start + 64), evalRandom, tokens.length);
    const [right, n] = tf.tidy(() => {
      const predicted = mlmLogits(model, head, batch).argMax(-1);
      return [predicted.equal(batch.targets).sum().dataSync()[0]!, batch.targets.shape[0]];
    });
    hits += right;
    picked += n;
    tf.dispose([batch.ids, batch.positions, batch.targets]);
  }
  const accuracy = hits / picked;
  const seconds = (Date.now() - started) / 1000;
  console.log(`masked-token accuracy on the ${test.texts.length} test messages (${picked} picked pieces): ${(100 * accuracy).toFixed(1)} %`);
  console.log(`made in ${seconds.toFixed(0)} s on the ${tf.getBackend()} backend`);

  const weights = namedWeights({ tokenEmbedding: model.tokenEmbedding, blocks: model.blocks, mlm: head });
  saveCheckpoint(TRANSFORMER_DIR, {
    config,
    weights,
    vocabulary: tokens,
    pretraining: {
      seed: p.seed,
      steps: total,
      trainingSequences: trainRows.length,
      maskedTokenAccuracy: Number(accuracy.toFixed(4)),
      backend: tf.getBackend(),
    },
  });
  console.log('wrote lib/models/spam-assassin-encoder/');
}

await main();
