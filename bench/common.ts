/**
 * Shared setup for `npm run bench` sections: which model/dataset to use (the real MobileNet + flower photos when
 * /work/shared/assets is present, else Graft's built-in model and shapes) and a plan builder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileGraph } from '../nodes/compiler';
import { minimalTemplate } from '../nodes/templates';
import type { Plan } from '../nodes/core/plan';
import { createNodeHost } from '../nodes/engine/host-node';
import type { EngineHost } from '../nodes/engine/host';

const SHARED = '/work/shared/assets';

export interface BenchSetup {
  label: string;
  modelId: string;
  datasetId: string;
  maxImagesPerClass: number;
  host: EngineHost;
}

export function benchSetup(): BenchSetup {
  const mobilenet = path.join(SHARED, 'models', 'mobilenet-v1-0.25-224', 'model.json');
  const flowers = path.join(SHARED, 'datasets', 'flower_photos');
  if (fs.existsSync(mobilenet) && fs.existsSync(flowers)) {
    return {
      label: 'MobileNet v1 0.25 (224px) on flower_photos, 30 images/class',
      modelId: 'mobilenet-v1-0.25-224',
      datasetId: flowers,
      maxImagesPerClass: 30,
      host: createNodeHost({ modelsDir: path.join(SHARED, 'models') }),
    };
  }
  return {
    label: 'graft-shapes-cnn on builtin:shapes-target',
    modelId: 'graft-shapes-cnn',
    datasetId: 'builtin:shapes-target',
    maxImagesPerClass: 0,
    host: createNodeHost(),
  };
}

/** The minimal template (frozen trunk, GAP head), pointed at the bench model and data. */
export function benchPlan(setup: BenchSetup, epochs: number): Plan {
  const compiled = compileGraph(minimalTemplate());
  if (!compiled.ok) throw new Error(`minimal template does not compile: ${JSON.stringify(compiled.errors)}`);
  const plan = compiled.plan;
  plan.classifier.model.source = { kind: 'catalog', id: setup.modelId };
  plan.dataset.datasetId = setup.datasetId;
  plan.dataset.maxImagesPerClass = setup.maxImagesPerClass;
  plan.train.epochs = epochs;
  plan.train.earlyStoppingPatience = 0;
  return plan;
}

export interface BenchSection {
  name: string;
  /** Returns the section's JSON fields (merged into the --json output) and prints its own human summary. */
  run(setup: BenchSetup, log: (line: string) => void): Promise<Record<string, unknown>>;
}
