// tf.batchNorm without a scale or an offset cannot be differentiated in
// tfjs-core 4.22.0, on any backend: the op hands the FusedBatchNorm kernel
// `scale: undefined` / `offset: undefined`, and then the engine clones the
// missing scale it was told to save for the gradient (a TypeError reading
// `dataId`, or `dtype` in wasm's Identity), and the tape looks up the id of
// the missing offset (a TypeError reading `id`). A layer built with
// `scale: false` or `center: false` takes that path.
//
// The fix fills in what is missing with the values that change nothing
// (scale 1, offset 0) before the kernel runs, at the one engine entry every
// op goes through; every other kernel passes through untouched.
import type * as tf from '@tensorflow/tfjs';
import { tfjs } from '../tfjs.ts';

type RunKernel = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap) => tf.Tensor | tf.Tensor[];

let installed = false;

export function fillBatchNormDefaults(): void {
  if (installed) return;
  installed = true;
  const engine = tfjs.engine() as unknown as { runKernel: RunKernel };
  const runKernel = engine.runKernel.bind(engine);
  engine.runKernel = (name, inputs, attrs) => {
    if (name !== 'FusedBatchNorm' || (inputs.scale != null && inputs.offset != null)) return runKernel(name, inputs, attrs);
    return tfjs.tidy(() => {
      const { mean } = inputs as { mean: tf.Tensor };
      const filled = {
        ...inputs,
        scale: inputs.scale ?? tfjs.onesLike(mean),
        offset: inputs.offset ?? tfjs.zerosLike(mean),
      };
      return runKernel(name, filled, attrs);
    });
  };
}
