'use client';
/**
 * Mount once inside the editor: keeps `useDatasetIssuesStore` up to date for every dataset source in the graph
 * (dataset missing, < 2 classes, too few images per class, imbalance) so the canvas can show them on the node.
 */
import { useEffect } from 'react';
import { useGraphStore } from '@/app/state/graphStore';
import { useDatasetIssuesStore } from '@/app/state/datasetIssuesStore';
import { datasetReport, validationSplitFor } from '@/nodes/dataset/issues';
import type { GraftGraph, GraphNode } from '@/nodes/core/graph';
import type { GraphError } from '@/nodes/core/types';
import { useDatasetContent } from '@/nodes/dataset/inspector/useDatasetContent';
import { sourceNodesOf } from '@/app/lib/nodeRoles';

export function numberParam(node: GraphNode, key: string, fallback: number): number {
  const v = node.params[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function datasetIdOf(node: GraphNode): string {
  const v = node.params.datasetId;
  return typeof v === 'string' ? v : 'builtin:shapes-target';
}

function DatasetNodeWatcher({ node, graph }: { node: GraphNode; graph: GraftGraph }) {
  const datasetId = datasetIdOf(node);
  const content = useDatasetContent(datasetId);
  const setNodeIssues = useDatasetIssuesStore((s) => s.setNodeIssues);
  const clearNode = useDatasetIssuesStore((s) => s.clearNode);
  const testSplit = numberParam(node, 'testSplit', 0.2);
  const validationSplit = validationSplitFor(graph, node.id);

  useEffect(() => {
    if (content.status !== 'ready') {
      clearNode(node.id);
      return;
    }
    const report = datasetReport(content.content, { testSplit, validationSplit });
    const locate = (list: typeof report.errors): GraphError[] => list.map((i) => ({ nodeId: node.id, param: i.param, message: i.message }));
    setNodeIssues(node.id, { errors: locate(report.errors), warnings: locate(report.warnings) });
  }, [content, node.id, testSplit, validationSplit, setNodeIssues, clearNode]);

  useEffect(() => () => clearNode(node.id), [node.id, clearNode]);
  return null;
}

export function DatasetIssuesWatcher() {
  const graph = useGraphStore((s) => s.graph);
  // The nodes that bring images into the graph (asked of their definitions, not by type name).
  const datasetNodes = sourceNodesOf(graph, 'dataset');
  return (
    <>
      {datasetNodes.map((n) => (
        <DatasetNodeWatcher key={n.id} node={n} graph={graph} />
      ))}
    </>
  );
}
