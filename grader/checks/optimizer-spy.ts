// Which tfjs optimizers a training run stepped with, and their settings. Every
// tfjs optimizer steps through its class's applyGradients (minimize calls it
// too), so watching those methods sees the optimizer however the student made
// it (tf.train.momentum, new tf.MomentumOptimizer, inside a helper) and used it.
import { tf } from '#lib/tf.ts';

export interface OptimizerUse {
  /** tfjs's serialisation name: 'SGD', 'Momentum', 'Adam', ... */
  className: string;
  /** getConfig(): learningRate, momentum, beta1, ... */
  config: Record<string, unknown>;
  steps: number;
}

const OPTIMIZER_CLASSES = [
  tf.SGDOptimizer,
  tf.MomentumOptimizer,
  tf.AdamOptimizer,
  tf.AdamaxOptimizer,
  tf.AdagradOptimizer,
  tf.AdadeltaOptimizer,
  tf.RMSPropOptimizer,
] as const;

type Stepper = { applyGradients(...args: unknown[]): unknown; getConfig(): Record<string, unknown> };

/** The optimizers of the run being observed; undefined while no run is. */
let recording: Map<object, OptimizerUse> | undefined;
const stepping = new Set<object>();

// The watchers are installed once, when the grader's checks load: the sandbox
// freezes tfjs's classes before student code runs (sandbox/harden.ts), so they
// cannot be swapped in and out around each run.
for (const cls of OPTIMIZER_CLASSES) {
  const prototype = cls.prototype as unknown as Stepper;
  const original = Object.getOwnPropertyDescriptor(prototype, 'applyGradients');
  if (!original || Object.isFrozen(prototype)) continue;
  const step = original.value as Stepper['applyGradients'];
  prototype.applyGradients = function (this: Stepper, ...args: unknown[]) {
    if (!recording) return step.apply(this, args);
    let use = recording.get(this);
    if (!use) {
      const className = (this.constructor as { className?: string }).className ?? this.constructor.name;
      use = { className, config: { ...this.getConfig() }, steps: 0 };
      recording.set(this, use);
    }
    // Momentum extends SGD: count a step once, at the class that runs it first.
    const outer = !stepping.has(this);
    if (outer) use.steps += 1;
    stepping.add(this);
    try {
      return step.apply(this, args);
    } finally {
      if (outer) stepping.delete(this);
    }
  };
}

/** Runs `work`, recording every optimizer instance that took a step, in order of first step. */
export async function observeOptimizers<R>(work: () => Promise<R>): Promise<{ result: R; optimizers: OptimizerUse[] }> {
  const uses = new Map<object, OptimizerUse>();
  recording = uses;
  try {
    const result = await work();
    return { result, optimizers: [...uses.values()] };
  } finally {
    recording = undefined;
  }
}
