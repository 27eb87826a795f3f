/** The tfjs browser bundle the exported web demo embeds (GET /api/web-demo/tfjs → tf.min.js from node_modules). */
import fs from 'node:fs/promises';
import path from 'node:path';

export const runtime = 'nodejs';

export async function GET(): Promise<Response> {
  const file = path.join(process.cwd(), 'node_modules', '@tensorflow', 'tfjs', 'dist', 'tf.min.js');
  try {
    const data = await fs.readFile(file);
    return new Response(new Uint8Array(data), {
      headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' },
    });
  } catch {
    return Response.json({ error: 'tf.min.js is not installed on this server (npm install).' }, { status: 404 });
  }
}
