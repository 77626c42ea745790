// The variables of lesson 5's models, which are plain objects of tf.Variables
// (no LayersModel to list them): found by walking the object.
import { tf } from '#lib/tf.ts';
import type { NamedVariable } from '../../checks/named-variables.ts';

/** Every tf.Variable of a model, named by where it sits in the model object. */
export function variablesOf(model: unknown): NamedVariable[] {
  const found: NamedVariable[] = [];
  const walk = (value: unknown, path: string) => {
    if (value instanceof tf.Variable) found.push({ name: path, variable: value });
    else if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (value && typeof value === 'object' && !(value instanceof tf.Tensor)) {
      for (const [key, item] of Object.entries(value)) walk(item, path ? `${path}.${key}` : key);
    }
  };
  walk(model, '');
  return found;
}

export function disposeModel(model: unknown): void {
  for (const { variable } of variablesOf(model)) variable.dispose();
}
