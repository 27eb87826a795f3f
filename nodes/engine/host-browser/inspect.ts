/**
 * Layer table + trainable/frozen parameter counts for the Pretrained Model and Freeze Layers inspectors.
 * Pure over a minimal layer interface so it is unit tested without loading a model.
 */
import type { FreezePlan } from '../../core/plan';
import type { LayerInfo } from './protocol';

export interface LayerSummaryInput {
  name: string;
  className: string;
  outputShape: string;
  params: number;
}

export interface LayerTable {
  layers: LayerInfo[];
  truncateAt: string;
  trunkParams: number;
  trainableParams: number;
  frozenParams: number;
  problem: string | null;
}

/** Trunk = layers up to and including the cut layer (model.layers is in topological order). */
export function buildLayerTable(
  layers: LayerSummaryInput[],
  requestedCut: string,
  defaultCut: string,
  freeze: FreezePlan,
): LayerTable {
  let problem: string | null = null;
  let cut = requestedCut.trim() || defaultCut || layers[layers.length - 1]?.name || '';
  let cutIndex = layers.findIndex((l) => l.name === cut);
  if (cutIndex < 0) {
    problem = `This model has no layer named "${cut}".`;
    cut = defaultCut || layers[layers.length - 1]?.name || '';
    cutIndex = Math.max(0, layers.findIndex((l) => l.name === cut));
  }
  let frozenUpTo = -1; // index of the last frozen trunk layer
  switch (freeze.mode) {
    case 'all':
      frozenUpTo = cutIndex;
      break;
    case 'none':
      frozenUpTo = -1;
      break;
    case 'firstN': {
      // Counted like the engine: trunk layers from the input, the InputLayer itself not included.
      const counted = layers.map((l, i) => ({ l, i })).filter(({ l, i }) => i <= cutIndex && l.className !== 'InputLayer');
      frozenUpTo = freeze.count <= 0 ? -1 : counted[Math.min(counted.length, Math.floor(freeze.count)) - 1]?.i ?? -1;
      break;
    }
    case 'upTo': {
      const i = layers.findIndex((l) => l.name === freeze.layer);
      if (i < 0) problem ??= `Freeze Layers: this model has no layer named "${freeze.layer}".`;
      else if (i > cutIndex) problem ??= `Freeze Layers: "${freeze.layer}" comes after the cut layer "${cut}", so it is not part of the trunk.`;
      frozenUpTo = Math.min(cutIndex, i);
      break;
    }
  }
  let trunkParams = 0;
  let frozenParams = 0;
  const table: LayerInfo[] = layers.map((l, i) => {
    const inTrunk = i <= cutIndex;
    const frozen = inTrunk && i <= frozenUpTo;
    if (inTrunk) trunkParams += l.params;
    if (frozen) frozenParams += l.params;
    return { ...l, inTrunk, frozen };
  });
  return { layers: table, truncateAt: cut, trunkParams, trainableParams: trunkParams - frozenParams, frozenParams, problem };
}

export function formatShape(shape: unknown): string {
  return JSON.stringify(shape)?.replace(/,/g, ', ') ?? '?';
}
