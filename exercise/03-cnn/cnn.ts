// Lesson 3: train a convolutional neural network to classify images.
//
// The sections follow the original lesson (PyTorch's "Training a classifier"):
//   1. Load and normalise the data
//   2. Define a convolutional neural network
//   3. Define a loss function and optimizer
//   4. Train the network
//   5. Test the network on the test data
import { parseArgs } from 'node:util';
import { DataLoader } from '#lib/batches.ts';
import { loadCifar10 } from '#lib/data/cifar10.ts';
import { loadFashionMnistSubset } from '#lib/data/fashion-mnist.ts';
import type { Hyperparameters, Report, Tensors, TrainOptions } from '#lib/contracts/03-cnn.ts';
import type { ImageSet } from '#lib/data/image-set.ts';
import { seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';

export const hyperparameters: Hyperparameters = {
  batchSize: 32,
  epochs: 2,
  learningRate: 0.01,
  momentum: 0.9,
};

// ---------------------------------------------------------------------------
// 1. Load and normalise the data
// ---------------------------------------------------------------------------

/** The course's Fashion-MNIST subset (shipped, offline), or CIFAR-10 as in the original lesson. */
export async function loadData(dataset: string): Promise<{ train: ImageSet; test: ImageSet }> {
  if (dataset === 'fashion-mnist') return loadFashionMnistSubset();
  if (dataset === 'cifar10') return loadCifar10();
  throw new Error(`unknown dataset "${dataset}": use fashion-mnist or cifar10`);
}

export function toTensors(set: ImageSet): Tensors {
  return tf.tidy(() => {
    // Data sets store each image channel-first; tfjs convolutions want channels last.
    const channelsFirst = tf.tensor4d(set.images, [set.count, set.channels, set.height, set.width], 'float32');
    const channelsLast = channelsFirst.transpose([0, 2, 3, 1]);
    let images: tf.Tensor4D;
    // TODO: scale the bytes 0..255 to [-1, 1]
    throw new Error("not implemented: scale the bytes 0..255 to [-1, 1]");
    const labels = tf.tensor1d(set.labels, 'int32');
    return { images, labels };
  });
}

// ---------------------------------------------------------------------------
// 2. Define a convolutional neural network
// ---------------------------------------------------------------------------

/** LeNet: two convolution + pooling stages, then three dense layers. Outputs logits. */
export function createModel(inputShape: [number, number, number], numClasses: number): tf.Sequential {
  // TODO: build the LeNet network described in the README
  throw new Error("not implemented: build the LeNet network described in the README");
}

// ---------------------------------------------------------------------------
// 3. Define a loss function and optimizer
// ---------------------------------------------------------------------------

/** Mean cross-entropy between the model's logits and the true classes. */
export function lossFunction(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  // TODO: the cross-entropy loss of the logits against the labels
  throw new Error("not implemented: the cross-entropy loss of the logits against the labels");
}

export function createOptimizer(settings: Hyperparameters): tf.Optimizer {
  // TODO: SGD with momentum, from the hyperparameters
  throw new Error("not implemented: SGD with momentum, from the hyperparameters");
}

// ---------------------------------------------------------------------------
// 4. Train the network
// ---------------------------------------------------------------------------

export async function train(model: tf.LayersModel, data: Tensors, options: TrainOptions): Promise<void> {
  // TODO: the training loop: an optimizer, a shuffling data loader, the epochs
  throw new Error("not implemented: the training loop: an optimizer, a shuffling data loader, the epochs");
}

async function trainOneEpoch(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  loader: DataLoader<[tf.Tensor4D, tf.Tensor1D]>,
  epoch: number,
  options: TrainOptions,
): Promise<void> {
  // TODO: one epoch: per batch, forward, loss, gradients, step; report the loss
  throw new Error("not implemented: one epoch: per batch, forward, loss, gradients, step; report the loss");
}

// ---------------------------------------------------------------------------
// 5. Test the network on the test data
// ---------------------------------------------------------------------------

/** Fraction of the test images whose most likely class is the true one. */
export async function evaluate(model: tf.LayersModel, data: Tensors): Promise<number> {
  const accuracy = tf.tidy(() => {
    const logits = model.predict(data.images, { batchSize: 256 }) as tf.Tensor2D;
    const predicted = logits.argMax(1);
    return predicted.equal(data.labels).mean();
  });
  const value = (await accuracy.data())[0]!;
  accuracy.dispose();
  return value;
}

// ---------------------------------------------------------------------------
// Run it all: npm run train -- 03-cnn [--variant solutions] [-- --dataset cifar10]
// ---------------------------------------------------------------------------

export async function main(args: string[], report: Report): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { dataset: { type: 'string', default: 'fashion-mnist' }, seed: { type: 'string', default: '0' } },
  });
  const seed = Number(values.seed);
  seedEverything(seed);
  const sets = await loadData(values.dataset);
  const trainSet = toTensors(sets.train);
  const testSet = toTensors(sets.test);
  const [, height, width, channels] = trainSet.images.shape;
  const model = createModel([height, width, channels], sets.train.classNames.length);
  await train(model, trainSet, { seed, report });
  const accuracy = await evaluate(model, testSet);
  console.log(`Accuracy of the network on the ${sets.test.count} test images: ${(100 * accuracy).toFixed(1)} %`);
}
