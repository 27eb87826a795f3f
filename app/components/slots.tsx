'use client';
/**
 * Layout slots filled by other features. PLACEHOLDERS: the persistence engineer puts `<PersistenceBar />` and the
 * run-UI engineer `<RunControls />` into `ToolbarExtras` (right-hand side of the top toolbar); the run panel goes
 * into `DockPanel` (full-width dock under the canvas). Replace this file's contents freely.
 */
import { PersistenceBar } from '@/app/components/persistence/PersistenceBar';
import { RunControls } from '@/app/components/run/RunControls';
import { RunPanel } from '@/app/components/run/RunPanel';

export function ToolbarExtras() {
  return (
    <>
      <PersistenceBar />
      <RunControls />
    </>
  );
}

export function DockPanel() {
  return <RunPanel />;
}
