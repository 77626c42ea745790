// Fixes for defects of TensorFlow.js 4.22 that a student's correct code can hit.
//
// tf.logSigmoid: its gradient, written with customGrad, keeps its input only in
// a closure; when the input was made inside a tf.tidy that ends before the
// backward pass (a loss function wrapped in tf.tidy, inside tf.variableGrads),
// the input is already disposed when the gradient needs it, and the step throws
// "Cannot read properties of undefined (reading 'backend')" on the cpu and wasm
// backends. log(sigmoid(x)) = -softplus(-x) is built from kernels whose
// gradients the engine records itself, and softplus is computed stably.
import type * as TF from '@tensorflow/tfjs';

type Tf = typeof TF;

export function withFixes(tf: Tf): Tf {
  const logSigmoid = <T extends TF.Tensor>(x: T | TF.TensorLike): T =>
    tf.tidy(() => tf.neg(tf.softplus(tf.neg(x as TF.Tensor)))) as T;
  // Chained calls (x.logSigmoid()) reach the same fix.
  tf.Tensor.prototype.logSigmoid = function <T extends TF.Tensor>(this: T): T {
    return logSigmoid(this);
  };
  // tfjs's exports are read-only getters, so the course's tf is a copy with the fixes in place.
  return { ...tf, logSigmoid };
}
