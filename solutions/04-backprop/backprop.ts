// Lesson 4: cross-entropy and back propagation by hand.
//
// A two-layer network (dense, ReLU, dense) classifies Fashion-MNIST images,
// trained with gradients you derive and code yourself instead of tf.grad:
//   1. Load and flatten the data
//   2. Define the network's parameters and its forward pass
//   3. Define the loss: softmax cross-entropy
//   4. Back propagation: the gradient of the loss for every parameter
//   5. Train the network with your own gradients
//   6. Test the network on the test data
import { parseArgs } from 'node:util';
import { DataLoader } from '#lib/batches.ts';
import { loadFashionMnistSubset } from '#lib/data/fashion-mnist.ts';
import type { Activations, Gradients, Hyperparameters, ParameterName, Parameters, Report, Tensors, TrainOptions } from '#lib/contracts/04-backprop.ts';
import type { ImageSet } from '#lib/data/image-set.ts';
import { seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';

export const hyperparameters: Hyperparameters = {
  hiddenSize: 128,
  batchSize: 32,
  epochs: 3,
  learningRate: 0.1,
};

// ---------------------------------------------------------------------------
// 1. Load and flatten the data
// ---------------------------------------------------------------------------

/** A dense network sees an image as one long row of pixels. */
export function toTensors(set: ImageSet): Tensors {
  return tf.tidy(() => {
    const pixels = set.channels * set.height * set.width;
    const images = tf.tensor2d(set.images, [set.count, pixels], 'float32').div(255) as tf.Tensor2D;
    const labels = tf.tensor1d(set.labels, 'int32');
    return { images, labels };
  });
}

// ---------------------------------------------------------------------------
// 2. Define the network's parameters and its forward pass
// ---------------------------------------------------------------------------

// The types Parameters, Activations and Gradients are in the lesson's contract, lib/contracts/04-backprop.ts.

export const parameterNames: readonly ParameterName[] = ['w1', 'b1', 'w2', 'b2'];

export function initParameters(inputs: number, hidden: number, classes: number): Parameters {
  return {
    // He initialisation: keeps the scale of the hidden layer's inputs through the ReLU.
    w1: tf.variable(tf.randomNormal([inputs, hidden], 0, Math.sqrt(2 / inputs))),
    b1: tf.variable(tf.zeros([hidden])),
    // Small output weights: the first predictions are near uniform, so the first loss is near ln(classes).
    w2: tf.variable(tf.randomNormal([hidden, classes], 0, 0.1 * Math.sqrt(2 / hidden))),
    b2: tf.variable(tf.zeros([classes])),
  };
}

/** logits = relu(x w1 + b1) w2 + b2, keeping the values in between. */
export function forward(params: Parameters, x: tf.Tensor2D): Activations {
  // >>> student: the forward pass, returning x, z1, h1 and the logits
  const z1 = tf.matMul(x, params.w1).add(params.b1) as tf.Tensor2D;
  const h1 = tf.relu(z1);
  const logits = tf.matMul(h1, params.w2).add(params.b2) as tf.Tensor2D;
  return { x, z1, h1, logits };
  // <<< student
}

// ---------------------------------------------------------------------------
// 3. Define the loss: softmax cross-entropy
// ---------------------------------------------------------------------------

/**
 * log(softmax(logits)) per row, computed with the log-sum-exp trick: exp of a
 * logit of 100 is already beyond float32, and the softmax does not change when
 * the same number is subtracted from every logit of a row.
 */
export function logSoftmax(logits: tf.Tensor2D): tf.Tensor2D {
  // >>> student: a numerically stable log-softmax of each row
  return tf.tidy(() => {
    const max = logits.max(1, true);
    const shifted = logits.sub(max);
    return shifted.sub(shifted.exp().sum(1, true).log()) as tf.Tensor2D;
  });
  // <<< student
}

/** Mean over the batch of -log(probability of the true class). */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  // >>> student: the mean cross-entropy of the logits against the labels, from logSoftmax
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, logits.shape[1]);
    return logSoftmax(logits).mul(oneHot).sum(1).neg().mean() as tf.Scalar;
  });
  // <<< student
}

// ---------------------------------------------------------------------------
// 4. Back propagation: the gradient of the loss for every parameter
// ---------------------------------------------------------------------------

/**
 * The gradients of crossEntropy(forward(params, x).logits, labels), by the
 * chain rule from the loss back to the first layer (see the README).
 */
export function backward(params: Parameters, activations: Activations, labels: tf.Tensor1D): Gradients {
  // >>> student: the gradient of the mean loss for w1, b1, w2 and b2
  const { x, z1, h1, logits } = activations;
  const batchSize = x.shape[0];
  const probabilities = logSoftmax(logits).exp();
  const dLogits = probabilities.sub(tf.oneHot(labels, logits.shape[1])).div(batchSize);
  const dW2 = tf.matMul(h1, dLogits, true, false);
  const dB2 = dLogits.sum(0);
  const dH1 = tf.matMul(dLogits, params.w2, false, true);
  const dZ1 = dH1.mul(tf.step(z1));
  const dW1 = tf.matMul(x, dZ1, true, false);
  const dB1 = dZ1.sum(0);
  return { w1: dW1, b1: dB1, w2: dW2, b2: dB2 };
  // <<< student
}

// ---------------------------------------------------------------------------
// 5. Train the network with your own gradients
// ---------------------------------------------------------------------------

/** Plain gradient descent: every parameter moves a step against its gradient. */
export function sgdStep(params: Parameters, grads: Gradients, learningRate: number): void {
  // >>> student: update every parameter in place (Variable.assign)
  tf.tidy(() => {
    for (const name of parameterNames) params[name].assign(params[name].sub(grads[name].mul(learningRate)));
  });
  // <<< student
}

/** One optimisation step on one batch; returns that batch's loss before the step. */
export function trainStep(params: Parameters, x: tf.Tensor2D, labels: tf.Tensor1D, learningRate: number): tf.Scalar {
  // >>> student: forward pass, loss, backward pass, gradient step; return the loss
  return tf.tidy(() => {
    const activations = forward(params, x);
    const loss = crossEntropy(activations.logits, labels);
    sgdStep(params, backward(params, activations, labels), learningRate);
    return loss;
  });
  // <<< student
}

export async function train(params: Parameters, data: Tensors, options: TrainOptions): Promise<void> {
  const settings = options.hyperparameters ?? hyperparameters;
  const loader = new DataLoader([data.images, data.labels], {
    batchSize: settings.batchSize,
    shuffle: true,
    seed: options.seed,
  });
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    let runningLoss = 0;
    let batchIndex = 0;
    for (const [images, labels] of loader) {
      const loss = trainStep(params, images, labels, settings.learningRate);
      const lossValue = (await loss.data())[0]!;
      tf.dispose([images, labels, loss]);

      options.report(lossValue);
      runningLoss += lossValue;
      batchIndex += 1;
      if (batchIndex % 100 === 0) {
        console.log(`[${epoch + 1}, ${batchIndex}] loss: ${(runningLoss / 100).toFixed(3)}`);
        runningLoss = 0;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// 6. Test the network on the test data
// ---------------------------------------------------------------------------

/** Fraction of the test images whose most likely class is the true one. */
export async function evaluate(params: Parameters, data: Tensors): Promise<number> {
  const accuracy = tf.tidy(() => forward(params, data.images).logits.argMax(1).equal(data.labels).mean());
  const value = (await accuracy.data())[0]!;
  accuracy.dispose();
  return value;
}

// ---------------------------------------------------------------------------
// Run it all: npm run train -- 04-backprop [--variant solutions] [-- --seed 1]
// ---------------------------------------------------------------------------

export async function main(args: string[], report: Report): Promise<void> {
  const { values } = parseArgs({ args, options: { seed: { type: 'string', default: '0' } } });
  const seed = Number(values.seed);
  seedEverything(seed);
  const sets = loadFashionMnistSubset();
  const trainSet = toTensors(sets.train);
  const testSet = toTensors(sets.test);
  const params = initParameters(trainSet.images.shape[1], hyperparameters.hiddenSize, sets.train.classNames.length);
  await train(params, trainSet, { seed, report });
  const accuracy = await evaluate(params, testSet);
  console.log(`Accuracy of the network on the ${sets.test.count} test images: ${(100 * accuracy).toFixed(1)} %`);
}
