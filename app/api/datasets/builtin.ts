/** Built-in synthetic datasets for the /api/datasets listing. */
import { SYNTHETIC_DATASETS } from '@/nodes/dataset/synthetic';

/** One entry of the /api/datasets listing. */
export interface DatasetSummary {
  id: string;
  title: string;
  description?: string;
  classes: Array<{ name: string; count: number }>;
}

export function builtinDatasetSummaries(): DatasetSummary[] {
  return SYNTHETIC_DATASETS.map((d) => ({
    id: d.id,
    title: d.title,
    description: d.description,
    classes: d.classes.map((name) => ({ name, count: d.perClass })),
  }));
}
