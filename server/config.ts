/**
 * Server configuration from the environment. Read lazily (per call) so tests can set env
 * before starting a server in the same process.
 */
import path from 'node:path';
import { parseTrustProxy, type TrustProxy } from './clientAddress';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

export interface ServerConfig {
  /** Set → real PostgreSQL via `pg`; unset → embedded PGlite under dataDir. */
  databaseUrl: string | null;
  /** PGlite data directory. */
  pgliteDir: string;
  /** Max request body for ordinary tRPC calls (bytes), enforced before JSON parsing. */
  maxBodyBytes: number;
  /** Max total decoded image bytes of one shared dataset. */
  maxDatasetBytes: number;
  /** Max decoded bytes of one image in a shared dataset. */
  maxImageBytes: number;
  /** Max images in one shared dataset. */
  maxDatasetImages: number;
  /** Max size of one trained-model share package (bytes, PUT /api/trained-models/<id>). */
  maxTrainedModelBytes: number;
  /** Token bucket per client IP for write calls: capacity (burst) and refill per second. 0 capacity disables. */
  rateLimitBurst: number;
  rateLimitPerSecond: number;
  /** Token bucket per client IP for reads (queries, dataset/model downloads): higher than writes. 0 disables. */
  readRateLimitBurst: number;
  readRateLimitPerSecond: number;
  /** Most tRPC calls in one batched HTTP request. */
  maxBatchCalls: number;
  /** Which X-Forwarded-For hops to believe (GRAFT_TRUST_PROXY; see clientAddress.ts). */
  trustProxy: TrustProxy;
  /** Largest width/height (px) an uploaded image's header may claim. */
  maxImageSide: number;
  /** Slow-client timeouts of the Node servers: header block, whole request. 0 disables. */
  headersTimeoutSeconds: number;
  requestTimeoutSeconds: number;
}

export function loadConfig(): ServerConfig {
  const dataDir = process.env.DATA_DIR?.trim() || './data';
  return {
    databaseUrl: process.env.DATABASE_URL?.trim() || null,
    pgliteDir: process.env.PGLITE_DIR?.trim() || path.resolve(dataDir, 'pglite'),
    maxBodyBytes: intFromEnv('GRAFT_MAX_BODY_BYTES', 1024 * 1024),
    maxDatasetBytes: intFromEnv('GRAFT_MAX_DATASET_BYTES', 50 * 1024 * 1024),
    maxImageBytes: intFromEnv('GRAFT_MAX_IMAGE_BYTES', 5 * 1024 * 1024),
    maxDatasetImages: intFromEnv('GRAFT_MAX_DATASET_IMAGES', 10_000),
    maxTrainedModelBytes: intFromEnv('GRAFT_MAX_TRAINED_MODEL_BYTES', 20 * 1024 * 1024),
    rateLimitBurst: intFromEnv('GRAFT_RATE_LIMIT_BURST', 120),
    rateLimitPerSecond: intFromEnv('GRAFT_RATE_LIMIT_PER_SECOND', 2),
    readRateLimitBurst: intFromEnv('GRAFT_READ_RATE_LIMIT_BURST', 1000),
    readRateLimitPerSecond: intFromEnv('GRAFT_READ_RATE_LIMIT_PER_SECOND', 200),
    maxBatchCalls: intFromEnv('GRAFT_MAX_BATCH_CALLS', 20),
    trustProxy: parseTrustProxy(process.env.GRAFT_TRUST_PROXY),
    maxImageSide: intFromEnv('GRAFT_MAX_IMAGE_SIDE', 4096),
    headersTimeoutSeconds: intFromEnv('GRAFT_HEADERS_TIMEOUT_SECONDS', 20),
    requestTimeoutSeconds: intFromEnv('GRAFT_REQUEST_TIMEOUT_SECONDS', 120),
  };
}
