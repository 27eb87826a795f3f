'use client';
/**
 * The generated param form. Each text field keeps what the user typed and applies it only when they finish (leave
 * the field or press Enter), and only if the node's schema accepts it — so typing "1e-9" never applies the "1" on
 * the way. An invalid draft stays in the field with the reason beside it and is a problem (listed in Problems,
 * blocks Run) until fixed; it is never applied or saved.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { invalidDraftOf, useDraftStore } from '@/app/state/draftStore';
import { optionLabel } from '@/app/lib/nodeStyle';
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
  // An invalid draft left earlier (inspector closed meanwhile) comes back: it was never applied.
  const [draft, setDraft] = useState<string | null>(() => invalidDraftOf(node.id, field.key)?.text ?? null);
  const [draftError, setDraftError] = useState<string | null>(() => invalidDraftOf(node.id, field.key)?.message ?? null);
  const inputRef = useRef<HTMLInputElement & HTMLTextAreaElement & HTMLSelectElement>(null);
  const pending = useRef<{ value: unknown } | null>(null);

  // A change from elsewhere (undo, another field's cross-check) resets the draft unless the user is typing here.
  // Not on mount: a draft brought back from the store must stay until the stored value really changes.
  const lastStored = useRef(stored);
  useEffect(() => {
    if (Object.is(lastStored.current, stored)) return;
    lastStored.current = stored;
    if (typeof document !== 'undefined' && document.activeElement === inputRef.current) return;
    if (pending.current) return;
    setDraft(null);
    setDraftError(null);
    useDraftStore.getState().clear(node.id, field.key);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new stored value resets the draft
  }, [stored]);

  /** Check a candidate raw value for this field: the parsed value when the schema accepts it, else the reason. */
  const check = (raw: unknown): { ok: true; value: unknown } | { ok: false; message: string } => {
    let candidate = raw;
    if (field.kind === 'json' && typeof raw === 'string') {
      try {
        candidate = JSON.parse(raw);
      } catch {
        return { ok: false, message: `${field.title}: not valid JSON.` };
      }
    }
    if ((field.kind === 'number' || field.kind === 'integer') && typeof raw === 'string') {
      // An empty or unparsable number must not become 0 or NaN on the way.
      if (raw.trim() === '' || !Number.isFinite(Number(raw))) return { ok: false, message: 'Enter a number.' };
      candidate = Number(raw);
    }
    const parsed = parseNodeParams(def, { ...node.params, [field.key]: candidate });
    const err = parsed.errors.find((e) => e.param === field.key);
    if (err) return { ok: false, message: err.message };
    return { ok: true, value: parsed.params[field.key as keyof typeof parsed.params] };
  };

  /** Typing: remember the draft; record (or clear) it as a problem; apply nothing yet. */
  const onDraft = (text: string) => {
    setDraft(text);
    const r = check(text);
    if (r.ok) {
      setDraftError(null);
      pending.current = { value: r.value };
      useDraftStore.getState().clear(node.id, field.key);
    } else {
      setDraftError(r.message);
      pending.current = null;
      useDraftStore.getState().setInvalid({ nodeId: node.id, param: field.key, title: field.title, text, message: r.message });
    }
  };

  /** Finished typing (blur / Enter / inspector closing): apply a valid draft. */
  const finish = () => {
    const p = pending.current;
    pending.current = null;
    if (p) onCommit(field.key, p.value);
  };
  const finishRef = useRef(finish);
  finishRef.current = finish;
  useEffect(() => () => finishRef.current(), []);

  /** Immediate controls (checkbox, select) have no intermediate states: apply at once when valid. */
  const tryValue = (raw: unknown) => {
    const r = check(raw);
    if (!r.ok) {
      setDraftError(r.message);
      return;
    }
    setDraftError(null);
    onCommit(field.key, r.value);
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
            {optionLabel(node.type, field.key, o)}
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
        onChange={(e) => onDraft(e.target.value)}
        onBlur={() => {
          finish();
          if (!draftError) setDraft(null);
          onBlur();
        }}
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
        onChange={(e) => onDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') finish();
        }}
        onBlur={() => {
          // A valid draft goes into the graph now and the stored value shows from here on. An invalid one stays.
          finish();
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
