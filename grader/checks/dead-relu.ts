// Dead ReLU units: units whose input is negative for every example, so they
// output 0 and pass back no gradient. A few are normal; a layer that is mostly
// dead after training was usually killed by too large a step (or a bad start).
import { tf } from '#lib/tf.ts';
import { cause } from '../faults.ts';
import { fixed } from '../format.ts';
import { CheckFailure, type Check } from '../lesson.ts';
import { layerLabel } from './named-variables.ts';
import { startedUniform, type DeadUnits, type TrainingRun } from './trace.ts';
import { fixtureCheck } from './fixture-check.ts';

/** Inputs beyond this size (the run's `probe.largestInput`) were not normalised. */
const LARGE_INPUT = 10;

/** Past this fraction of dead units in any one layer, the check fails. */
export const DEAD_FRACTION_LIMIT = 0.5;

/** A unit is a channel of the last axis; it is dead if it is 0 at every example and position. */
export function deadUnits(activations: { layer: string; values: tf.Tensor }[]): DeadUnits[] {
  return activations.map(({ layer, values }) => {
    const units = values.shape.at(-1)!;
    const dead = tf.tidy(() => values.reshape([-1, units]).max(0).lessEqual(0).sum().dataSync()[0]!);
    return { layer, units, dead };
  });
}

/** Dead units of each of a LayersModel's ReLU layers (fused or separate) for a batch. */
export function deadUnitsOfModel(model: tf.LayersModel, inputs: tf.Tensor): DeadUnits[] {
  const activations = reluActivations(model, inputs);
  try {
    return deadUnits(activations);
  } finally {
    tf.dispose(activations.map(({ values }) => values));
  }
}

function reluActivations(model: tf.LayersModel, inputs: tf.Tensor): { layer: string; values: tf.Tensor }[] {
  const relus = model.layers.filter(
    (layer) => layer.getClassName() === 'ReLU' || (layer.getConfig() as { activation?: string }).activation === 'relu',
  );
  if (relus.length === 0) return [];
  const probe = tf.model({ inputs: model.inputs, outputs: relus.map((layer) => layer.output as tf.SymbolicTensor) });
  const outputs = probe.predict(inputs) as tf.Tensor | tf.Tensor[];
  return (Array.isArray(outputs) ? outputs : [outputs]).map((values, i) => ({ layer: layerLabel(model, relus[i]!), values }));
}

export function deadReluCheck(options: { fixture: string; points: number }): Check {
  return fixtureCheck<TrainingRun>(
    { id: 'dead-relu', title: `no ReLU layer more than ${100 * DEAD_FRACTION_LIMIT}% dead after training`, points: options.points, fixture: options.fixture },
    async ({ deadUnits: layers = [], trace, probe }) => {
      const worst = layers.reduce<DeadUnits | undefined>((a, b) => (a && a.dead / a.units >= b.dead / b.units ? a : b), undefined);
      const figures = { reluLayers: layers.length, worstDeadFraction: worst ? worst.dead / worst.units : 0 };
      const listing = layers.map(({ layer, units, dead }) => `${layer} ${dead}/${units}`).join(', ');
      if (!worst || worst.dead / worst.units <= DEAD_FRACTION_LIMIT) {
        return { message: layers.length ? `dead units per ReLU layer after training: ${listing}` : 'the model has no ReLU layers', figures };
      }
      // Units dead from the start, not killed by training: the weights began all equal (e.g. zeros).
      const uniformStart = trace.weights.some(startedUniform);
      // Inputs in the hundreds kill units as surely as a huge step does.
      const inputScale = probe?.largestInput ?? 0;
      const rawInputs = inputScale > LARGE_INPUT;
      throw new CheckFailure(
        `after training, ${worst.dead} of ${worst.units} units of ${worst.layer} output 0 for every test image (dead units per layer: ${listing}). ` +
          (uniformStart
            ? 'Some kernels started with every value equal, so their units were never alive: how are the weights initialised?'
            : rawInputs
              ? `The model's inputs reach ${fixed(inputScale, 0)}: are they normalised?`
              : 'A dead unit passes back no gradient and never recovers: was the learning rate so large that a step pushed their inputs below zero for good?'),
        figures,
        [
          cause('training/hyperparameters', uniformStart || rawInputs ? 1 : 3, 'a learning rate so large that ReLU units die'),
          cause('model/type-and-properties', uniformStart ? 3 : 1, 'an initialisation (all zeros, negative biases) that starts units dead'),
          ...(rawInputs ? [cause('training/preprocessing', 3, 'inputs that are not normalised')] : []),
        ],
      );
    },
  );
}
