/**
 * Feature map: every image's feature vector projected to 2-D (PCA by default, UMAP on request), for two
 * representations of the same images — the frozen trunk's pooled features, and the head's last hidden layer
 * after training — so a student sees the classes pull apart. Pure TS on plain arrays (ml-pca, umap-js).
 */
import { PCA } from 'ml-pca';
import { UMAP } from 'umap-js';
import { createRng } from '../../dataset/split';

export type Projection = 'pca' | 'umap';

export interface FeatureMapPoint {
  x: number;
  y: number;
}

function toRows(values: Float32Array, n: number, dim: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(values.subarray(i * dim, (i + 1) * dim)));
  return rows;
}

/** Project row-major [n, dim] features to 2-D, scaled to [-1, 1] on the larger axis (a chart needs no units). */
export function project2d(values: Float32Array, n: number, dim: number, method: Projection = 'pca', seed = 1): FeatureMapPoint[] {
  if (n === 0) return [];
  const rows = toRows(values, n, dim);
  let coords: number[][];
  if (n < 3 || dim < 2) {
    coords = rows.map((r) => [r[0] ?? 0, r[1] ?? 0]);
  } else if (method === 'umap' && n > 5) {
    const umap = new UMAP({ nComponents: 2, nNeighbors: Math.max(2, Math.min(15, n - 1)), minDist: 0.1, random: createRng(seed) });
    coords = umap.fit(rows);
  } else {
    const pca = new PCA(rows, { center: true, scale: false });
    coords = pca.predict(rows, { nComponents: Math.min(2, dim, n) }).to2DArray();
  }
  let extent = 0;
  let cx = 0;
  let cy = 0;
  for (const c of coords) {
    cx += c[0] ?? 0;
    cy += c[1] ?? 0;
  }
  cx /= coords.length;
  cy /= coords.length;
  for (const c of coords) extent = Math.max(extent, Math.abs((c[0] ?? 0) - cx), Math.abs((c[1] ?? 0) - cy));
  const s = extent > 0 ? 1 / extent : 1;
  return coords.map((c) => ({ x: ((c[0] ?? 0) - cx) * s, y: ((c[1] ?? 0) - cy) * s }));
}

/** Ratio of mean between-class centroid distance to mean within-class spread (higher = classes further apart),
 * on the 2-D points: a one-number summary the explanation can quote. */
export function separation(points: FeatureMapPoint[], labels: number[]): number {
  const classes = [...new Set(labels)];
  const centroid = new Map<number, FeatureMapPoint>();
  for (const c of classes) {
    const ps = points.filter((_, i) => labels[i] === c);
    centroid.set(c, { x: ps.reduce((s, p) => s + p.x, 0) / ps.length, y: ps.reduce((s, p) => s + p.y, 0) / ps.length });
  }
  let within = 0;
  points.forEach((p, i) => {
    const c = centroid.get(labels[i])!;
    within += Math.hypot(p.x - c.x, p.y - c.y);
  });
  within /= Math.max(1, points.length);
  let between = 0;
  let pairs = 0;
  for (let a = 0; a < classes.length; a++)
    for (let b = a + 1; b < classes.length; b++) {
      const p = centroid.get(classes[a])!;
      const q = centroid.get(classes[b])!;
      between += Math.hypot(p.x - q.x, p.y - q.y);
      pairs++;
    }
  return pairs > 0 && within > 0 ? between / pairs / within : 0;
}
