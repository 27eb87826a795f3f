'use client';
/**
 * The generated param form. Each field keeps what the user typed; only values that pass the node's schema are
 * committed to the graph (one undo step per typing burst). Invalid text stays in the field with the reason beside it.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { GraphNode } from '@/nodes/core/graph';
import type { NodeDefinition } from '@/nodes/core/types';
import { parseNodeParams, type ParamField } from '@/nodes/core/params';

function toText(field: ParamField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field.kind === 'json') return JSON.stringify(value, null, 2);
  return String(value);
}

function formatDefault(field: ParamField): string | null {
  if (field.default === undefined) return null;
  if (field.kind === 'boolean') return field.default ? 'on' : 'off';
  if (field.kind === 'json') return null;
  const s = String(field.default);
  return s === '' ? '(empty)' : s;
}

interface FieldProps {
  field: ParamField;
  node: GraphNode;
  def: NodeDefinition;
  /** Error for the stored value (from parsing the node's params). */
  storedError: string | undefined;
  readOnly: boolean;
  onCommit(key: string, value: unknown): void;
  onBlur(): void;
}

function ParamInput({ field, node, def, storedError, readOnly, onCommit, onBlur }: FieldProps) {
  const id = useId();
  const stored = node.params[field.key] ?? field.default;
  const [draft, setDraft] = useState<string | null>(null);
  const [draftError, setDraftError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement & HTMLTextAreaElement & HTMLSelectElement>(null);

  // A change from elsewhere (undo, another field's cross-check) resets the draft unless the user is typing here.
  useEffect(() => {
    if (typeof document !== 'undefined' && document.activeElement === inputRef.current) return;
    setDraft(null);
    setDraftError(null);
  }, [stored]);

  /** Validate a candidate raw value for this field; commit it when valid. */
  const tryValue = (raw: unknown) => {
    let candidate = raw;
    if (field.kind === 'json' && typeof raw === 'string') {
      try {
        candidate = JSON.parse(raw);
      } catch {
        setDraftError(`${field.title}: not valid JSON.`);
        return;
      }
    }
    const parsed = parseNodeParams(def, { ...node.params, [field.key]: candidate });
    const err = parsed.errors.find((e) => e.param === field.key);
    if (err) {
      setDraftError(err.message);
      return;
    }
    setDraftError(null);
    onCommit(field.key, parsed.params[field.key as keyof typeof parsed.params]);
  };

  const error = draftError ?? (draft === null ? storedError : undefined);
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const describedBy = [field.description || formatDefault(field) ? helpId : null, error ? errId : null].filter(Boolean).join(' ') || undefined;
  const range =
    field.min !== undefined && field.max !== undefined
      ? `${field.min} – ${field.max}`
      : field.min !== undefined
        ? `≥ ${field.min}`
        : field.max !== undefined
          ? `≤ ${field.max}`
          : null;
  const def0 = formatDefault(field);

  let control;
  if (field.kind === 'boolean') {
    control = (
      <input
        ref={inputRef}
        id={id}
        type="checkbox"
        className="field-checkbox"
        checked={stored === true}
        disabled={readOnly}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        onChange={(e) => tryValue(e.target.checked)}
      />
    );
  } else if (field.kind === 'enum') {
    const options = field.options ?? [];
    const index = options.findIndex((o) => o === stored);
    control = (
      <select
        ref={inputRef}
        id={id}
        className="field-input"
        value={index >= 0 ? String(index) : ''}
        disabled={readOnly}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        onChange={(e) => tryValue(options[Number(e.target.value)])}
      >
        {index < 0 && <option value="">{String(stored ?? '')} (invalid)</option>}
        {options.map((o, i) => (
          <option key={i} value={String(i)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'json') {
    control = (
      <textarea
        ref={inputRef}
        id={id}
        className="field-input field-json"
        rows={4}
        spellCheck={false}
        value={draft ?? toText(field, stored)}
        readOnly={readOnly}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          tryValue(e.target.value);
        }}
        onBlur={onBlur}
      />
    );
  } else {
    const numeric = field.kind === 'number' || field.kind === 'integer';
    control = (
      <input
        ref={inputRef}
        id={id}
        className="field-input"
        type={numeric ? 'number' : 'text'}
        inputMode={numeric ? (field.kind === 'integer' ? 'numeric' : 'decimal') : undefined}
        step={numeric ? (field.step ?? (field.kind === 'integer' ? 1 : 'any')) : undefined}
        min={numeric ? field.min : undefined}
        max={numeric ? field.max : undefined}
        value={draft ?? toText(field, stored)}
        readOnly={readOnly}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          tryValue(e.target.value);
        }}
        onBlur={() => {
          // A valid draft is in the graph now: show the stored value from here on. An invalid one stays visible.
          if (!draftError) setDraft(null);
          onBlur();
        }}
      />
    );
  }

  return (
    <div className={`field${field.kind === 'boolean' ? ' field-bool' : ''}${error ? ' field-has-error' : ''}`}>
      <label htmlFor={id} className="field-label">
        {field.title}
      </label>
      {control}
      {(field.description || def0 || range) && (
        <p id={helpId} className="field-help">
          {field.description}
          {(def0 || range) && (
            <span className="field-meta">
              {def0 !== null && ` Default: ${def0}.`}
              {range && ` Range: ${range}.`}
            </span>
          )}
        </p>
      )}
      {error && (
        <p id={errId} className="field-error" role="alert">
          {error}
          {draftError && ' Not applied until fixed.'}
        </p>
      )}
    </div>
  );
}

export function ParamForm({
  node,
  def,
  fields,
  readOnly,
  onCommit,
  onBlur,
}: {
  node: GraphNode;
  def: NodeDefinition;
  fields: ParamField[];
  readOnly: boolean;
  onCommit(key: string, value: unknown): void;
  onBlur(): void;
}) {
  const storedErrors = new Map(parseNodeParams(def, node.params).errors.map((e) => [e.param, e.message]));
  if (fields.length === 0) return <p className="muted">This node has no settings.</p>;
  return (
    <div className="param-form">
      {fields.map((f) => (
        <ParamInput
          key={`${node.id}:${f.key}`}
          field={f}
          node={node}
          def={def}
          storedError={storedErrors.get(f.key)}
          readOnly={readOnly}
          onCommit={onCommit}
          onBlur={onBlur}
        />
      ))}
    </div>
  );
}
