// npm run make-pretrained (or -- cnn): trains the course's pretrained model from a fixed seed on
// the committed Fashion-MNIST subset and writes it beside this file.
// The same seed on the same backend gives the same weights.
import { DataLoader } from '../batches.ts';
import { loadFashionMnistSubset } from '../data/fashion-mnist.ts';
import { pickImages } from '../data/image-set-ops.ts';
import { seedEverything } from '../seed.ts';
import { tf } from '#lib/tf.ts';
import { lenet } from './lenet.ts';
import { saveModel } from './model-files.ts';
import { PRETRAINED_CLASSES, PRETRAINED_DIR } from './pretrained.ts';

const SEED = 2024;
const EPOCHS = 4;

seedEverything(SEED);
const { train, test } = loadFashionMnistSubset();
const keep = (set: typeof train) =>
  pickImages(set, [...set.labels.keys()].filter((i) => (PRETRAINED_CLASSES as readonly number[]).includes(set.labels[i]!)));
const toTensors = (set: typeof train) =>
  tf.tidy(() => ({
    images: tf.tensor4d(set.images, [set.count, 28, 28, 1], 'float32').div(127.5).sub(1),
    labels: tf.tensor1d(set.labels, 'int32'),
  }));
const trainData = toTensors(keep(train));
const testData = toTensors(keep(test));

const model = lenet([28, 28, 1], PRETRAINED_CLASSES.length);

const optimizer = tf.train.momentum(0.01, 0.9);
const loader = new DataLoader([trainData.images, trainData.labels], { batchSize: 32, shuffle: true, seed: SEED });
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  let total = 0;
  for (const [images, labels] of loader) {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, PRETRAINED_CLASSES.length), model.apply(images) as tf.Tensor),
      true,
    )!;
    total += loss.dataSync()[0]!;
    tf.dispose([images, labels, loss]);
  }
  console.log(`epoch ${epoch + 1}: mean loss ${(total / loader.length).toFixed(4)}`);
}
const accuracy = tf.tidy(() =>
  (model.predict(testData.images) as tf.Tensor).argMax(-1).equal(testData.labels).mean().dataSync()[0]!,
);
console.log(`accuracy on the ${testData.labels.shape[0]} test images of its 5 classes: ${(100 * accuracy).toFixed(1)} %`);
await saveModel(model, PRETRAINED_DIR);
console.log('wrote lib/models/fashion-mnist-clothes/');
