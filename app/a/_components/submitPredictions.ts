'use client';
/**
 * The student's Submit: download the hidden test images (bytes by index, no labels), classify them in the engine
 * worker with the model from the last run, and send only the predicted class names with the exact graph version.
 */
import { getEngineClient } from '@/nodes/engine/host-browser/client';
import { trpc } from '@/app/lib/trpcClient';

const PAGE = 32;

function base64ToBuffer(data: string): ArrayBuffer {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

export async function predictTestSet(
  assignmentId: string,
  testCount: number,
  classes: readonly string[],
  onProgress: (message: string) => void,
): Promise<string[]> {
  const images: ArrayBuffer[] = new Array(testCount);
  for (let from = 0; from < testCount; from += PAGE) {
    onProgress(`Downloading test images ${from}/${testCount}…`);
    const page = await trpc.assignment.testImages.query({ id: assignmentId, from, count: Math.min(PAGE, testCount - from) });
    for (const img of page) images[img.index] = base64ToBuffer(img.data);
  }
  if (images.some((b) => !b)) throw new Error('Some test images could not be downloaded. Try again.');
  onProgress(`Classifying ${testCount} test images with your model…`);
  const { labels, classes: predicted } = await getEngineClient().request('predict-images', { images }, images);
  const known = new Set(classes);
  const unknown = [...new Set(labels)].filter((l) => !known.has(l));
  const names = predicted.map((c) => labels[c] ?? '');
  const used = names.filter((n) => !known.has(n));
  if (used.length > 0) {
    throw new Error(
      `Your model predicts classes this assignment does not have (${[...new Set(used)].slice(0, 5).join(', ')}). ` +
        `Train on the assignment's training set (classes: ${classes.join(', ')}).`,
    );
  }
  if (unknown.length > 0) console.info('[graft] model classes not in the test set:', unknown);
  return names;
}

/** The parts of a graph a run depends on (positions and names are ignored). */
export function runRelevantJson(graph: { nodes: { id: string; type: string; params: unknown }[]; edges: unknown[] }): string {
  return JSON.stringify({ nodes: graph.nodes.map((n) => [n.id, n.type, n.params]), edges: graph.edges });
}
