// Checks for lesson 3: the LeNet CNN on Fashion-MNIST.
import type { Cnn } from '#lib/contracts/03-cnn.ts';
import { loadFashionMnistSubset } from '#lib/data/fashion-mnist.ts';
import type { ImageSet } from '#lib/data/image-set.ts';
import { firstPerClassSortedByClass } from '#lib/data/image-set-ops.ts';
import { tf } from '#lib/tf.ts';
import { layersClassifier, probeLoss } from '../../checks/classifier.ts';
import { deadReluCheck, deadUnitsOfModel } from '../../checks/dead-relu.ts';
import { evaluationCheck, type EvaluatedRun } from '../../checks/evaluation.ts';
import { gradientFlowCheck, gradientNorms } from '../../checks/gradient-flow.ts';
import { overfitCheck, overfitOneBatch } from '../../checks/overfit-one-batch.ts';
import { layersVariables } from '../../checks/named-variables.ts';
import { recordTraining, type TrainingRun } from '../../checks/trace.ts';
import { accuracyCheck, calibrateFrom, classifierRunChecks, noLeakCheck, type Suspects } from '../../checks/training-checks.ts';
import { unshuffledClasses } from '../../evidence/unshuffled.ts';
import { cause, type Cause } from '../../faults.ts';
import { fixed, shapeText } from '../../format.ts';
import { CheckFailure, defineLesson, type Check, type LessonContext } from '../../lesson.ts';
import { batchSizeCheck, epochsCheck, optimizerCheck } from '../../checks/prescriptions.ts';
import { reluCheck } from './relu-check.ts';
import { fineTuneForGrading, scratchAccuracy, transfer, transferChecks, type TransferRun } from './transfer.ts';

/** Grading trains on this many images of each class (the data arrives sorted by class). */
const TRAIN_PER_CLASS = 400;
const CLASSES = 10;
/** What the README prescribes; the prescription checks compare the student's run with it. */
const README = { batchSize: 32, epochs: 2, learningRate: 0.01, momentum: 0.9 };
/** LeNet's trainable weights for 28x28 grey images and 10 classes, in order: kernel, bias of each layer. */
const LENET_SHAPES = [[5, 5, 1, 6], [6], [5, 5, 6, 16], [16], [256, 120], [120], [120, 84], [84], [84, 10], [10]];

/** The README's LeNet, recognised by its weights' shapes: any API, initialiser or way of writing it passes. */
const architectureCheck: Check = {
  id: 'architecture',
  prescribed: true,
  title: 'the network is the README’s LeNet',
  points: 1,
  async run(ctx) {
    const cnn = await ctx.load<Cnn>('cnn.ts');
    const model = cnn.createModel([28, 28, 1], CLASSES);
    const shapes = model.trainableWeights.map((weight) => weight.shape);
    model.dispose();
    const text = (list: readonly (readonly (number | null)[])[]) => list.map(shapeText).join(' ');
    if (text(shapes) !== text(LENET_SHAPES)) {
      throw new CheckFailure(
        'the README asks for LeNet: conv 6 filters 5x5, ReLU, max-pool 2x2, conv 16 filters 5x5, ReLU, max-pool 2x2, flatten, ' +
          `dense 120, ReLU, dense 84, ReLU, dense 10; its weights have the shapes ${text(LENET_SHAPES)}, your model's ${text(shapes)}.`,
        { weights: shapes.length },
        [cause('model/layers', 3, 'a network other than the README’s LeNet')],
      );
    }
    return `LeNet's ${shapes.length} weights, with the README's shapes`;
  },
};
/** Test images the dead-ReLU probe looks at; batch of the gradient and overfitting probes. */
const PROBE_IMAGES = 500;
const PROBE_PER_CLASS = 2;
/**
 * Where the first loss of a correct program lies when the grader cannot
 * compute it on the same batch (training without a DataLoader): LeNet's loss
 * on a first batch of 32, over 30 seeds for each of tfjs's initialisers
 * (glorot, he, leCun, normal and uniform, truncated and random normal): the
 * lowest and highest 99% tolerance bounds, 1.80 (He uniform) and 4.93 (He
 * uniform, whose logits start large on these images).
 */
const INITIAL_LOSS_BAND = { low: 1.8, high: 4.95 };

async function trainForGrading(ctx: LessonContext): Promise<EvaluatedRun> {
  const cnn = await ctx.load<Cnn>('cnn.ts');
  const data = await loadFashionMnistSubset();
  const train = cnn.toTensors(firstPerClassSortedByClass(data.train, TRAIN_PER_CLASS));
  const test = cnn.toTensors(data.test);
  const model = cnn.createModel([28, 28, 1], CLASSES);
  const trace = await recordTraining(
    () => layersVariables(model),
    (report) => cnn.train(model, train, { seed: ctx.seed, report }),
    ([images, labels]) => tf.tidy(() => probeLoss(model.apply(images!, { training: true }) as tf.Tensor, labels as tf.Tensor1D).dataSync()[0]!),
  );
  const probeImages = test.images.slice(0, PROBE_IMAGES);
  const dead = deadUnitsOfModel(model, probeImages);
  probeImages.dispose();
  const { accuracy, probe } = tf.tidy(() => {
    const outputs = model.predict(test.images, { batchSize: 256 }) as tf.Tensor2D;
    const predicted = outputs.argMax(-1);
    const counts = tf.oneHot(predicted as tf.Tensor1D, outputs.shape[1]).sum(0).dataSync();
    const rowSums = outputs.sum(1);
    // Outputs that are all in [0, 1] and sum to 1 per image are probabilities, not logits.
    const probabilities = outputs.min().dataSync()[0]! >= 0 && rowSums.sub(1).abs().max().dataSync()[0]! < 1e-3;
    return {
      accuracy: predicted.equal(test.labels).mean().dataSync()[0]!,
      probe: {
        outputsAreProbabilities: probabilities ? 1 : 0,
        largestPredictedShare: Math.max(...counts) / test.labels.shape[0],
        largestInput: train.images.abs().max().dataSync()[0]!,
      },
    };
  });
  const studentAccuracy = await cnn.evaluate(model, test);
  const imagesSeen = trace.losses.length * cnn.hyperparameters.batchSize;
  return { trace, metrics: { accuracy, imagesSeen }, probe, deadUnits: dead, studentAccuracy, trainingExamples: train.labels.shape[0] };
}

/** One fixed batch for the probes: the first training images of each class, with a fresh model. */
async function withProbeBatch<R>(ctx: LessonContext, work: (model: tf.LayersModel, images: tf.Tensor, labels: tf.Tensor1D) => R): Promise<R> {
  const cnn = await ctx.load<Cnn>('cnn.ts');
  const { images, labels } = cnn.toTensors(firstPerClassSortedByClass(loadFashionMnistSubset().train, PROBE_PER_CLASS));
  const model = cnn.createModel([28, 28, 1], CLASSES);
  try {
    return work(model, images, labels);
  } finally {
    model.dispose();
    tf.dispose([images, labels]);
  }
}

/** What this lesson's measurements say about a curve or accuracy that is off. */
const suspects: Suspects = (run) => {
  const causes: Cause[] = [];
  if (run.probe?.outputsAreProbabilities) {
    causes.push(cause('model/activation-function', 3, 'the model outputs probabilities (each row sums to 1) while the loss expects logits'));
  }
  const unshuffled = unshuffledClasses(run, run.probe?.largestPredictedShare ?? 0, 0.5);
  if (unshuffled) causes.push(unshuffled);
  return causes;
};

const training = 'training';

export default defineLesson({
  id: '03-cnn',
  title: 'Image classification with a CNN',
  files: ['cnn.ts', 'pretrained.ts'],
  fixtures: {
    [training]: { timeoutMs: 120_000, run: trainForGrading },
    [transfer]: { timeoutMs: 60_000, run: fineTuneForGrading },
  },
  // Part 2's figures too: its checks compare the fine-tuned accuracy with training from scratch.
  calibrate: calibrateFrom(training, async (ctx) => ({ ...(await ctx.fixture<TransferRun>(transfer)).metrics, scratchAccuracy: await scratchAccuracy(ctx) })),
  checks: [
    {
      id: 'output-shape',
      title: 'the model outputs one score per class',
      points: 1,
      async run(ctx) {
        const cnn = await ctx.load<Cnn>('cnn.ts');
        const shapes = [
          [28, 28, 1],
          [32, 32, 3],
        ] as [number, number, number][];
        for (const shape of shapes) {
          const output = tf.tidy(() => cnn.createModel(shape, CLASSES).predict(tf.zeros([2, ...shape])) as tf.Tensor);
          const got = output.shape;
          output.dispose();
          if (got.length !== 2 || got[0] !== 2 || got[1] !== CLASSES) {
            throw new CheckFailure(
              `for 2 images of shape ${shapeText(shape)} the model outputs shape ${shapeText(got)}, not [2, ${CLASSES}]: ` +
                'does the last layer have one unit per class, and is the input shape taken from the argument?',
              {},
              [cause('model/layers', 3, 'the model has the wrong number of outputs')],
            );
          }
        }
        return `outputs [2, ${CLASSES}] for 28x28 grey and 32x32 colour images`;
      },
    },
    {
      id: 'data-preparation',
      title: 'images converted to channels-last floats in [-1, 1]',
      points: 1,
      async run(ctx) {
        const cnn = await ctx.load<Cnn>('cnn.ts');
        const [count, channels, height, width] = [2, 3, 2, 3];
        const bytes = Uint8Array.from({ length: count * channels * height * width }, (_, i) => (i * 37) % 256);
        const set: ImageSet = { images: bytes, labels: Uint8Array.from([7, 2]), count, channels, height, width, classNames: [] };
        const { images, labels } = cnn.toTensors(set);
        const got = images.arraySync() as number[][][][];
        const gotLabels = labels.arraySync();
        tf.dispose([images, labels]);
        if (images.shape.join() !== [count, height, width, channels].join()) {
          throw new CheckFailure(
            `images have shape ${shapeText(images.shape)}, expected [count, height, width, channels] = [${count}, ${height}, ${width}, ${channels}]`,
            {},
            [cause('tensors-and-inputs/wrong-tensor-shape', 3, 'the image tensor has the wrong shape')],
          );
        }
        for (let n = 0; n < count; n++)
          for (let h = 0; h < height; h++)
            for (let w = 0; w < width; w++)
              for (let c = 0; c < channels; c++) {
                const byte = bytes[((n * channels + c) * height + h) * width + w]!;
                const expected = byte / 127.5 - 1;
                const value = got[n]![h]![w]![c]!;
                if (Math.abs(value - expected) > 1e-5) {
                  const unscaled = Math.max(...bytes) > 1 && got.flat(3).some((v) => v > 1.5);
                  // The right values in other places is the layout; the right places with other values, the scaling.
                  const expectedValues = Array.from(bytes, (b) => b / 127.5 - 1).sort((a, b) => a - b);
                  const reordered = got.flat(3).sort((a, b) => a - b).every((v, i) => Math.abs(v - expectedValues[i]!) <= 1e-5);
                  throw new CheckFailure(
                    `pixel [${n}, ${h}, ${w}, ${c}] is ${fixed(value, 4)}, expected ${fixed(expected, 4)} (byte ${byte}): ` +
                      (unscaled
                        ? 'values above 1 remain, so the bytes were not scaled to [-1, 1]'
                        : reordered
                          ? 'the data sets store each image channel-first; is the layout changed to channels-last, or only reshaped?'
                          : 'the values are not the bytes scaled to [-1, 1]: is every step of the scaling there?'),
                    {},
                    [
                      unscaled || !reordered
                        ? cause('training/preprocessing', 3, 'pixel values are not normalised as the README asks')
                        : cause('tensors-and-inputs/wrong-tensor-shape', 3, 'channel-first data read as channels-last'),
                    ],
                  );
                }
              }
        if (gotLabels.join() !== '7,2') throw new CheckFailure(`labels are [${gotLabels}], expected [7, 2]`);
        return 'channel-first bytes become channels-last floats in [-1, 1]';
      },
    },
    ...classifierRunChecks({
      fixture: training,
      initialLoss: { expected: Math.log(CLASSES), expectedText: 'ln(10) = 2.303 for 10 classes', band: INITIAL_LOSS_BAND },
      resolution: 0.01,
      suspects,
    }),
    noLeakCheck({ fixture: training, points: 1 }),
    gradientFlowCheck({
      points: 1,
      measure: (ctx) => withProbeBatch(ctx, (model, images, labels) => gradientNorms(layersClassifier(model), images, labels, CLASSES)),
    }),
    overfitCheck({
      points: 1,
      measure: (ctx) => withProbeBatch(ctx, (model, images, labels) => overfitOneBatch(layersClassifier(model), images, labels, CLASSES)),
    }),
    deadReluCheck({ fixture: training, points: 1 }),
    epochsCheck({ fixture: training, points: 1, epochs: README.epochs, batchSize: README.batchSize }),
    optimizerCheck({
      fixture: training,
      points: 1,
      className: 'Momentum',
      settings: { learningRate: README.learningRate, momentum: README.momentum },
      text: `SGD with momentum ${README.momentum} and learning rate ${README.learningRate} (tf.train.momentum)`,
    }),
    batchSizeCheck({ fixture: training, points: 1, batchSize: README.batchSize }),
    architectureCheck,
    reluCheck,
    accuracyCheck({
      fixture: training,
      classes: CLASSES,
      points: 3,
      resolution: 0.002,
      causes: 'Look at the failing checks above first; if they all pass, compare your hyperparameters with the lesson README.',
      suspects,
    }),
    evaluationCheck({ fixture: training, points: 1 }),
    ...transferChecks,
  ],
});
