/** tRPC endpoint. All logic lives in server/http/handler.ts (shared with the tests' Node server). */
import { getProcessApiHandler } from '@/server/http/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const handle = (req: Request) => getProcessApiHandler()(req);
export { handle as GET, handle as POST };
