/** Export/import of `.graft.json` files (browser side). */
import { downloadBlob } from './download';
import { serializeGraph, type GraftGraph, type ParseResult } from '@/nodes/core/graph';
import { loadGraphFile } from '@/nodes/graph-file';

/** Largest file we try to read: graphs are small; anything bigger is not a graph. */
export const MAX_GRAPH_FILE_BYTES = 2_000_000;

export function graphFileName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/[\s_]+/g, '-')
    .toLowerCase()
    .slice(0, 80);
  return `${slug || 'graph'}.graft.json`;
}

export function downloadGraph(graph: GraftGraph): string {
  const fileName = graphFileName(graph.name);
  downloadBlob(new Blob([serializeGraph(graph)], { type: 'application/json' }), fileName);
  return fileName;
}

export async function readGraphFile(file: File): Promise<ParseResult> {
  if (file.size > MAX_GRAPH_FILE_BYTES) {
    return { ok: false, error: `“${file.name}” is too large to be a Graft graph (${Math.round(file.size / 1024)} KB).` };
  }
  let text: string;
  try {
    text = await file.text();
  } catch {
    return { ok: false, error: `“${file.name}” could not be read.` };
  }
  const result = loadGraphFile(text);
  if (!result.ok) return { ok: false, error: `Could not import “${file.name}”. ${result.error}` };
  const problem = structuralProblem(result.graph);
  if (problem) return { ok: false, error: `Could not import “${file.name}”. ${problem}` };
  return result;
}

/** Problems the schema cannot see but the canvas cannot show: duplicate ids, edges to missing nodes. */
export function structuralProblem(graph: GraftGraph): string | null {
  const ids = new Set<string>();
  for (const n of graph.nodes) {
    if (ids.has(n.id)) return `Two nodes share the id “${n.id}”.`;
    ids.add(n.id);
  }
  const edgeIds = new Set<string>();
  for (const e of graph.edges) {
    if (edgeIds.has(e.id)) return `Two connections share the id “${e.id}”.`;
    edgeIds.add(e.id);
    if (!ids.has(e.source) || !ids.has(e.target)) return `Connection “${e.id}” refers to a node that is not in the file.`;
  }
  return null;
}
