'use client';
/**
 * Custom inspector section of the Hyperparameter Tune node: edits the search space (`dimensions`).
 * Each dimension picks a node (this node or any node upstream of it), one of its tunable params, then either a
 * list of values or a numeric range. Shows how many configurations a grid would have.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { InspectorProps } from '../ui/types';
import type { TuneDimension } from '../core/plan';
import type { ParamField } from '../core/params';
import {
  currentParamValue,
  defaultDimension,
  dimensionGraphProblem,
  formatValues,
  parseValuesText,
  searchableNodes,
  type SearchableNode,
} from './dimensions';
import { dimensionKey, dimensionProblem, expandDimension, type ParamValue } from './search';
import { S as styles } from './inspectorStyles';

export interface TuneInspectorParams {
  dimensions: TuneDimension[];
  strategy?: 'grid' | 'random' | 'halving';
  maxTrials?: number;
}

function isDimensionLike(d: unknown): d is TuneDimension {
  if (!d || typeof d !== 'object') return false;
  const x = d as Record<string, unknown>;
  return typeof x.nodeId === 'string' && typeof x.param === 'string';
}

function candidateCount(d: TuneDimension): number | null {
  try {
    return dimensionProblem(d) ? null : expandDimension(d).length;
  } catch {
    return null;
  }
}

function formatNumber(v: number): string {
  return String(Number(v.toPrecision(6)));
}

export default function TuneInspector({ node, params, onChange, graph, readOnly }: InspectorProps<TuneInspectorParams>) {
  // Read the raw stored list: one invalid entry makes the parsed params fall back to the default (empty) list,
  // which would hide every dimension instead of showing what needs fixing.
  const raw: unknown = Array.isArray(node.params.dimensions) ? node.params.dimensions : params.dimensions;
  const dimensions: TuneDimension[] = Array.isArray(raw) ? raw.filter(isDimensionLike) : [];
  const searchable = useMemo(() => searchableNodes(graph, node.id), [graph, node.id]);
  const headingId = useId();
  const addButtonRef = useRef<HTMLButtonElement>(null);

  const update = (index: number, next: TuneDimension) => {
    onChange({ dimensions: dimensions.map((d, i) => (i === index ? next : d)) });
  };
  const remove = (index: number) => {
    onChange({ dimensions: dimensions.filter((_, i) => i !== index) });
    addButtonRef.current?.focus();
  };

  /** First (node, param) pair not searched yet: this node's params first, then upstream nodes. */
  const nextFreeParam = (): { s: SearchableNode; field: ParamField } | null => {
    const used = new Set(dimensions.map(dimensionKey));
    for (const s of searchable) {
      for (const field of s.fields) {
        if (!used.has(dimensionKey({ nodeId: s.node.id, param: field.key }))) return { s, field };
      }
    }
    return null;
  };
  const free = nextFreeParam();
  const add = () => {
    if (!free) return;
    const d = defaultDimension(free.s.node.id, free.field, currentParamValue(free.s.node, free.field));
    onChange({ dimensions: [...dimensions, d] });
  };

  const counts = dimensions.map(candidateCount);
  const gridTotal = counts.every((c) => c !== null) ? counts.reduce<number>((a, c) => a * (c ?? 1), 1) : null;
  const keys = dimensions.map(dimensionKey);
  const maxTrials = typeof params.maxTrials === 'number' ? params.maxTrials : null;
  const hasContinuous = dimensions.some((d) => d.range && !d.range.integer);

  return (
    <section style={styles.root} aria-labelledby={headingId}>
      <h3 id={headingId} style={styles.heading}>
        Search space
      </h3>
      <p style={styles.help}>
        Pick what to vary. Each trial trains one combination; the best one by validation score wins and flows on to
        Evaluate.
      </p>
      {dimensions.length === 0 && (
        <p style={styles.empty}>No dimensions yet: the search would only train the current settings once.</p>
      )}
      <ol style={styles.list}>
        {dimensions.map((d, i) => (
          <li key={i} style={styles.dimension}>
            <DimensionEditor
              index={i}
              dimension={d}
              searchable={searchable}
              duplicate={keys.indexOf(keys[i]!) !== i}
              graphProblem={dimensionGraphProblem(graph, node.id, d)}
              readOnly={readOnly}
              onChange={(next) => update(i, next)}
              onRemove={() => remove(i)}
            />
          </li>
        ))}
      </ol>
      {!readOnly && (
        <button ref={addButtonRef} type="button" style={free ? styles.addButton : { ...styles.addButton, opacity: 0.5, cursor: 'not-allowed' }} onClick={add} disabled={!free}>
          Add search dimension
        </button>
      )}
      {!free && !readOnly && dimensions.length > 0 && (
        <p style={styles.help}>Every tunable parameter of the connected nodes is already in the search space.</p>
      )}
      <p style={styles.summary} role="status" aria-label="Grid size">
        {gridTotal === null
          ? 'Fix the dimensions above to see how many configurations the grid has.'
          : `Grid: ${gridTotal} configuration${gridTotal === 1 ? '' : 's'}`}
        {gridTotal !== null && maxTrials !== null && gridTotal > maxTrials && (params.strategy ?? 'grid') === 'grid'
          ? ` — only ${maxTrials} (Max trials), spread evenly over the grid, will run.`
          : gridTotal !== null
            ? '.'
            : ''}
        {hasContinuous && params.strategy === 'random' && ' Random search samples the ranges continuously.'}
      </p>
    </section>
  );
}

interface DimensionEditorProps {
  index: number;
  dimension: TuneDimension;
  searchable: SearchableNode[];
  duplicate: boolean;
  graphProblem: string | null;
  readOnly: boolean;
  onChange(next: TuneDimension): void;
  onRemove(): void;
}

function DimensionEditor({ index, dimension, searchable, duplicate, graphProblem, readOnly, onChange, onRemove }: DimensionEditorProps) {
  const id = useId();
  const n = index + 1;
  const target = searchable.find((s) => s.node.id === dimension.nodeId);
  const field = target?.fields.find((f) => f.key === dimension.param);
  const numeric = field ? field.kind === 'number' || field.kind === 'integer' : true;
  const mode: 'values' | 'range' = dimension.range ? 'range' : 'values';
  const count = candidateCount(dimension);
  const problem = duplicate ? 'This parameter is already searched above.' : (dimensionProblem(dimension) ?? graphProblem);

  const pickNode = (nodeId: string) => {
    const s = searchable.find((x) => x.node.id === nodeId);
    if (!s || s.fields.length === 0) return;
    const f = s.fields.find((x) => x.key === dimension.param) ?? s.fields[0]!;
    onChange(defaultDimension(s.node.id, f, currentParamValue(s.node, f)));
  };
  const pickParam = (key: string) => {
    const f = target?.fields.find((x) => x.key === key);
    if (!target || !f) return;
    onChange(defaultDimension(target.node.id, f, currentParamValue(target.node, f)));
  };
  const pickMode = (next: 'values' | 'range') => {
    if (next === mode) return;
    if (next === 'range') {
      const nums = (dimension.values ?? []).filter((v): v is number => typeof v === 'number');
      const min = nums.length ? Math.min(...nums) : (field?.min ?? 0);
      const max = nums.length ? Math.max(...nums) : (field?.max ?? 1);
      const log = field?.logScale === true && min > 0;
      onChange({
        nodeId: dimension.nodeId,
        param: dimension.param,
        range: { min, max, scale: log ? 'log' : 'linear', steps: Math.max(2, Math.min(nums.length || 3, 10)), ...(field?.kind === 'integer' ? { integer: true } : {}) },
      });
    } else {
      const values = candidateCount(dimension) !== null ? expandDimension(dimension) : [];
      onChange({ nodeId: dimension.nodeId, param: dimension.param, values });
    }
  };

  return (
    <fieldset style={styles.fieldset} aria-describedby={problem ? `${id}-problem` : undefined}>
      <legend style={styles.legend}>
        Dimension {n}
        {count !== null && <span style={styles.count}> · {count} value{count === 1 ? '' : 's'}</span>}
      </legend>
      <div style={styles.row}>
        <label style={styles.label} htmlFor={`${id}-node`}>
          Node
        </label>
        <select
          id={`${id}-node`}
          aria-label={`Dimension ${n} node`}
          style={styles.input}
          value={target ? dimension.nodeId : ''}
          disabled={readOnly}
          onChange={(e) => pickNode(e.target.value)}
        >
          {!target && <option value="">{dimension.nodeId || '(choose)'} — not connected</option>}
          {searchable.map((s) => (
            <option key={s.node.id} value={s.node.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div style={styles.row}>
        <label style={styles.label} htmlFor={`${id}-param`}>
          Parameter
        </label>
        <select
          id={`${id}-param`}
          aria-label={`Dimension ${n} parameter`}
          style={styles.input}
          value={field ? field.key : ''}
          disabled={readOnly || !target}
          onChange={(e) => pickParam(e.target.value)}
        >
          {!field && <option value="">{dimension.param || '(choose)'}</option>}
          {(target?.fields ?? []).map((f) => (
            <option key={f.key} value={f.key}>
              {f.title}
            </option>
          ))}
        </select>
      </div>
      {numeric && (
        <div style={styles.modeRow} role="radiogroup" aria-label={`Dimension ${n} values or range`}>
          <label style={styles.radio}>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'values'}
              disabled={readOnly}
              onChange={() => pickMode('values')}
              aria-label={`Dimension ${n}: list of values`}
            />
            List of values
          </label>
          <label style={styles.radio}>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'range'}
              disabled={readOnly}
              onChange={() => pickMode('range')}
              aria-label={`Dimension ${n}: range`}
            />
            Range
          </label>
        </div>
      )}
      {mode === 'values' && field && (field.kind === 'enum' || field.kind === 'boolean') ? (
        <OptionChecks index={n} field={field} values={dimension.values ?? []} readOnly={readOnly} onChange={(values) => onChange({ nodeId: dimension.nodeId, param: dimension.param, values })} />
      ) : mode === 'values' ? (
        <ValuesText index={n} field={field} values={dimension.values ?? []} readOnly={readOnly} onChange={(values) => onChange({ nodeId: dimension.nodeId, param: dimension.param, values })} />
      ) : (
        <RangeEditor index={n} field={field} dimension={dimension} readOnly={readOnly} onChange={onChange} />
      )}
      {count !== null && count > 0 && !problem && (
        <p style={styles.preview} aria-label={`Dimension ${n} candidate values`}>
          {mode === 'range' ? 'Grid values: ' : ''}
          {expandDimension(dimension)
            .slice(0, 12)
            .map((v) => (typeof v === 'number' ? formatNumber(v) : String(v)))
            .join(', ')}
          {count > 12 ? ', …' : ''}
        </p>
      )}
      {problem && (
        <p id={`${id}-problem`} style={styles.error} role="alert">
          {problem}
        </p>
      )}
      {!readOnly && (
        <button type="button" style={styles.removeButton} onClick={onRemove} aria-label={`Remove dimension ${n}`}>
          Remove
        </button>
      )}
    </fieldset>
  );
}

function OptionChecks({
  index,
  field,
  values,
  readOnly,
  onChange,
}: {
  index: number;
  field: ParamField;
  values: ParamValue[];
  readOnly: boolean;
  onChange(values: ParamValue[]): void;
}) {
  const options: ParamValue[] = field.kind === 'boolean' ? [true, false] : (field.options ?? []);
  const selected = new Set(values.map(String));
  const toggle = (option: ParamValue, on: boolean) => {
    // Keep the schema's option order so trials read consistently.
    onChange(options.filter((o) => (String(o) === String(option) ? on : selected.has(String(o)))));
  };
  return (
    <div style={styles.checks} role="group" aria-label={`Dimension ${index} values`}>
      {options.map((o) => (
        <label key={String(o)} style={styles.check}>
          <input type="checkbox" checked={selected.has(String(o))} disabled={readOnly} onChange={(e) => toggle(o, e.target.checked)} />
          {String(o)}
        </label>
      ))}
    </div>
  );
}

function ValuesText({
  index,
  field,
  values,
  readOnly,
  onChange,
}: {
  index: number;
  field: ParamField | undefined;
  values: ParamValue[];
  readOnly: boolean;
  onChange(values: ParamValue[]): void;
}) {
  const id = useId();
  const stored = formatValues(values);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLInputElement>(null);
  // Undo or another edit changed the values: show them unless the user is typing here.
  useEffect(() => {
    if (typeof document !== 'undefined' && document.activeElement === ref.current) return;
    setDraft(null);
    setError(null);
  }, [stored]);
  return (
    <div style={styles.row}>
      <label style={styles.label} htmlFor={id}>
        Values
      </label>
      <input
        ref={ref}
        id={id}
        style={styles.input}
        aria-label={`Dimension ${index} values (comma separated)`}
        aria-invalid={error ? true : undefined}
        placeholder="e.g. 0.001, 0.01, 0.1"
        value={draft ?? stored}
        readOnly={readOnly}
        onChange={(e) => {
          setDraft(e.target.value);
          const parsed = parseValuesText(e.target.value, field);
          setError(parsed.error);
          if (!parsed.error) onChange(parsed.values);
        }}
        onBlur={() => {
          if (!error) setDraft(null);
        }}
      />
      {error && (
        <p style={styles.error} role="alert">
          {error} Not applied until fixed.
        </p>
      )}
    </div>
  );
}

function NumberField({
  label,
  accessibleName,
  value,
  integer,
  min,
  readOnly,
  onValue,
}: {
  label: string;
  accessibleName: string;
  value: number;
  integer?: boolean;
  min?: number;
  readOnly: boolean;
  onValue(v: number): void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (typeof document !== 'undefined' && document.activeElement === ref.current) return;
    setDraft(null);
  }, [value]);
  const text = draft ?? String(value);
  const parsed = Number(text);
  const invalid = text.trim() === '' || !Number.isFinite(parsed) || (integer === true && !Number.isInteger(parsed));
  return (
    <div style={styles.rangeField}>
      <label style={styles.label} htmlFor={id}>
        {label}
      </label>
      <input
        ref={ref}
        id={id}
        type="number"
        step={integer ? 1 : 'any'}
        min={min}
        style={styles.input}
        aria-label={accessibleName}
        aria-invalid={invalid ? true : undefined}
        value={text}
        readOnly={readOnly}
        onChange={(e) => {
          setDraft(e.target.value);
          const v = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(v) && (!integer || Number.isInteger(v))) onValue(v);
        }}
        onBlur={() => {
          if (!invalid) setDraft(null);
        }}
      />
    </div>
  );
}

function RangeEditor({
  index,
  field,
  dimension,
  readOnly,
  onChange,
}: {
  index: number;
  field: ParamField | undefined;
  dimension: TuneDimension;
  readOnly: boolean;
  onChange(next: TuneDimension): void;
}) {
  const range = dimension.range!;
  const set = (patch: Partial<NonNullable<TuneDimension['range']>>) =>
    onChange({ nodeId: dimension.nodeId, param: dimension.param, range: { ...range, ...patch } });
  const integerParam = field?.kind === 'integer';
  return (
    <div style={styles.rangeGrid}>
      <NumberField label="Min" accessibleName={`Dimension ${index} minimum`} value={range.min} integer={integerParam} readOnly={readOnly} onValue={(min) => set({ min })} />
      <NumberField label="Max" accessibleName={`Dimension ${index} maximum`} value={range.max} integer={integerParam} readOnly={readOnly} onValue={(max) => set({ max })} />
      <div style={styles.rangeField}>
        <label style={styles.label} htmlFor={`scale-${dimension.nodeId}-${dimension.param}`}>
          Scale
        </label>
        <select
          id={`scale-${dimension.nodeId}-${dimension.param}`}
          style={styles.input}
          aria-label={`Dimension ${index} scale`}
          value={range.scale}
          disabled={readOnly}
          onChange={(e) => set({ scale: e.target.value === 'log' ? 'log' : 'linear' })}
        >
          <option value="linear">linear</option>
          <option value="log">log</option>
        </select>
      </div>
      <NumberField label="Steps" accessibleName={`Dimension ${index} steps`} value={range.steps} integer min={1} readOnly={readOnly} onValue={(steps) => set({ steps })} />
      {!integerParam && (
        <label style={styles.check}>
          <input
            type="checkbox"
            checked={range.integer === true}
            disabled={readOnly}
            onChange={(e) => set({ integer: e.target.checked || undefined })}
            aria-label={`Dimension ${index} whole numbers only`}
          />
          Whole numbers
        </label>
      )}
    </div>
  );
}
