/** Shared dataset manifest + images (GET /api/shared-datasets/<id>[/images/<index>]); see server/http/handler.ts. */
import { nextRouteHandler } from '@/server/http/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const handle = (req: Request) => nextRouteHandler(req);
export { handle as GET, handle as HEAD };
