/** GET /api/datasets → every dataset the app can train on without uploads: built-in synthetic sets + DATASETS_DIR. */
import { listDirDatasetNames, readDirDataset } from './dir-datasets';
import { builtinDatasetSummaries, type DatasetSummary } from './builtin';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const dirs: DatasetSummary[] = [];
  for (const name of await listDirDatasetNames()) {
    const listing = await readDirDataset(name);
    if (!listing) continue;
    dirs.push({
      id: listing.id,
      title: listing.title,
      classes: listing.classes.map((c) => ({ name: c.name, count: c.files.length })),
    });
  }
  return Response.json([...builtinDatasetSummaries(), ...dirs], {
    headers: { 'Cache-Control': 'no-store' },
  });
}
