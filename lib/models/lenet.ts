// The original lesson's LeNet, for the tools that need it outside the lesson
// (the benchmark, the pretrained model). Layer names say which layers extract
// features (kept when fine-tuning) and which classify (replaced or retrained).
import { tf } from '#lib/tf.ts';

export function lenet(inputShape: [number, number, number], numClasses: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ name: 'features_conv1', inputShape, filters: 6, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ name: 'features_pool1', poolSize: 2 }),
      tf.layers.conv2d({ name: 'features_conv2', filters: 16, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ name: 'features_pool2', poolSize: 2 }),
      tf.layers.flatten({ name: 'features_flatten' }),
      tf.layers.dense({ name: 'classifier_dense1', units: 120, activation: 'relu' }),
      tf.layers.dense({ name: 'classifier_dense2', units: 84, activation: 'relu' }),
      tf.layers.dense({ name: 'head', units: numClasses }),
    ],
  });
}
