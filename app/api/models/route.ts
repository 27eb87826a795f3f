/** GET /api/models → the model catalog merged with MODELS_DIR folders (local copies take precedence). */
import { listModels } from './local-models';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  return Response.json(await listModels(), { headers: { 'Cache-Control': 'no-store' } });
}
