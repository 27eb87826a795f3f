/**
 * Datasets stored in the browser (IndexedDB), referred to from graphs as `local:<uuid>`.
 * Works on the main thread (inspector) and inside the training Web Worker (`openLocalDatasetSource`).
 *
 * Layout (database `graft-datasets`):
 *   datasets: { id, name, classes: [{id, name}], skipped, createdAt, updatedAt }
 *   images:   small metadata records (listing thousands stays cheap), indexed by dataset and by class
 *   blobs:    the original file per image (never decoded up front)
 *   thumbs:   small JPEG thumbnails, generated lazily the first time one is shown
 */
export {
  LOCAL_PREFIX,
  THUMBNAIL_SIDE,
  indexedDbAvailable,
  isLocalDatasetId,
  subscribeLocalDatasets,
  type LocalClass,
  type LocalDatasetRecord,
  type LocalDatasetSummary,
} from './browser-store/db';
export {
  addLocalClass,
  clearSkipped,
  createLocalDataset,
  deleteLocalClass,
  deleteLocalDataset,
  deleteLocalImage,
  getLocalDataset,
  getLocalDatasetSummary,
  listClassImages,
  listLocalDatasets,
  localDatasetExists,
  renameLocalClass,
  renameLocalDataset,
} from './browser-store/datasets';
export { addImagesToClass, importIntoLocalDataset } from './browser-store/images';
export { getThumbnail, listLocalDatasetImages, openLocalDatasetSource, type LocalImageForExport } from './browser-store/reading';
