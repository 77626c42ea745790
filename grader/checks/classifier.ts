// A classifier as the grader's probes see it, whatever the lesson built it
// from (a tfjs LayersModel, hand-made variables): its weights by name and a
// function from a batch to logits. The probes differentiate and train through
// it with their own loss, so what they measure is the model, not the
// student's loss or training loop.
import { tf } from '#lib/tf.ts';
import { shapeText } from '../format.ts';
import { layersVariables, type NamedVariable } from './named-variables.ts';

export interface Classifier {
  variables: NamedVariable[];
  /** Logits of a batch, with dropout and other training-only behaviour off. */
  logits(inputs: tf.Tensor): tf.Tensor;
}

export function layersClassifier(model: tf.LayersModel): Classifier {
  return {
    variables: layersVariables(model),
    logits: (inputs) => model.apply(inputs, { training: false }) as tf.Tensor,
  };
}

/** Mean softmax cross-entropy, the grader's own, for the probes. */
export function probeLoss(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]!), logits as tf.Tensor2D) as tf.Scalar;
}

/** Logits must be [batch, classes] for the probes' loss; otherwise the output-shape checks say what is wrong. */
export function expectLogits(logits: tf.Tensor, batch: number, classes: number): string | undefined {
  const ok = logits.shape.length === 2 && logits.shape[0] === batch && logits.shape[1] === classes;
  return ok ? undefined : `the model gives logits of shape ${shapeText(logits.shape)} for ${batch} inputs, not [${batch}, ${classes}]`;
}
