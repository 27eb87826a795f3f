/**
 * File-system IOHandlers for @tensorflow/tfjs in plain Node (tfjs-node, which ships `file://`, is not installable
 * here). Layout written/read is the standard tfjs web format: model.json + one weights .bin file, so models saved
 * here load in the browser with tf.loadLayersModel('/models/<id>/model.json').
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const WEIGHTS_FILE = 'weights.bin';

function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

/** Save a model as `<dir>/model.json` + `<dir>/weights.bin`. Usage: `await model.save(fileSaveHandler(dir))`. */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
    if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) {
      throw new Error('fileSaveHandler: binary model topology is not supported (expected a LayersModel)');
    }
    await fs.mkdir(dir, { recursive: true });
    const weightData = artifacts.weightData ? tf.io.concatenateArrayBuffers(artifacts.weightData) : new ArrayBuffer(0);
    const manifest: tf.io.WeightsManifestConfig = [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }];
    const modelJson: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology,
      weightsManifest: manifest,
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
      convertedBy: artifacts.convertedBy ?? null,
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    };
    await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson));
    await fs.writeFile(path.join(dir, WEIGHTS_FILE), new Uint8Array(weightData));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
}

/**
 * Load a tfjs web-format model (model.json + the .bin files its manifest lists, relative to it).
 * Usage: `await tf.loadLayersModel(fileLoadHandler('public/models/graft-shapes-cnn/model.json'))`.
 */
export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelJson = JSON.parse(await fs.readFile(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      if (!modelJson || typeof modelJson !== 'object' || !('modelTopology' in modelJson)) {
        throw new Error(`${modelJsonPath} is not a tfjs model.json (no modelTopology)`);
      }
      const dir = path.dirname(modelJsonPath);
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const weightSpecs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          weightSpecs.push(...group.weights);
          for (const file of group.paths) {
            // Manifest paths are relative to model.json; refuse anything escaping its folder.
            const resolved = path.resolve(dir, file);
            if (path.relative(dir, resolved).startsWith('..')) throw new Error(`weights path escapes model folder: ${file}`);
            buffers.push(toArrayBuffer(await fs.readFile(resolved)));
          }
        }
        return [weightSpecs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}
