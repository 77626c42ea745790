// Checks for lesson 3's second part: fine-tuning the course's pretrained model.
import { loadFashionMnistSubset } from '#lib/data/fashion-mnist.ts';
import { FINE_TUNING_CLASSES, loadPretrainedModel } from '#lib/models/pretrained.ts';
import { tf } from '#lib/tf.ts';
import type { Cnn, Pretrained } from '#lib/contracts/03-cnn.ts';
import { layersVariables } from '../../checks/named-variables.ts';
import { recordTraining, type TrainingRun } from '../../checks/trace.ts';
import { metricCheck, trendOf } from '../../checks/training-checks.ts';
import { cause } from '../../faults.ts';
import { fixed } from '../../format.ts';
import { metricSpread, requireReference } from '../../reference.ts';
import { CheckFailure, type Check, type LessonContext } from '../../lesson.ts';

export const transfer = 'transfer';
const NEW_CLASSES = FINE_TUNING_CLASSES.length;

export interface TransferRun extends TrainingRun {
  /** The pretrained feature weights: as shipped, in the built model before fine-tuning, and after. */
  features: { name: string; shipped: Float32Array; after: Float32Array; inModel: boolean }[];
  outputUnits: number;
}

const values = (weights: readonly { read(): tf.Tensor }[]) => weights.map((weight) => weight.read().dataSync() as Float32Array);

export async function fineTuneForGrading(ctx: LessonContext): Promise<TransferRun> {
  const cnn = await ctx.load<Cnn>('cnn.ts');
  const part = await ctx.load<Pretrained>('pretrained.ts');
  const sets = part.newClassData(loadFashionMnistSubset());
  const train = cnn.toTensors(sets.train);
  const test = cnn.toTensors(sets.test);
  const pretrained = await loadPretrainedModel();
  // The convolutional feature layers must be reused unchanged; the dense layers may learn.
  const featureWeights = pretrained.layers.filter((layer) => layer.name.startsWith('features_')).flatMap((layer) => layer.weights);
  const shipped = values(featureWeights);
  const model = part.buildTransferModel(pretrained, NEW_CLASSES);
  const trace = await recordTraining(() => layersVariables(model), (report) => part.fineTune(model, train, { seed: ctx.seed, report }));
  const after = values(featureWeights);
  const inModel = new Set(model.weights);
  const { accuracy, outputUnits } = tf.tidy(() => {
    const outputs = model.predict(test.images) as tf.Tensor2D;
    const correct = outputs.shape[1] === NEW_CLASSES ? outputs.argMax(-1).equal(test.labels).mean().dataSync()[0]! : 0;
    return { accuracy: correct, outputUnits: outputs.shape[1] };
  });
  return {
    trace,
    metrics: { transferAccuracy: accuracy },
    outputUnits,
    features: featureWeights.map((weight, i) => ({ name: weight.name, shipped: shipped[i]!, after: after[i]!, inModel: inModel.has(weight) })),
  };
}

/** For calibration only: the same network and budget, from random weights. */
export async function scratchAccuracy(ctx: LessonContext): Promise<number> {
  const cnn = await ctx.load<Cnn>('cnn.ts');
  const part = await ctx.load<Pretrained>('pretrained.ts');
  const sets = part.newClassData(loadFashionMnistSubset());
  const model = cnn.createModel([28, 28, 1], NEW_CLASSES);
  await cnn.train(model, cnn.toTensors(sets.train), { seed: ctx.seed, report: () => {}, hyperparameters: part.fineTuningHyperparameters });
  return cnn.evaluate(model, cnn.toTensors(sets.test));
}

export const transferChecks: Check[] = [
  {
    id: 'transfer-reuses-pretrained',
    title: 'part 2: the new model is built on the pretrained layers',
    points: 1,
    needs: [transfer],
    async run(ctx) {
      const run = await ctx.fixture<TransferRun>(transfer);
      const missing = run.features.filter((feature) => !feature.inModel);
      if (missing.length > 0) {
        throw new CheckFailure(
          `${missing.length} of ${run.features.length} pretrained feature weights are not in the new model (e.g. ${missing[0]!.name}): ` +
            'build the new model from the pretrained layers rather than new ones.',
          { missing: missing.length },
          [cause('model/type-and-properties', 3, 'the pretrained layers are not reused')],
        );
      }
      if (run.outputUnits !== NEW_CLASSES) {
        throw new CheckFailure(`the new model gives ${run.outputUnits} outputs per image, not one per new class (${NEW_CLASSES})`, {}, [
          cause('model/layers', 3, 'the new head has the wrong number of units'),
        ]);
      }
      return `all ${run.features.length} pretrained feature weights are in the new model, with ${NEW_CLASSES} outputs`;
    },
  },
  {
    id: 'transfer-frozen',
    title: 'part 2: pretrained layers unchanged by fine-tuning',
    points: 1,
    needs: [transfer],
    async run(ctx) {
      const run = await ctx.fixture<TransferRun>(transfer);
      const changed = run.features.filter(({ shipped, after }) => shipped.some((value, i) => value !== after[i]));
      if (changed.length > 0) {
        throw new CheckFailure(
          `${changed.length} pretrained weights changed during fine-tuning (${changed.map((f) => f.name).join(', ')}): ` +
            'with 5 images per class, training them too forgets what they learned. Are the convolutional layers frozen?',
          { changed: changed.length },
          [cause('training/optimiser', 3, 'the pretrained layers are trained instead of frozen')],
        );
      }
      return `all ${run.features.length} pretrained weights are bit-identical after fine-tuning`;
    },
  },
  {
    id: 'transfer-head-learned',
    title: 'part 2: the new head learned',
    points: 1,
    needs: [transfer],
    async run(ctx) {
      const run = await ctx.fixture<TransferRun>(transfer);
      const moved = run.trace.weights.filter(({ before, after }) => before.some((value, i) => value !== after[i]));
      const trend = trendOf(run.trace.losses);
      const figures = { trainableWeights: run.trace.weights.length, changed: moved.length, steps: run.trace.losses.length };
      if (moved.length === 0 || trend.trend !== 'fell') {
        throw new CheckFailure(
          `fine-tuning changed ${moved.length} of ${run.trace.weights.length} trainable weights over ${run.trace.losses.length} steps, and the loss ${trend.trend}. ${trend.text}`,
          figures,
          trend.causes,
        );
      }
      return { message: `the loss fell and ${moved.length} trainable weights changed`, figures };
    },
  },
  metricCheck({
    id: 'transfer-accuracy',
    title: 'part 2: fine-tuned accuracy close to the reference',
    fixture: transfer,
    metric: 'transferAccuracy',
    points: 1,
    resolution: 0.002,
    causes: 'Is the new head on the features just before the old head, and are the fine-tuning hyperparameters as in the README?',
  }),
  {
    id: 'transfer-beats-scratch',
    title: 'part 2: fine-tuning beats training from scratch',
    points: 1,
    needs: [transfer],
    async run(ctx) {
      const run = await ctx.fixture<TransferRun>(transfer);
      const scratch = metricSpread(requireReference(ctx), 'scratchAccuracy');
      const yours = run.metrics.transferAccuracy;
      const figures = { transferAccuracy: yours ?? null, bestScratchAccuracy: scratch.max };
      if (yours === undefined || !(yours > scratch.max)) {
        throw new CheckFailure(
          `fine-tuned accuracy ${fixed(yours, 3)} is no better than the same network trained from scratch (best ${fixed(scratch.max, 3)}): the pretrained features are not helping.`,
          figures,
        );
      }
      return { message: `fine-tuned ${fixed(yours, 3)} against ${fixed(scratch.max, 3)} at best from scratch`, figures };
    },
  },
];
