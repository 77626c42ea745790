// A Layers model on disk as two files, model.json (topology and weight specs)
// and weights.bin, plus checksums.json. tfjs's own file:// handler lives in
// tfjs-node, which is optional here, so the course reads and writes the files
// itself through tf.io's in-memory handlers.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '#lib/tf.ts';

const FILES = ['model.json', 'weights.bin'] as const;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const { weightData, ...rest } = artifacts;
      const weights = new Uint8Array(tf.io.concatenateArrayBuffers([weightData as ArrayBuffer].flat()));
      const json = JSON.stringify({ ...rest, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] });
      writeFileSync(join(dir, 'model.json'), json + '\n');
      writeFileSync(join(dir, 'weights.bin'), weights);
      const checksums = Object.fromEntries(FILES.map((file) => [file, sha256(readFileSync(join(dir, file)))]));
      writeFileSync(join(dir, 'checksums.json'), JSON.stringify(checksums, null, 2) + '\n');
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
}

/** Loads a saved model after checking both files against checksums.json. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const checksumsFile = join(dir, 'checksums.json');
  if (!existsSync(checksumsFile)) throw new Error(`pretrained model: ${checksumsFile} is missing`);
  const checksums = JSON.parse(readFileSync(checksumsFile, 'utf8')) as Record<string, string>;
  const contents = new Map<string, Buffer>();
  for (const file of FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new Error(`pretrained model: ${path} is missing; run \`npm run make-pretrained\` to make it again`);
    const bytes = readFileSync(path);
    const actual = sha256(bytes);
    if (actual !== checksums[file]) {
      throw new Error(
        `pretrained model: ${path} is corrupt (sha256 ${actual}, expected ${checksums[file]}); ` +
          'restore it from git or run `npm run make-pretrained`',
      );
    }
    contents.set(file, bytes);
  }
  const json = JSON.parse(contents.get('model.json')!.toString('utf8'));
  const weights = contents.get('weights.bin')!;
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }),
  );
}
