/** Inline styles of the tune inspector (no CSS import: node definitions load in the engine worker too). */
import type { CSSProperties } from 'react';

export const S: Record<string, CSSProperties> = {
  root: { display: 'flex', flexDirection: 'column', gap: '0.5rem', fontSize: '0.875rem' },
  heading: { margin: 0, fontSize: '0.95rem' },
  help: { margin: 0, color: '#555', fontSize: '0.8rem' },
  empty: { margin: 0, color: '#555', fontSize: '0.8rem' },
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '0.5rem' },
  fieldset: { border: '1px solid #d0d4da', borderRadius: '6px', padding: '0.5rem 0.6rem 0.6rem', margin: 0, display: 'flex', flexDirection: 'column', gap: '0.4rem', position: 'relative' },
  legend: { fontWeight: 600, padding: '0 0.25rem' },
  count: { fontWeight: 400, color: '#666' },
  row: { display: 'flex', flexDirection: 'column', gap: '0.15rem' },
  label: { fontSize: '0.75rem', color: '#444' },
  input: { font: 'inherit', padding: '0.25rem 0.35rem', border: '1px solid #b8bec6', borderRadius: '4px', background: '#fff', minWidth: 0, width: '100%' },
  modeRow: { display: 'flex', flexWrap: 'wrap', gap: '0.3rem 0.8rem' },
  checks: { display: 'flex', flexWrap: 'wrap', gap: '0.3rem 0.8rem' },
  radio: { display: 'inline-flex', alignItems: 'center', gap: '0.3rem', fontSize: '0.8rem' },
  check: { display: 'inline-flex', alignItems: 'center', gap: '0.3rem', fontSize: '0.8rem' },
  rangeGrid: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '0.35rem 0.5rem', alignItems: 'end' },
  rangeField: { display: 'flex', flexDirection: 'column', gap: '0.15rem' },
  preview: { margin: 0, fontSize: '0.75rem', color: '#2b5d8a', fontVariantNumeric: 'tabular-nums', wordBreak: 'break-word' },
  error: { margin: 0, fontSize: '0.75rem', color: '#c92a2a' },
  addButton: { font: 'inherit', borderRadius: '4px', cursor: 'pointer', alignSelf: 'flex-start', padding: '0.3rem 0.7rem', border: '1px solid #1c7ed6', background: '#e7f1fb', color: '#124e86' },
  removeButton: { font: 'inherit', borderRadius: '4px', cursor: 'pointer', alignSelf: 'flex-end', padding: '0.15rem 0.5rem', border: '1px solid #d0d4da', background: '#fff', color: '#a61e1e', fontSize: '0.75rem' },
  summary: { margin: '0.25rem 0 0', padding: '0.35rem 0.5rem', borderRadius: '4px', background: '#f1f3f5', fontSize: '0.8rem' },
};
