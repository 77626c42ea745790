// The one place the course gets TensorFlow.js from. Importing this module picks
// and initialises a backend (see runtime/backend.ts), so `tf` is ready to use.
// Editors and tsc read tf.types.d.ts instead (package.json's "imports" say so):
// there `tf` is tfjs's namespace, so `tf.Tensor` also names a type.
import { initialiseBackend } from './runtime/backend.ts';

export { tfjs as tf } from './runtime/tfjs.ts';
export const backend = await initialiseBackend();
