// Lesson 3's check that LeNet has its ReLUs: the README puts one after each
// convolution and after each hidden dense layer. The weights' shapes
// (`architecture`) cannot show an activation, so this check measures one: what
// enters every weighted layer after the first has passed a ReLU (and pooling or
// flattening, which keep signs), so it can never be negative. That holds for any
// initialiser, API or way of writing the ReLU (an activation option, a separate
// reLU layer), so there is no threshold to calibrate: one negative value is proof.
import { loadFashionMnistSubset } from '#lib/data/fashion-mnist.ts';
import { firstPerClassSortedByClass } from '#lib/data/image-set-ops.ts';
import { tf } from '#lib/tf.ts';
import type { Cnn } from '#lib/contracts/03-cnn.ts';
import { cause } from '../../faults.ts';
import { fixed } from '../../format.ts';
import { CheckFailure, type Check } from '../../lesson.ts';

/** Images of each class in the probe batch. */
const PER_CLASS = 2;

/** The grader's own images in [-1, 1], channels last: a student's data preparation cannot move this check. */
function probeImages(): tf.Tensor4D {
  const set = firstPerClassSortedByClass(loadFashionMnistSubset().train, PER_CLASS);
  return tf.tidy(() =>
    tf
      .tensor4d(set.images, [set.count, set.channels, set.height, set.width], 'float32')
      .transpose([0, 2, 3, 1])
      .div(127.5)
      .sub(1),
  );
}

/** Weighted layer whose input is the output of a ReLU in the README's LeNet, and its smallest input value. */
interface LayerInput {
  layer: string;
  smallest: number;
}

/** The smallest value entering each weighted layer after the first, on the probe batch. */
function smallestInputs(model: tf.LayersModel, images: tf.Tensor4D): LayerInput[] {
  const weighted = model.layers.filter((layer) => layer.trainableWeights.length > 0).slice(1);
  const inputs = weighted.map((layer) => layer.input as tf.SymbolicTensor);
  const probe = tf.model({ inputs: model.inputs, outputs: inputs });
  // Named as the README counts them, e.g. "the 2nd Conv2D layer": tfjs's own names carry global counters.
  const seen = new Map<string, number>();
  const names = model.layers
    .filter((layer) => layer.trainableWeights.length > 0)
    .map((layer) => {
      const kind = layer.getClassName();
      const n = (seen.get(kind) ?? 0) + 1;
      seen.set(kind, n);
      return `the ${n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`} ${kind} layer`;
    })
    .slice(1);
  return tf.tidy(() => {
    const values = [probe.predict(images)].flat() as tf.Tensor[];
    return names.map((layer, i) => ({ layer, smallest: values[i]!.min().dataSync()[0]! }));
  });
}

export const reluCheck: Check = {
  id: 'relu-activations',
  prescribed: true,
  title: 'a ReLU after each convolution and hidden dense layer, as in the README’s LeNet',
  points: 1,
  // The ReLUs are looked for between the layers `architecture` recognises.
  buildsOn: ['architecture'],
  async run(ctx) {
    const cnn = await ctx.load<Cnn>('cnn.ts');
    const model = cnn.createModel([28, 28, 1], 10);
    const images = probeImages();
    let measured: LayerInput[];
    try {
      measured = smallestInputs(model, images);
    } finally {
      model.dispose();
      images.dispose();
    }
    const negative = measured.filter(({ smallest }) => !(smallest >= 0));
    const figures = { layersChecked: measured.length, layersWithNegativeInput: negative.length };
    if (negative.length > 0) {
      const list = negative.map(({ layer, smallest }) => `${layer} (as low as ${fixed(smallest, 3)})`).join(', ');
      throw new CheckFailure(
        `on ${PER_CLASS * 10} training images, the untrained model feeds negative values into ${list}. ` +
          'In the README’s LeNet a ReLU follows each convolution and each hidden dense layer, so every weighted layer after the first ' +
          'receives values ≥ 0: an activation is missing (or is not ReLU) before these layers.',
        figures,
        [cause('model/activation-function', 3, 'a ReLU missing after a convolution or a hidden dense layer')],
      );
    }
    return { message: `each of the ${measured.length} weighted layers after the first receives values ≥ 0 (a ReLU before it)`, figures };
  },
};
