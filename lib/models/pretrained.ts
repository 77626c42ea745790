// The course's pretrained image model: LeNet trained on the five clothing
// classes of Fashion-MNIST (T-shirt/top, trouser, pullover, dress, coat) by
// `npm run make-pretrained`. Lesson 3 fine-tunes it on the other five classes.
import { fileURLToPath } from 'node:url';
import type { tf } from '#lib/tf.ts';
import { loadModel } from './model-files.ts';

export const PRETRAINED_DIR = fileURLToPath(new URL('./fashion-mnist-clothes/', import.meta.url));
/** The Fashion-MNIST classes the model was trained on; the other five are left for fine-tuning. */
export const PRETRAINED_CLASSES = [0, 1, 2, 3, 4] as const;
export const FINE_TUNING_CLASSES = [5, 6, 7, 8, 9] as const;

export function loadPretrainedModel(dir: string = PRETRAINED_DIR): Promise<tf.LayersModel> {
  return loadModel(dir);
}
