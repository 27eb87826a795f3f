/** Test fixture shared by the augmentation tests: a plan that changes nothing (every strength 0). */
import type { AugmentPlan } from '../core/plan';

export const NO_AUGMENT: AugmentPlan = {
  flipHorizontal: false,
  flipVertical: false,
  rotation: 0,
  zoom: 0,
  translate: 0,
  brightness: 0,
  contrast: 0,
  noise: 0,
  seed: 1,
  cachedViews: 1,
};
