import { useId, useState } from 'react';
import { describeRelative, formatUtc } from '../../../client/describe-time.ts';
import { parseFieldValue, parseJsonObject } from '../../../client/forge.ts';
import { type FieldRow, newRowKey, objectFrom, rowsFrom } from './forge-fields.ts';
import './forge-editor.css';

const TIME_FIELDS = new Set(['exp', 'nbf', 'iat']);
const HEADER_SUGGESTIONS = ['alg', 'typ', 'kid'] as const;

/**
 * A structured editor for a JOSE header or a claims set: one row per field (name, value), with
 * a raw JSON view of the same object. Values that look like JSON (numbers, arrays) are JSON.
 */
export function FieldEditor({
  title,
  what,
  rows,
  onChange,
  now,
  suggestions,
}: {
  title: string;
  what: 'header' | 'payload';
  rows: FieldRow[];
  onChange(rows: FieldRow[]): void;
  now: number | undefined;
  suggestions: readonly string[];
}) {
  const id = useId();
  const [raw, setRaw] = useState<string | undefined>(undefined);
  const [rawError, setRawError] = useState<string | undefined>(undefined);
  const current = objectFrom(rows, what);
  const missing = suggestions.filter((s) => !rows.some((r) => r.name.trim() === s));

  const update = (key: number, change: Partial<FieldRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));

  return (
    <fieldset className={`forge-fields forge-fields--${what}`}>
      <legend className="forge-fields__legend">
        <span>{title}</span>
        <button
          type="button"
          className="btn btn--small btn--ghost"
          aria-pressed={raw !== undefined}
          onClick={() => {
            if (raw === undefined) {
              setRaw(JSON.stringify(typeof current === 'string' ? {} : current, null, 2));
              setRawError(undefined);
            } else {
              setRaw(undefined);
            }
          }}
        >
          {raw === undefined ? `Edit ${what} as JSON` : 'Back to fields'}
        </button>
      </legend>
      {raw !== undefined ? (
        <>
          <label className="visually-hidden" htmlFor={`${id}-raw`}>
            {title} as JSON
          </label>
          <textarea
            id={`${id}-raw`}
            className="input-compact forge-raw mono"
            spellCheck={false}
            rows={Math.min(14, Math.max(4, raw.split('\n').length + 1))}
            value={raw}
            aria-invalid={rawError !== undefined}
            aria-describedby={rawError ? `${id}-raw-error` : undefined}
            onChange={(event) => {
              const text = event.target.value;
              setRaw(text);
              try {
                onChange(rowsFrom(parseJsonObject(text, what)));
                setRawError(undefined);
              } catch (error) {
                setRawError(error instanceof Error ? error.message : String(error));
              }
            }}
          />
          {rawError && (
            <p id={`${id}-raw-error`} className="forge-error" role="alert">
              {rawError} The fields keep the last valid JSON.
            </p>
          )}
        </>
      ) : (
        <>
          <ul className="forge-rows">
            {rows.map((row) => {
              const value = parseFieldValue(row.value);
              const hint =
                TIME_FIELDS.has(row.name) && typeof value === 'number' && now !== undefined
                  ? `${formatUtc(value)} (${describeRelative(value, now)})`
                  : undefined;
              return (
                <li key={row.key} className="forge-row">
                  <input
                    className="input-compact forge-input forge-input--name mono"
                    aria-label={`${what} field name`}
                    value={row.name}
                    spellCheck={false}
                    onChange={(e) => update(row.key, { name: e.target.value })}
                  />
                  <input
                    className="input-compact forge-input mono"
                    aria-label={`${what} ${row.name || 'field'} value`}
                    value={row.value}
                    spellCheck={false}
                    onChange={(e) => update(row.key, { value: e.target.value })}
                  />
                  <button
                    type="button"
                    className="btn btn--small btn--ghost btn--icon"
                    aria-label={`Remove ${what} field ${row.name}`}
                    title={`Remove ${row.name}`}
                    onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
                  >
                    ×
                  </button>
                  {hint && <span className="forge-row__hint muted">{hint}</span>}
                </li>
              );
            })}
          </ul>
          <div className="forge-fields__add">
            <button
              type="button"
              className="btn btn--small"
              onClick={() => onChange([...rows, { key: newRowKey(), name: '', value: '' }])}
            >
              Add a {what} field
            </button>
            {missing.map((name) => (
              <button
                key={name}
                type="button"
                className="btn btn--small btn--ghost mono"
                aria-label={`Add ${what} field ${name}`}
                onClick={() => onChange([...rows, { key: newRowKey(), name, value: '' }])}
              >
                + {name}
              </button>
            ))}
          </div>
          {typeof current === 'string' && (
            <p className="forge-error" role="alert">
              {current}
            </p>
          )}
        </>
      )}
    </fieldset>
  );
}

/** A JWT's header and claims side by side, a `FieldEditor` each (the forge, the assertion lab). */
export function HeaderAndClaims({
  headerRows,
  payloadRows,
  onHeaderChange,
  onPayloadChange,
  now,
  claimSuggestions,
}: {
  headerRows: FieldRow[];
  payloadRows: FieldRow[];
  onHeaderChange(rows: FieldRow[]): void;
  onPayloadChange(rows: FieldRow[]): void;
  now: number | undefined;
  claimSuggestions: readonly string[];
}) {
  return (
    <div className="forge-editors">
      {(
        [
          ['Header', 'header', headerRows, onHeaderChange, HEADER_SUGGESTIONS],
          ['Claims', 'payload', payloadRows, onPayloadChange, claimSuggestions],
        ] as const
      ).map(([title, what, rows, onChange, suggestions]) => (
        <FieldEditor
          key={what}
          title={title}
          what={what}
          rows={rows}
          onChange={onChange}
          now={now}
          suggestions={suggestions}
        />
      ))}
    </div>
  );
}
