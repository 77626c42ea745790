// The overfitting probe of Karpathy's "recipe": a fresh model, trained by the
// grader's own loop (Adam, cross-entropy) on one small batch, must drive that
// batch's loss near zero in a few dozen steps. If it cannot, the fault is in
// the model, not in the student's training loop or hyperparameters.
import { tf } from '#lib/tf.ts';
import { cause } from '../faults.ts';
import { fixed } from '../format.ts';
import { CheckFailure, type Check, type LessonContext } from '../lesson.ts';
import { expectLogits, probeLoss, type Classifier } from './classifier.ts';
import { probeCheck } from './fixture-check.ts';

export const OVERFIT_STEPS = 30;
export const OVERFIT_LEARNING_RATE = 0.003;
/** "Near zero", relative to the untrained loss: a correct model gets far below it. */
export const OVERFIT_FRACTION = 0.1;

/**
 * The batch's loss before each Adam step, and after the last: at most `steps`
 * steps, fewer once the loss is "near zero", since the verdict is then known
 * (a model that got there has shown it can fit the batch).
 */
export function overfitOneBatch(classifier: Classifier, inputs: tf.Tensor, labels: tf.Tensor1D, classes: number, steps = OVERFIT_STEPS): number[] {
  const shapeError = tf.tidy(() => expectLogits(classifier.logits(inputs), labels.shape[0], classes));
  if (shapeError) throw new CheckFailure(`${shapeError}; it cannot be trained`, {}, [cause('model/layers', 3, 'the model has the wrong number of outputs')]);
  const optimizer: tf.Optimizer = tf.train.adam(OVERFIT_LEARNING_RATE);
  const variables = classifier.variables.map(({ variable }) => variable);
  const losses: number[] = [];
  try {
    for (let step = 0; step <= steps; step++) {
      const loss = tf.tidy(() => {
        if (step === steps) return probeLoss(classifier.logits(inputs), labels);
        const { value, grads } = tf.variableGrads(() => probeLoss(classifier.logits(inputs), labels), variables);
        optimizer.applyGradients(grads);
        return value;
      });
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
      if (losses.at(-1)! <= OVERFIT_FRACTION * losses[0]!) break;
    }
  } finally {
    optimizer.dispose();
  }
  return losses;
}

export function overfitCheck(options: {
  points: number;
  /** Builds a fresh model, runs overfitOneBatch on a fixed batch and frees the model. */
  measure: (ctx: LessonContext) => Promise<number[]>;
}): Check {
  return probeCheck(
    { id: 'overfit-one-batch', title: 'a fresh model can overfit one batch', points: options.points },
    options.measure,
    (losses) => {
      const [first, last] = [losses[0]!, losses.at(-1)!];
      const steps = losses.length - 1;
      const figures = { steps, initialLoss: first, finalLoss: last };
      if (Number.isFinite(last) && last <= OVERFIT_FRACTION * first) {
        return { message: `the grader's Adam loop took one batch's loss from ${fixed(first, 3)} to ${fixed(last, 3)} in ${steps} steps`, figures };
      }
      throw new CheckFailure(
        `trained by the grader's own loop (Adam, cross-entropy, ${steps} steps) on one batch, a fresh model's loss went from ${fixed(first, 3)} to ${fixed(last, 3)}; ` +
          `a correct model gets below ${fixed(OVERFIT_FRACTION * first, 3)}. The fault is in the model, not in your training loop: ` +
          'an activation on the output layer, a layer too narrow, or a part of the network cut off?',
        figures,
        [
          cause('model/activation-function', 2, 'an activation on the output that squashes the logits (softmax, sigmoid)'),
          cause('model/layers', 2, 'layers that cannot fit the data: too narrow, missing, or cut off from the output'),
        ],
      );
    },
  );
}
