// Lesson 2: logistic regression, a binary classifier.
//
// A linear layer gives one score per example, the logit z; the sigmoid turns
// it into the probability of the positive class, p = 1 / (1 + e^-z). The
// sections follow the original lesson:
//   1. The data: two kinds of Fashion-MNIST clothing, and 2-D points to plot
//   2. The model: a linear layer that outputs logits, and the sigmoid
//   3. The loss: binary cross-entropy, computed from the logits
//   4. Train the model with your own loop
//   5. Predict classes with a threshold, and test the model
import { parseArgs } from 'node:util';
import { DataLoader } from '#lib/batches.ts';
import type { Hyperparameters, Report, Tensors, TrainOptions } from '#lib/contracts/02-logistic-regression.ts';
import { FASHION_MNIST_CLASS_NAMES, loadFashionMnistSubset } from '#lib/data/fashion-mnist.ts';
import type { ImageSet } from '#lib/data/image-set.ts';
import { seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';

export const hyperparameters: Hyperparameters = {
  batchSize: 32,
  epochs: 5,
  learningRate: 0.05,
};

/** Fashion-MNIST classes told apart: T-shirt/top (0) against shirt (6), the pair most often confused. */
export const NEGATIVE_CLASS = 0;
export const POSITIVE_CLASS = 6;

// ---------------------------------------------------------------------------
// 1. The data
// ---------------------------------------------------------------------------

/** The images of the two classes as rows of pixels in [0, 1], with 0/1 labels. */
export function toBinaryTensors(set: ImageSet, positive = POSITIVE_CLASS, negative = NEGATIVE_CLASS): Tensors {
  const kept = Array.from(set.labels.keys()).filter((i) => set.labels[i] === positive || set.labels[i] === negative);
  const pixels = set.channels * set.height * set.width;
  const bytes = new Uint8Array(kept.length * pixels);
  kept.forEach((i, row) => bytes.set(set.images.subarray(i * pixels, (i + 1) * pixels), row * pixels));
  const classes = Int32Array.from(kept, (i) => set.labels[i]!);
  return tf.tidy(() => {
    const raw = tf.tensor2d(bytes, [kept.length, pixels], 'float32');
    const labels = tf.tensor2d(classes, [kept.length, 1], 'int32');
    const x = raw.div(255) as tf.Tensor2D;
    const y = labels.equal(positive).cast('float32').mul(2).sub(1) as tf.Tensor2D;
    return { x, y };
  });
}

/** Two overlapping clouds of 2-D points, for drawing the decision boundary. */
export function makeBlobs(count: number, seed: number): Tensors {
  return tf.tidy(() => {
    const half = Math.floor(count / 2);
    const negatives = tf.randomNormal([half, 2], 0, 1, 'float32', seed).add(tf.tensor1d([-1.5, -0.5]));
    const positives = tf.randomNormal([count - half, 2], 0, 1, 'float32', seed + 1).add(tf.tensor1d([1.5, 0.5]));
    const x = tf.concat([negatives, positives]) as tf.Tensor2D;
    const y = tf.concat([tf.zeros([half, 1]), tf.ones([count - half, 1])]) as tf.Tensor2D;
    return { x, y };
  });
}

// ---------------------------------------------------------------------------
// 2. The model: a linear layer that outputs logits, and the sigmoid
// ---------------------------------------------------------------------------

/** z = x w + b: one unit, no activation, so the model outputs logits. */
export function createModel(inputs: number): tf.Sequential {
  // Zero weights give p = 0.5 for every example: a fair start, and the loss is convex, so no symmetry to break.
  return tf.sequential({ layers: [tf.layers.dense({ inputShape: [inputs], units: 1, kernelInitializer: 'zeros', activation: 'sigmoid' })] });
}

/** The probability of the positive class for each example: the sigmoid of its logit. */
export function predictProbabilities(model: tf.LayersModel, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.softmax(model.predict(x) as tf.Tensor2D));
}

// ---------------------------------------------------------------------------
// 3. The loss: binary cross-entropy, computed from the logits
// ---------------------------------------------------------------------------

/**
 * Mean over the batch of -[y log p + (1 - y) log(1 - p)] with p = sigmoid(z),
 * written in terms of z so that it stays finite for any logit: for z = 40,
 * 1 - sigmoid(z) rounds to 0 in float32 and its log is -Infinity.
 */
export function binaryCrossEntropy(labels: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    // -log p = log(1 + e^-z) and -log(1 - p) = z + log(1 + e^-z); pulling max(z, 0) out keeps every exponent <= 0.
    const p = tf.sigmoid(logits);
    return labels.mul(p.log()).add(tf.sub(1, labels).mul(tf.sub(1, p).log())).neg().mean() as tf.Scalar;
  });
}

// ---------------------------------------------------------------------------
// 4. Train the model with your own loop
// ---------------------------------------------------------------------------

/** Mini-batch gradient descent on the binary cross-entropy. */
export async function train(model: tf.LayersModel, data: Tensors, options: TrainOptions): Promise<void> {
  const settings = options.hyperparameters ?? hyperparameters;
  const optimizer = tf.train.sgd(settings.learningRate);
  const parameters = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const loader = new DataLoader([data.x, data.y], { batchSize: settings.batchSize, shuffle: false, seed: options.seed });
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    for (const [x, y] of loader) {
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => binaryCrossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y),
          parameters,
        );
        optimizer.applyGradients(grads);
        return value;
      });
      const lossValue = (await loss.data())[0]!;
      tf.dispose([x, y, loss]);
      options.report(lossValue);
    }
  }
  optimizer.dispose();
}

// ---------------------------------------------------------------------------
// 5. Predict classes with a threshold, and test the model
// ---------------------------------------------------------------------------

/** 1 where the probability of the positive class reaches the threshold, else 0. */
export function predictClasses(model: tf.LayersModel, x: tf.Tensor2D, threshold = 0.5): tf.Tensor2D {
  return tf.tidy(() => (model.predict(x) as tf.Tensor2D).greaterEqual(threshold).cast('float32') as tf.Tensor2D);
}

/** Fraction of examples whose predicted class is the true one. */
export async function evaluate(model: tf.LayersModel, data: Tensors, threshold = 0.5): Promise<number> {
  return tf.tidy(() => predictClasses(model, data.x, threshold).equal(data.y).mean().dataSync()[0]!);
}

// ---------------------------------------------------------------------------
// Run it all: npm run train -- 02-logistic-regression --variant solutions
// ---------------------------------------------------------------------------

/** The blobs as characters (o negative, x positive) and the line where p = 0.5. */
function plotBoundary(data: Tensors, model: tf.LayersModel): string {
  const [kernel, bias] = model.getWeights().map((weight) => Array.from(weight.dataSync()));
  const [w1, w2] = kernel as [number, number];
  const b = bias![0]!;
  const points = data.x.arraySync();
  const labels = data.y.dataSync();
  const [width, height, left, top, step] = [64, 24, -5, 4, 10 / 64];
  const grid: string[][] = Array.from({ length: height }, (_, r) =>
    Array.from({ length: width }, (_, c) => {
      const [px, py] = [left + (c + 0.5) * step, top - (r + 0.5) * (8 / height)];
      return w1 * px + w2 * py + b >= 0 ? '.' : ' ';
    }),
  );
  points.forEach(([px, py], i) => {
    const c = Math.floor((px! - left) / step);
    const r = Math.floor((top - py!) / (8 / height));
    if (r >= 0 && r < height && c >= 0 && c < width) grid[r]![c] = labels[i] === 1 ? 'x' : 'o';
  });
  return grid.map((row) => `|${row.join('')}|`).join('\n');
}

export async function main(args: string[], report: Report): Promise<void> {
  const { values } = parseArgs({ args, options: { seed: { type: 'string', default: '0' } } });
  const seed = Number(values.seed);
  seedEverything(seed);

  // 2-D points first: small enough to see what the model learns.
  const blobs = makeBlobs(200, seed);
  const flat = createModel(2);
  await train(flat, blobs, { seed, report });
  const [kernel, bias] = flat.getWeights().map((weight) => Array.from(weight.dataSync()));
  console.log(`2-D points: boundary ${kernel![0]!.toFixed(2)} x1 + ${kernel![1]!.toFixed(2)} x2 + ${bias![0]!.toFixed(2)} = 0, accuracy ${(100 * (await evaluate(flat, blobs))).toFixed(1)} %`);
  console.log('o: negative, x: positive, dots: where the model predicts positive (p >= 0.5)');
  console.log(plotBoundary(blobs, flat));

  // Fashion-MNIST: is this a shirt or a T-shirt?
  const sets = loadFashionMnistSubset();
  const trainSet = toBinaryTensors(sets.train);
  const testSet = toBinaryTensors(sets.test);
  const model = createModel(trainSet.x.shape[1]);
  await train(model, trainSet, { seed, report });
  const [negative, positive] = [FASHION_MNIST_CLASS_NAMES[NEGATIVE_CLASS], FASHION_MNIST_CLASS_NAMES[POSITIVE_CLASS]];
  console.log(`\n${positive} (1) against ${negative} (0), ${testSet.x.shape[0]} test images:`);
  for (const threshold of [0.3, 0.5, 0.7]) {
    console.log(`  threshold ${threshold}: accuracy ${(100 * (await evaluate(model, testSet, threshold))).toFixed(1)} %`);
  }
}
