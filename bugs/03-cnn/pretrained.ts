// Lesson 3, part 2: reuse a pretrained network (transfer learning).
//
// The original lesson also classified images with a network someone else had
// trained. Here that network is the course's own LeNet, trained on five
// clothing classes of Fashion-MNIST (`npm run make-pretrained`). You reuse what its
// convolutions learned to tell the five other classes apart from only 5
// images of each, and compare with the same network trained from scratch.
//   1. Load the pretrained network and the few new images
//   2. Freeze its feature layers and give it a new head
//   3. Fine-tune the new head
//   4. Compare with training from scratch
import { parseArgs } from 'node:util';
import { loadFashionMnistSubset } from '#lib/data/fashion-mnist.ts';
import { firstPerClassSortedByClass, pickImages } from '#lib/data/image-set-ops.ts';
import type { Hyperparameters, Report, Tensors, TrainOptions } from '#lib/contracts/03-cnn.ts';
import type { ImageSet } from '#lib/data/image-set.ts';
import { FINE_TUNING_CLASSES, loadPretrainedModel } from '#lib/models/pretrained.ts';
import { seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';
import { createModel, evaluate, toTensors, train } from './cnn.ts';

/** Few images, so more passes over them, in smaller batches, than cnn.ts. */
export const fineTuningHyperparameters: Hyperparameters = {
  batchSize: 10,
  epochs: 15,
  learningRate: 0.01,
  momentum: 0.9,
};
export const IMAGES_PER_CLASS = 5;

// ---------------------------------------------------------------------------
// 1. Load the pretrained network and the few new images
// ---------------------------------------------------------------------------

/** The classes the pretrained network never saw, relabelled 0..4: a few images each to train, all the test images. */
export function newClassData(sets: { train: ImageSet; test: ImageSet }): { train: ImageSet; test: ImageSet } {
  const relabel = (set: ImageSet): ImageSet => {
    const picked = pickImages(set, [...set.labels.keys()].filter((i) => FINE_TUNING_CLASSES.includes(set.labels[i]! as 5)));
    const labels = picked.labels.map((label) => FINE_TUNING_CLASSES.indexOf(label as 5));
    return { ...picked, labels, classNames: FINE_TUNING_CLASSES.map((label) => set.classNames[label]!) };
  };
  return { train: firstPerClassSortedByClass(relabel(sets.train), IMAGES_PER_CLASS), test: relabel(sets.test) };
}

// ---------------------------------------------------------------------------
// 2. Freeze its feature layers and give it a new head
// ---------------------------------------------------------------------------

/** The pretrained network with its convolutions frozen and a new head, one output per new class. */
export function buildTransferModel(pretrained: tf.LayersModel, numClasses: number): tf.LayersModel {
  for (const layer of pretrained.layers) {
    // The convolutions learned shapes that serve any garment; the dense layers must learn the new classes.
    layer.trainable = layer.name.startsWith('features_');
  }
  const features = pretrained.layers.at(-2)!.output as tf.SymbolicTensor;
  const head = tf.layers.dense({ units: numClasses, name: 'new_head' }).apply(features) as tf.SymbolicTensor;
  return tf.model({ inputs: pretrained.inputs, outputs: head });
}

// ---------------------------------------------------------------------------
// 3. Fine-tune the new head
// ---------------------------------------------------------------------------

export async function fineTune(model: tf.LayersModel, data: Tensors, options: TrainOptions): Promise<void> {
  await train(model, data, { ...options, hyperparameters: fineTuningHyperparameters });
}

// ---------------------------------------------------------------------------
// 4. Compare with training from scratch: npm run train -- 03-cnn --part pretrained
// ---------------------------------------------------------------------------

export async function main(args: string[], report: Report): Promise<void> {
  const { values } = parseArgs({ args, options: { seed: { type: 'string', default: '0' } } });
  const seed = Number(values.seed);
  seedEverything(seed);
  const sets = newClassData(loadFashionMnistSubset());
  const trainSet = toTensors(sets.train);
  const testSet = toTensors(sets.test);
  const numClasses = FINE_TUNING_CLASSES.length;

  const transferred = buildTransferModel(await loadPretrainedModel(), numClasses);
  await fineTune(transferred, trainSet, { seed, report });
  const fromScratch = createModel([28, 28, 1], numClasses);
  await train(fromScratch, trainSet, { seed, report, hyperparameters: fineTuningHyperparameters });

  const classes = sets.test.classNames.join(', ');
  console.log(`Trained on ${sets.train.count} images of ${classes}; tested on ${sets.test.count}.`);
  console.log(`Accuracy, pretrained and fine-tuned: ${(100 * (await evaluate(transferred, testSet))).toFixed(1)} %`);
  console.log(`Accuracy, trained from scratch:      ${(100 * (await evaluate(fromScratch, testSet))).toFixed(1)} %`);
}
