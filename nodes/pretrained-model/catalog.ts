/**
 * The pretrained-model catalog and the model-source resolver shared by both engine hosts.
 * Pure data + small helpers: no tfjs import at module level (tfjs types only), so the compiler and UI can use it.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { InputScaling, ModelSource } from '../core/plan';

/** A concrete pixel scaling (InputScaling minus 'auto'). */
export type ConcreteScaling = Exclude<InputScaling, 'auto'>;

export interface CatalogEntry {
  id: string;
  title: string;
  description: string;
  /** Where the model is published (may be unreachable offline; a local copy under MODELS_DIR wins). */
  officialUrl: string;
  /** [height, width] the network was trained at. */
  inputSize: [number, number];
  inputScaling: ConcreteScaling;
  /** Layer whose output is used as image features when the user leaves "truncate at" empty. */
  defaultTruncation: string;
  family: 'mobilenet-v1' | 'mobilenet-v2' | 'graft' | 'other';
  /** Rough download size, shown in the picker. */
  sizeMB?: number;
}

export const MODEL_CATALOG: readonly CatalogEntry[] = [
  {
    id: 'graft-shapes-cnn',
    title: "Graft Shapes CNN (Graft's own)",
    description:
      'A small CNN Graft pretrained on its synthetic shapes. Tiny and fast: good for first experiments and for ' +
      'learning what freezing and heads do; not meant for real photos.',
    officialUrl: '/models/graft-shapes-cnn/model.json',
    inputSize: [32, 32],
    inputScaling: 'zero1',
    // Must match public/models/graft-shapes-cnn/graft.json (written by `npm run pretrain`).
    defaultTruncation: 'features',
    family: 'graft',
    sizeMB: 0.2,
  },
  {
    id: 'mobilenet-v1-0.25-224',
    title: 'MobileNet v1 (α 0.25, 224px)',
    description:
      'The smallest ImageNet MobileNet v1 (0.5 M parameters). Fast everywhere; a good default for real photos.',
    officialUrl: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json',
    inputSize: [224, 224],
    inputScaling: 'minus1to1',
    defaultTruncation: 'conv_pw_13_relu',
    family: 'mobilenet-v1',
    sizeMB: 1.9,
  },
  {
    id: 'mobilenet-v1-0.50-224',
    title: 'MobileNet v1 (α 0.50, 224px)',
    description: 'ImageNet MobileNet v1 at half width (1.3 M parameters): more accurate features, still quick.',
    officialUrl: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.50_224/model.json',
    inputSize: [224, 224],
    inputScaling: 'minus1to1',
    defaultTruncation: 'conv_pw_13_relu',
    family: 'mobilenet-v1',
    sizeMB: 5.3,
  },
  {
    id: 'mobilenet-v1-1.0-224',
    title: 'MobileNet v1 (α 1.0, 224px)',
    description: 'Full-width ImageNet MobileNet v1 (4.2 M parameters): the strongest features here, slowest to run.',
    officialUrl: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_1.0_224/model.json',
    inputSize: [224, 224],
    inputScaling: 'minus1to1',
    defaultTruncation: 'conv_pw_13_relu',
    family: 'mobilenet-v1',
    sizeMB: 16.9,
  },
  {
    id: 'tm-mobilenet-v2-0.35-224',
    title: 'MobileNet v2 (α 0.35, Teachable Machine)',
    description:
      "The feature extractor Google's Teachable Machine uses: ImageNet MobileNet v2 at width 0.35 without its " +
      'classification top.',
    // The URL @teachablemachine/image builds for version 2, alpha 0.35 (custom-mobilenet.ts).
    officialUrl:
      'https://storage.googleapis.com/teachable-machine-models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top/model.json',
    inputSize: [224, 224],
    inputScaling: 'minus1to1',
    defaultTruncation: 'out_relu',
    family: 'mobilenet-v2',
    sizeMB: 1.7,
  },
];

export function catalogEntry(id: string): CatalogEntry | undefined {
  return MODEL_CATALOG.find((entry) => entry.id === id);
}

/** Optional `graft.json` next to a model.json: metadata a model folder can carry about itself. */
export interface ModelFolderMeta {
  title?: string;
  description?: string;
  inputSize?: [number, number];
  inputScaling?: ConcreteScaling;
  defaultTruncation?: string;
  labels?: string[];
}

/** Everything the engine needs to know about a model source besides its weights. */
export interface ResolvedModelMeta {
  /** Catalog entry / folder name / URL, for messages. */
  displayName: string;
  inputSize: [number, number] | null;
  /** null = unknown (then 'auto' means [0,1]). */
  inputScaling: ConcreteScaling | null;
  /** '' = unknown: use the structural heuristic (`guessTruncationLayer`). */
  defaultTruncation: string;
}

/** Static knowledge about a source (catalog + optional folder metadata). */
export function resolveModelMeta(source: ModelSource, folderMeta?: ModelFolderMeta | null): ResolvedModelMeta {
  const entry = source.kind === 'catalog' ? catalogEntry(source.id) : undefined;
  const displayName =
    source.kind === 'url' ? source.url : source.kind === 'catalog' ? (entry?.title ?? source.id) : source.id;
  return {
    displayName,
    inputSize: folderMeta?.inputSize ?? entry?.inputSize ?? null,
    inputScaling: folderMeta?.inputScaling ?? entry?.inputScaling ?? null,
    defaultTruncation: folderMeta?.defaultTruncation || entry?.defaultTruncation || '',
  };
}

/** 'auto' → the known scaling of the model, else [0,1]. */
export function resolveScaling(requested: InputScaling, meta: ResolvedModelMeta): ConcreteScaling {
  if (requested !== 'auto') return requested;
  return meta.inputScaling ?? 'zero1';
}

/** y = x * scale + offset applied to raw 0..255 pixels. */
export function scalingToAffine(scaling: ConcreteScaling): { scale: number; offset: number } {
  switch (scaling) {
    case 'minus1to1':
      return { scale: 1 / 127.5, offset: -1 };
    case 'zero1':
      return { scale: 1 / 255, offset: 0 };
    case 'raw255':
      return { scale: 1, offset: 0 };
  }
}

/** Where a catalog/upload id would be found as a local folder (`<modelsDir>/<id>/model.json`). Folder names only. */
export function isSafeModelId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id) && !id.includes('..');
}

/** Layer classes that belong to a classification "top" rather than to the feature extractor. */
const TOP_LAYER_CLASSES = new Set([
  'Dense',
  'Flatten',
  'Dropout',
  'SpatialDropout2D',
  'GaussianDropout',
  'GaussianNoise',
  'AlphaDropout',
  'Reshape',
  'Softmax',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'GlobalAveragePooling1D',
  'GlobalMaxPooling1D',
]);

type LayerLike = Pick<tfjs.layers.Layer, 'name' | 'getClassName' | 'getConfig' | 'outputShape'>;

function outputUnits(layer: LayerLike): number | null {
  const shape = layer.outputShape;
  if (!Array.isArray(shape) || Array.isArray(shape[0])) return null;
  const last = (shape as Array<number | null>)[shape.length - 1];
  return typeof last === 'number' ? last : null;
}

/**
 * Generic default truncation: walk back from the output over the classification part — softmax/activation,
 * reshape, dropout, dense, batch normalisation of a vector, flatten, global pooling, and a 1×1 convolution producing the class scores — and
 * return the last layer before it. A model that already ends in a spatial feature map is returned whole.
 * Only handles a single chain at the end (which all common classifiers have); branches stop the walk.
 */
export function guessTruncationLayer(model: { layers: LayerLike[] }): string {
  const layers = model.layers;
  if (layers.length === 0) return '';
  const finalUnits = outputUnits(layers[layers.length - 1]);
  let i = layers.length - 1;
  while (i > 0) {
    const layer = layers[i];
    const cls = layer.getClassName();
    let isTop = TOP_LAYER_CLASSES.has(cls);
    if (cls === 'Activation' || cls === 'ReLU' || cls === 'LeakyReLU' || cls === 'ELU') {
      const activation = String((layer.getConfig() as { activation?: unknown }).activation ?? '');
      // softmax/sigmoid/linear finish the class scores; another activation belongs to the top only when it
      // follows a Dense layer (Dense → Activation('relu') → Dense), else it is the feature extractor's last op.
      isTop = ['softmax', 'sigmoid', 'linear'].includes(activation) || layers[i - 1]?.getClassName() === 'Dense';
    }
    // Normalisation of a feature vector (Graft's head standardisation, or Dense → BN → Dense) belongs to the top; a
    // BatchNormalization of a feature map is the feature extractor's.
    if (cls === 'BatchNormalization') {
      const shape = layer.outputShape;
      isTop = Array.isArray(shape) && !Array.isArray(shape[0]) && shape.length === 2;
    }
    if (cls === 'Conv2D' && finalUnits !== null) {
      const cfg = layer.getConfig() as { kernelSize?: unknown; kernel_size?: unknown };
      const kernel = (cfg.kernelSize ?? cfg.kernel_size) as number[] | number | undefined;
      const isOneByOne = Array.isArray(kernel) ? kernel.every((k) => k === 1) : kernel === 1;
      // A 1×1 conv whose channel count equals the model's output size is the class-score projection.
      isTop = isOneByOne && outputUnits(layer) === finalUnits;
    }
    if (!isTop) break;
    i -= 1;
  }
  return layers[i].name;
}
