/** Shared dataset manifest + images (GET /api/shared-datasets/<id>[/images/<index>]); see server/http/handler.ts. */
import { getProcessApiHandler } from '@/server/http/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const handle = (req: Request) => getProcessApiHandler()(req);
export { handle as GET, handle as HEAD };
