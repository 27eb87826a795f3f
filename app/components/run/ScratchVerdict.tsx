'use client';
/** "Compare with training from scratch" through the same paired machinery: is the pretrained gain real? */
import { useMemo } from 'react';
import type { RunResult } from '@/nodes/engine/types';
import { comparePair, correctnessString, type ComparableRun } from '@/nodes/engine/stats/compare';
import { ComparisonBody } from './RunComparison';

function comparable(r: RunResult): ComparableRun {
  const e = r.evaluation;
  return {
    accuracy: e.testSize > 0 ? e.accuracy : null,
    testSize: e.testSize,
    splitFingerprint: r.splitFingerprint ?? null,
    correct: e.predictions ? correctnessString(e.predictions) : null,
    splitSeed: null,
    trainSeed: null,
  };
}

export function ScratchVerdict({ pretrained, scratch }: { pretrained: RunResult; scratch: RunResult }) {
  const comparison = useMemo(
    () => comparePair(comparable(scratch), comparable(pretrained), { a: 'training from scratch', b: 'pretrained' }),
    [pretrained, scratch],
  );
  return <ComparisonBody comparison={comparison} nameA="from scratch" nameB="pretrained" />;
}
