/**
 * Worker helper for classroom submissions: classify a list of encoded images (PNG/JPEG bytes) with the model from
 * the last run and return one class index per image. Same preprocessing as "Try it" and training (stretch to the
 * model's input size with half-pixel centres, 8-bit pixels, the model's input scaling). Nothing leaves the worker
 * but the indices; no tensors stay behind.
 */
import * as tf from '@tensorflow/tfjs';
import type { DecodedImage, TrainedModel } from '../host';
import { scalingToAffine } from '../../pretrained-model/catalog';
import { bitmapToRgb } from '../../dataset/bitmap';

export interface ImagePredictions {
  /** The trained model's class names; `classes[i]` indexes into them. */
  labels: string[];
  classes: number[];
}

const BATCH = 16;

export async function predictImages(trained: TrainedModel | null, images: ArrayBuffer[]): Promise<ImagePredictions> {
  if (!trained) throw new Error('Train a model first: Submit uses the model from the last run.');
  const { model, inputSize, inputScaling, labels } = trained;
  const { scale, offset } = scalingToAffine(inputScaling);
  const maxSide = Math.max(inputSize[0], inputSize[1]);
  const classes: number[] = [];
  for (let start = 0; start < images.length; start += BATCH) {
    const decoded: DecodedImage[] = [];
    for (let i = start; i < Math.min(images.length, start + BATCH); i++) {
      let bitmap: ImageBitmap;
      try {
        bitmap = await createImageBitmap(new Blob([images[i]!]));
      } catch {
        throw new Error(`Test image ${i + 1} could not be decoded.`);
      }
      try {
        decoded.push(bitmapToRgb(bitmap, maxSide, { highQuality: true }));
      } finally {
        bitmap.close();
      }
    }
    const argmax = tf.tidy(() => {
      const batch = decoded.map((rgb) => {
        const x = tf.tensor3d(rgb.data, [rgb.height, rgb.width, 3], 'int32').toFloat();
        return tf.image.resizeBilinear(x, inputSize, false, true).clipByValue(0, 255).floor();
      });
      const input = tf.stack(batch).mul(scale).add(offset);
      return (model.predict(input) as tf.Tensor).argMax(-1);
    });
    const values = await argmax.data();
    argmax.dispose();
    classes.push(...Array.from(values, Number));
  }
  return { labels, classes };
}
