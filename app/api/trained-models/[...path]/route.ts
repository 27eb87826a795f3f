/** Trained-model share packages (GET/PUT/DELETE /api/trained-models/<graphId>[/meta]); see server/trainedModelsHttp.ts. */
import { nextRouteHandler } from '@/server/http/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const handle = (req: Request) => nextRouteHandler(req);
export { handle as GET, handle as HEAD, handle as PUT, handle as DELETE };
