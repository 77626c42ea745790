// Where training faults come from, and how a failing check names its suspects.
import { z } from 'zod';

/**
 * Categories of the taxonomy of real faults in deep-learning systems
 * (Humbatova et al., ICSE 2020), with "resources" standing in for its GPU
 * usage branch: tfjs has no devices, but leaking tensors is its resource fault.
 */
export const FaultCategory = z.enum([
  'model/type-and-properties',
  'model/layers',
  'model/activation-function',
  'tensors-and-inputs/wrong-tensor-shape',
  'tensors-and-inputs/wrong-input',
  'training/hyperparameters',
  'training/loss-function',
  'training/validation-testing',
  'training/preprocessing',
  'training/optimiser',
  'training/data-quality',
  'training/process',
  'resources',
  'api',
]);
export type FaultCategory = z.infer<typeof FaultCategory>;

/** A likely cause of what a check saw, with how strongly the evidence points at it. */
export const CauseSchema = z.object({
  category: FaultCategory,
  /** 1: possible, 2: likely, 3: what this symptom almost always means. */
  weight: z.number().positive(),
  text: z.string(),
});
export type Cause = z.infer<typeof CauseSchema>;

/** A likely cause, as checks and evidence rules write them. */
export function cause(category: FaultCategory, weight: number, text: string): Cause {
  return { category, weight, text };
}
