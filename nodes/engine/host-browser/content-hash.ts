/** SHA-256 (hex) of a fetched image's bytes: the browser sources' `ImageSource.contentHash`. */

/** Hashes in flight at once. The feature key asks for every image's hash together; unbounded, a 5,000-image
 * dataset starts 5,000 fetches (Chromium fails some with ERR_INSUFFICIENT_RESOURCES) and holds every file's bytes
 * at the same time. A few at a time keeps memory bounded and the network busy. */
const MAX_IN_FLIGHT = 8;
let inFlight = 0;
const waiting: Array<() => void> = [];

async function withSlot<T>(task: () => Promise<T>): Promise<T> {
  if (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
  else inFlight++;
  try {
    return await task();
  } finally {
    const next = waiting.shift();
    if (next) next(); // hand the slot over
    else inFlight--;
  }
}

/** `ImageSource.contentHash` of a source whose listing may carry each file's hash (the server's): the listed hash,
 * else the file fetched and hashed here. */
export function listedOrFetchedHash(hashes: ReadonlyArray<string | undefined>, urls: readonly string[]): (index: number) => Promise<string> {
  return (index) => {
    const listed = hashes[index];
    return listed !== undefined ? Promise.resolve(listed) : hashUrl(urls[index]);
  };
}

export function hashUrl(url: string): Promise<string> {
  return withSlot(async () => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not be downloaded (HTTP ${response.status})`);
    return hashBytes(await response.arrayBuffer());
  });
}

export async function hashBytes(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
