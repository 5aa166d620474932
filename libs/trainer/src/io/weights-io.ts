import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ZModelSpec, type TModelSpec } from '@epoch/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel, type TBuiltModel } from '../model/build-model';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

interface TSavedModelJson {
  format: string;
  generatedBy: string;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  userDefinedMetadata: { epoch: { spec: TModelSpec; seed: number } };
}

/**
 * Saves the trained model in the tfjs layers format (model.json + weights.bin) through a file-writing IOHandler (the
 * `file://` scheme needs tfjs-node). The ModelSpec and seed are kept in the metadata so loadModel can rebuild it.
 */
export async function saveModel(built: TBuiltModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await built.model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const json: TSavedModelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_core} (Epoch trainer)`,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        userDefinedMetadata: { epoch: { spec: built.spec, seed: built.seed } },
      };
      await writeFile(join(dir, WEIGHTS_BIN), new Uint8Array(data));
      await writeFile(join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/** Rebuilds a model saved by saveModel and loads its weights, ready to evaluate or inspect. */
export async function loadModel(dir: string): Promise<TBuiltModel> {
  const path = join(dir, MODEL_JSON);
  let json: TSavedModelJson;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as TSavedModelJson;
  } catch (e) {
    throw new Error(`${path}: cannot read a saved model (${e instanceof Error ? e.message : String(e)})`);
  }
  const meta = json.userDefinedMetadata?.epoch;
  const parsed = ZModelSpec.safeParse(meta?.spec);
  if (!parsed.success || typeof meta?.seed !== 'number')
    throw new Error(`${path}: not saved by Epoch's trainer (no valid ModelSpec in userDefinedMetadata.epoch)`);
  const manifest = json.weightsManifest?.[0];
  if (!manifest) throw new Error(`${path}: no weightsManifest`);
  const bytes = await readFile(join(dir, manifest.paths[0] ?? WEIGHTS_BIN));
  const built = buildModel(parsed.data, meta.seed);
  const weights = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), manifest.weights);
  try {
    built.model.loadWeights(weights, true);
  } finally {
    tf.dispose(Object.values(weights));
  }
  return built;
}
