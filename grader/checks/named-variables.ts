// A model's trainable variables by name: the one view of "a model's weights"
// that the training trace and the probes share, whatever the lesson built the
// model from (a tfjs LayersModel, an object of tf.Variables, a record of
// parameters). Names are what messages show students.
import { tf } from '#lib/tf.ts';

export interface NamedVariable {
  name: string;
  variable: tf.Variable;
}

/** A layer as students count them: "Conv2D 1" is the model's first layer, whatever tfjs numbered it. */
export function layerLabel(model: tf.LayersModel, layer: tf.layers.Layer): string {
  return `${layer.getClassName()} ${model.layers.indexOf(layer) + 1}`;
}

/** The trainable variables of a LayersModel, as it has them now (freezing a layer removes its weights), e.g. "Dense 2 kernel". */
export function layersVariables(model: tf.LayersModel): NamedVariable[] {
  return model.layers.flatMap((layer) =>
    layer.trainableWeights.map((weight) => ({
      name: `${layerLabel(model, layer)} ${weight.name.split('/').at(-1)}`,
      variable: weight.read() as tf.Variable,
    })),
  );
}
