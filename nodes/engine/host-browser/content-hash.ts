/** SHA-256 (hex) of a fetched image's bytes: the browser sources' `ImageSource.contentHash`. */
export async function hashUrl(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not be downloaded (HTTP ${response.status})`);
  return hashBytes(await response.arrayBuffer());
}

export async function hashBytes(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
