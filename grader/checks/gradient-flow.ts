// Per-layer gradient norms of an untrained model: a layer whose weights get
// no gradient, or a gradient thousands of times smaller than the others',
// cannot learn, whatever the training loop does.
import { tf } from '#lib/tf.ts';
import { cause, type Cause } from '../faults.ts';
import { scientific } from '../format.ts';
import { CheckFailure, type Check, type LessonContext } from '../lesson.ts';
import { expectLogits, probeLoss, type Classifier } from './classifier.ts';
import { probeCheck } from './fixture-check.ts';

export interface GradientNorm {
  name: string;
  norm: number;
  /** A matrix or kernel (not a bias) whose values are all the same, e.g. all zero: its units cannot differ from each other. */
  uniform: boolean;
}

/** Below this fraction of the largest layer's gradient norm, a gradient has vanished. */
export const VANISHING_RATIO = 1e-4;

export function gradientNorms(classifier: Classifier, inputs: tf.Tensor, labels: tf.Tensor1D, classes: number): GradientNorm[] {
  return tf.tidy(() => {
    const shapeError = expectLogits(classifier.logits(inputs), labels.shape[0], classes);
    if (shapeError) throw new CheckFailure(`${shapeError}; the gradients cannot be measured`);
    const variables = classifier.variables.map(({ variable }) => variable);
    const { grads } = tf.variableGrads(() => probeLoss(classifier.logits(inputs), labels), variables);
    return classifier.variables.map(({ name, variable }) => {
      const grad = grads[variable.name];
      const values = variable.dataSync();
      return {
        name,
        norm: grad ? grad.norm().dataSync()[0]! : 0,
        uniform: variable.rank >= 2 && values.every((value) => value === values[0]),
      };
    });
  });
}


/** Every norm for a small model; the extremes for a large one. */
function listing(norms: GradientNorm[]): string {
  if (norms.length <= 12) return norms.map(({ name, norm }) => `${name} ${scientific(norm)}`).join(', ');
  const sorted = [...norms].sort((a, b) => a.norm - b.norm);
  const [low, high] = [sorted[0]!, sorted.at(-1)!];
  return `${norms.length} weights, from ${low.name} ${scientific(low.norm)} to ${high.name} ${scientific(high.norm)}`;
}

export function gradientFlowCheck(options: {
  points: number;
  /** Builds an untrained model and measures its gradients on a fixed batch. */
  measure: (ctx: LessonContext) => Promise<GradientNorm[]>;
  /** Weights whose gradient is zero in a correct model too, with the reason. */
  zeroByDesign?: { test: (name: string) => boolean; why: string };
}): Check {
  return probeCheck(
    { id: 'gradients-flow', title: 'every layer gets a gradient from the loss', points: options.points },
    options.measure,
    (measured) => {
      const norms = measured.filter(({ name }) => !options.zeroByDesign?.test(name));
      const largest = Math.max(0, ...norms.map(({ norm }) => (Number.isFinite(norm) ? norm : 0)));
      const starved = norms.filter(({ norm }) => !(norm > VANISHING_RATIO * largest));
      const smallest = Math.min(...norms.map(({ norm }) => (Number.isFinite(norm) ? norm : 0)));
      const figures = { weights: norms.length, largestGradientNorm: largest, smallestToLargest: largest > 0 ? smallest / largest : 0, withoutGradient: starved.length };
      const exempt = measured.length - norms.length;
      const aside = exempt ? ` (${exempt} left out: ${options.zeroByDesign!.why})` : '';
      if (starved.length === 0) return { message: `gradient norms at the start: ${listing(norms)}${aside}`, figures };
      const zeroInitialised = starved.filter(({ uniform }) => uniform).length;
      const causes: Cause[] = [];
      if (starved.some(({ uniform }) => uniform)) {
        causes.push(cause('model/type-and-properties', 4, 'weights initialised to one value (e.g. zeros): every unit of the layer computes the same, after a ReLU nothing'));
      }
      causes.push(
        cause('model/layers', 3, 'a part of the model whose result never reaches the logits'),
        cause('model/activation-function', 1, 'activations that saturate or ReLUs that never fire, so no gradient passes back'),
      );
      const what = largest === 0 ? 'No weight gets any gradient' : `${starved.length} of ${norms.length} weights get no gradient, or one under ${VANISHING_RATIO} of the largest`;
      throw new CheckFailure(
        `${what}: ${starved.map(({ name }) => name).join(', ')} (norms at the start: ${listing(norms)}). ` +
          (zeroInitialised > 0
            ? `${zeroInitialised} of them start with every value equal: how are the weights initialised?`
            : 'Does every layer lie on the path from the input to the logits, and do its activations let a gradient through?'),
        figures,
        causes,
      );
    },
  );
}
