// The one place the course gets TensorFlow.js from. Importing this module picks
// and initialises a backend (see backend.ts), so `tf` is ready to use.
import { initialiseBackend } from './backend.ts';

export * as tf from '@tensorflow/tfjs';
export const backend = await initialiseBackend();
