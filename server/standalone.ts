/**
 * Graft's API without Next.js: `tsx server/standalone.ts` serves /api/trpc and /api/shared-datasets
 * on PORT (default 3199) with the same handler the Next route uses. Prints "listening <port>" when ready.
 */
import { createApiHandler } from './http/handler';
import { createNodeServer } from './http/nodeServer';
import { getDatabase } from './db';
import { loadConfig } from './config';
import { DataDirLockedError } from './db/dataDirLock.mjs';

async function main() {
  const db = await getDatabase(); // open + migrate before accepting requests
  const config = loadConfig();
  const server = createNodeServer(createApiHandler({ db, config }), config);
  const port = Number(process.env.PORT ?? 3199);
  server.listen(port, '127.0.0.1', () => {
    const addr = server.address();
    console.log(`listening ${typeof addr === 'object' && addr ? addr.port : port} (${db.engine})`);
  });
  const shutdown = () => server.close(() => void db.close().finally(() => process.exit(0)));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  // A held data folder is an operator's situation, not a crash: print just the message.
  console.error(err instanceof DataDirLockedError ? `[graft] ${err.message}` : err);
  process.exit(1);
});
