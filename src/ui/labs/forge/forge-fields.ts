import { formatFieldValue, parseFieldValue } from '../../../client/forge.ts';

/** One editable field: its name and the text the learner typed for its value. */
export interface FieldRow {
  key: number;
  name: string;
  value: string;
}

let nextKey = 1;

/** A fresh row key: React tells rows apart by it while names are being typed. */
export function newRowKey(): number {
  return nextKey++;
}

export function rowsFrom(object: Record<string, unknown>): FieldRow[] {
  return Object.entries(object).map(([name, value]) => ({
    key: newRowKey(),
    name,
    value: formatFieldValue(value),
  }));
}

/** The object the rows stand for, or the first problem with them. */
export function objectFrom(rows: FieldRow[], what: string): Record<string, unknown> | string {
  const out: Record<string, unknown> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (name === '') return `A ${what} field has no name: name it or remove it.`;
    if (name in out) return `The ${what} has ${name} twice: remove one.`;
    out[name] = parseFieldValue(row.value);
  }
  return out;
}
