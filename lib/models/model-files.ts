// A Layers model on disk as two files, model.json (topology and weight specs)
// and weights.bin, plus checksums.json. tfjs's own file:// handler lives in
// tfjs-node, which is optional here, so the course reads and writes the files
// itself through tf.io's in-memory handlers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckedFiles, writeChecksums } from '#lib/data/checksums.ts';
import { tf } from '#lib/tf.ts';

const FILES = ['model.json', 'weights.bin'] as const;

export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const { weightData, ...rest } = artifacts;
      const weights = new Uint8Array(tf.io.concatenateArrayBuffers([weightData as ArrayBuffer].flat()));
      const json = JSON.stringify({ ...rest, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] });
      writeFileSync(join(dir, 'model.json'), json + '\n');
      writeFileSync(join(dir, 'weights.bin'), weights);
      writeChecksums(dir, FILES);
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
}

/** Loads a saved model after checking both files against checksums.json. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const contents = readCheckedFiles(dir, FILES, 'pretrained model file', 'Restore it from git or run `npm run make-pretrained`.');
  const json = JSON.parse(contents.get('model.json')!.toString('utf8'));
  const weights = contents.get('weights.bin')!;
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }),
  );
}
