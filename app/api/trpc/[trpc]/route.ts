/** tRPC endpoint. All logic lives in server/http/handler.ts (shared with the tests' Node server). */
import { nextRouteHandler } from '@/server/http/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const handle = (req: Request) => nextRouteHandler(req);
export { handle as GET, handle as POST };
