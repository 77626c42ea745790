// npx tsx grader/instructor/loss-peak-bands.ts [--seeds N]
// Measures how far above its start the training loss of a correct lesson-4
// program ever climbs, for the loss-peak check: the solution's training loop
// run from the lesson's initParameters and from the other standard draws a
// student may write (as in initial-loss-bands.ts), over N seeds. The figure is
// the largest reported loss over the larger of the first loss and ln(classes)
// (the loss of a model that predicts every class alike), and it prints the
// tolerance bound of tolerance.ts (mean + 6.59 sd) of each draw.
import { loadFashionMnistSubset } from '#lib/data/fashion-mnist.ts';
import { firstPerClassSortedByClass } from '#lib/data/image-set-ops.ts';
import { seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';
import type { Parameters } from '#lib/contracts/04-backprop.ts';
import * as Backprop from '../../solutions/04-backprop/backprop.ts';
import { lossPeak } from '../checks/loss-peak.ts';
import { toleranceBound } from '../tolerance.ts';
import { runSeedSweep } from './seed-sweep.ts';

const CLASSES = 10;

async function backprop(seeds: number): Promise<Map<string, number[]>> {
  const train = Backprop.toTensors(firstPerClassSortedByClass(loadFashionMnistSubset().train, 400));
  const [inputs, hidden] = [train.images.shape[1], Backprop.hyperparameters.hiddenSize];
  const layers = (sd1: number, sd2: number): Parameters => ({
    w1: tf.variable(tf.randomNormal([inputs, hidden], 0, sd1)),
    b1: tf.variable(tf.zeros([hidden])),
    w2: tf.variable(tf.randomNormal([hidden, CLASSES], 0, sd2)),
    b2: tf.variable(tf.zeros([CLASSES])),
  });
  const draws: Record<string, () => Parameters> = {
    'the lesson’s initParameters': () => Backprop.initParameters(inputs, hidden, CLASSES),
    'He normal on both layers': () => layers(Math.sqrt(2 / inputs), Math.sqrt(2 / hidden)),
    'Glorot normal on both layers': () => layers(Math.sqrt(2 / (inputs + hidden)), Math.sqrt(2 / (hidden + CLASSES))),
    'normal 0.01 on both layers': () => layers(0.01, 0.01),
  };
  const peaks = new Map<string, number[]>();
  for (const [name, draw] of Object.entries(draws)) {
    for (let seed = 0; seed < seeds; seed++) {
      seedEverything(seed);
      const params = draw();
      const losses: number[] = [];
      await Backprop.train(params, train, { seed, report: (loss) => losses.push(loss) });
      tf.dispose({ ...params });
      peaks.set(name, [...(peaks.get(name) ?? []), lossPeak(losses, CLASSES) ?? Infinity]);
    }
  }
  tf.dispose({ ...train });
  return peaks;
}

await runSeedSweep('loss-peak-bands', 'Measure how far above its start the loss of correct lesson-4 programs climbs, for the loss-peak check.', 10, async (seeds) => {
  let highest = -Infinity;
  for (const [draw, peaks] of await backprop(seeds)) {
    const upper = toleranceBound(peaks, 'upper', 0);
    highest = Math.max(highest, upper.value);
    console.log(`04-backprop ${draw}: mean ${upper.mean.toFixed(4)}, sd ${upper.sd.toFixed(4)}, largest ${Math.max(...peaks).toFixed(4)}, bound ${upper.value.toFixed(4)}`);
  }
  console.log(`04-backprop: the pass mark must be at least ${highest.toFixed(4)}`);
});
