// npx tsx grader/instructor/initial-loss-bands.ts [--seeds N]
// Measures where the first loss of a correct program lies, for the
// initial-loss check of lessons whose training may not use a DataLoader (then
// the grader cannot compute its own loss on the student's first batch and falls
// back to a band, INITIAL_LOSS_BAND in each lesson). For each lesson and each
// way a student may initialise the model (the README's, tfjs's initialisers
// where the student writes the model), it takes the untrained model's loss on
// a random first batch of 32 over N seeds and prints the tolerance bounds of
// tolerance.ts (mean +- 6.59 sd). A band must contain every initialiser's.
// It runs the solutions' code, so it is a course tool: `ta publish` leaves it out.
import type { Parameters } from '#lib/contracts/04-backprop.ts';
import { loadFashionMnistSubset } from '#lib/data/fashion-mnist.ts';
import { firstPerClassSortedByClass } from '#lib/data/image-set-ops.ts';
import { loadSpamAssassinSubset } from '#lib/data/spam-assassin.ts';
import { randomGenerator, seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';
import * as Logistic from '../../solutions/02-logistic-regression/logistic-regression.ts';
import * as Backprop from '../../solutions/04-backprop/backprop.ts';
import * as Transformer from '../../solutions/05-transformer/transformer.ts';
import { toleranceBound } from '../tolerance.ts';
import { runSeedSweep } from './seed-sweep.ts';

const BATCH = 32;

/** A first batch as a shuffling loader would give it: BATCH distinct rows drawn by the seed. */
function firstBatchRows(count: number, seed: number): number[] {
  const random = randomGenerator(`first-batch-${seed}`);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, BATCH);
}

const take = <T extends tf.Tensor>(t: T, rows: number[]) => tf.gather(t, tf.tensor1d(rows, 'int32')) as T;

/** Lesson 2 writes createModel: the README's zeros, or any of tfjs's initialisers for the kernel. */
function logistic(seeds: number): Map<string, number[]> {
  const sets = loadFashionMnistSubset();
  const train = Logistic.toBinaryTensors(sets.train, 6, 0);
  const initialisers = ['zeros', 'glorotUniform', 'glorotNormal', 'heNormal', 'heUniform', 'leCunNormal', 'leCunUniform', 'randomNormal', 'randomUniform', 'truncatedNormal'] as const;
  const losses = new Map<string, number[]>();
  for (const init of initialisers) {
    for (let seed = 0; seed < seeds; seed++) {
      seedEverything(seed);
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [train.x.shape[1]], units: 1, kernelInitializer: init })] });
      const rows = firstBatchRows(train.x.shape[0], seed);
      const loss = tf.tidy(() => tf.losses.sigmoidCrossEntropy(take(train.y, rows), model.predict(take(train.x, rows)) as tf.Tensor).dataSync()[0]!);
      model.dispose();
      losses.set(init, [...(losses.get(init) ?? []), loss]);
    }
  }
  tf.dispose([train.x, train.y]);
  return losses;
}

/** Lesson 4 gives initParameters; other standard draws for the two layers are measured beside it. */
function backprop(seeds: number): Map<string, number[]> {
  const train = Backprop.toTensors(firstPerClassSortedByClass(loadFashionMnistSubset().train, 400));
  const [inputs, hidden, classes] = [train.images.shape[1], Backprop.hyperparameters.hiddenSize, 10];
  const draws: Record<string, () => Parameters> = {
    'the lesson’s initParameters': () => Backprop.initParameters(inputs, hidden, classes),
    'He normal on both layers': () => layers(Math.sqrt(2 / inputs), Math.sqrt(2 / hidden)),
    'Glorot normal on both layers': () => layers(Math.sqrt(2 / (inputs + hidden)), Math.sqrt(2 / (hidden + classes))),
    'normal 0.01 on both layers': () => layers(0.01, 0.01),
  };
  function layers(sd1: number, sd2: number): Parameters {
    return {
      w1: tf.variable(tf.randomNormal([inputs, hidden], 0, sd1)),
      b1: tf.variable(tf.zeros([hidden])),
      w2: tf.variable(tf.randomNormal([hidden, classes], 0, sd2)),
      b2: tf.variable(tf.zeros([classes])),
    };
  }
  const losses = new Map<string, number[]>();
  for (const [name, draw] of Object.entries(draws)) {
    for (let seed = 0; seed < seeds; seed++) {
      seedEverything(seed);
      const params = draw();
      const rows = firstBatchRows(train.labels.shape[0], seed);
      const loss = tf.tidy(() => {
        const logits = Backprop.forward(params, take(train.images, rows)).logits;
        return tf.losses.softmaxCrossEntropy(tf.oneHot(take(train.labels, rows), classes), logits).dataSync()[0]!;
      });
      tf.dispose({ ...params });
      losses.set(name, [...(losses.get(name) ?? []), loss]);
    }
  }
  tf.dispose({ ...train });
  return losses;
}

/** Lesson 5 gives createModel; the seeds vary the weights and the first batch. */
function transformer(seeds: number): Map<string, number[]> {
  const data = loadSpamAssassinSubset();
  const h = Transformer.hyperparameters;
  const vocabulary = Transformer.buildVocabulary(data.train.texts, h.vocabularySize);
  const train = Transformer.toTensors(data.train, vocabulary, h.maxLength);
  const config = { vocabularySize: vocabulary.tokens.length, dModel: h.dModel, heads: h.heads, dFeedForward: h.dFeedForward, blocks: h.blocks, numClasses: 2 };
  const losses: number[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    seedEverything(seed);
    const model = Transformer.createModel(config);
    const rows = firstBatchRows(train.labels.shape[0], seed);
    losses.push(
      tf.tidy(() => {
        const logits = Transformer.classify(model, take(train.ids, rows));
        return tf.losses.softmaxCrossEntropy(tf.oneHot(take(train.labels, rows), 2), logits).dataSync()[0]!;
      }),
    );
    tf.dispose(Transformer.parameters(model));
  }
  tf.dispose([train.ids, train.labels]);
  return new Map([['the lesson’s createModel', losses]]);
}

await runSeedSweep('initial-loss-bands', 'Measure the first loss of untrained models over seeds and initialisers, for the initial-loss fallback bands.', 30, async (seeds) => {
  const lessons: [string, (seeds: number) => Map<string, number[]>][] = [
    ['02-logistic-regression', logistic],
    ['04-backprop', backprop],
    ['05-transformer', transformer],
  ];
  for (const [lesson, measure] of lessons) {
    let [low, high] = [Infinity, -Infinity];
    for (const [init, losses] of measure(seeds)) {
      const lower = toleranceBound(losses, 'lower', 0);
      const upper = toleranceBound(losses, 'upper', 0);
      [low, high] = [Math.min(low, lower.value), Math.max(high, upper.value)];
      const range = `${Math.min(...losses).toFixed(3)} to ${Math.max(...losses).toFixed(3)}`;
      console.log(`${lesson} ${init}: mean ${lower.mean.toFixed(3)}, sd ${lower.sd.toFixed(3)}, seen ${range}, bounds ${lower.value.toFixed(3)} to ${upper.value.toFixed(3)}`);
    }
    console.log(`${lesson}: band must contain ${low.toFixed(3)} to ${high.toFixed(3)}`);
  }
});
