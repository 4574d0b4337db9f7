import { queryOptions, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { MockServer } from '../../protocol';
import {
  adminCall,
  describeFault,
  emptyFaultForm,
  FAULT_PRESETS,
  FAULT_TARGET_LABELS,
  type FaultFormValues,
  type FaultRuleInput,
  faultFromForm,
  faultsBody,
  type Send,
} from './console-model';
import { useConsoleReporter } from './console-outcomes';
import { fieldErrors, validSubmit } from './field-errors';
import { ServerPanel } from './server-panel.tsx';
import { serverKeys, useServerChange } from './server-queries';

const send: Send = (request) => fetch(request);

const FAULT_KIND_LABELS: Record<FaultFormValues['kind'], string> = {
  status: 'An error status',
  delay: 'A delay',
  drop: 'A dropped connection',
};

/** A select's options from its values' labels. */
const optionsOf = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels).map(([value, label]) => (
    <option key={value} value={value}>
      {label}
    </option>
  ));

function faultsQueryOptions(server: MockServer) {
  return queryOptions({
    queryKey: [...serverKeys.all, 'faults'],
    queryFn: async () => server.admin.faults(),
    // Counters go down as requests are faulted: follow them.
    refetchInterval: 1000,
  });
}

/**
 * Injected faults (`/__admin/faults`): the token endpoint, the API, introspection or revocation
 * answering an error, answering late, or dropping the connection, for the next n requests or at a
 * chance. What a resilient client is tested against; the request log marks each faulted answer.
 */
export function FaultsPanel({ server }: { server: MockServer }) {
  const { data, error } = useQuery(faultsQueryOptions(server));
  const report = useConsoleReporter();
  const ids = useId();
  const [form, setForm] = useState<FaultFormValues>(emptyFaultForm);
  const [errors, setErrors] = useState<Partial<Record<keyof FaultFormValues, string>>>({});
  const rules = data?.faults ?? [];
  const seed = data?.seed ?? 1;
  const put = useServerChange((body: unknown) => adminCall(server, send, 'PUT', '/faults', body));
  const clear = useServerChange(() => adminCall(server, send, 'DELETE', '/faults'));
  const busy = put.isPending || clear.isPending;
  const failure = put.error ?? clear.error;

  const add = (rule: FaultRuleInput) =>
    put.mutate(faultsBody(rules, rule, seed), {
      onSuccess: () => report('fault-injected', { ok: true, detail: describeFault(rule) }),
    });
  const set = <K extends keyof FaultFormValues>(key: K, value: FaultFormValues[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const { described, error: fieldError } = fieldErrors(ids, errors);
  const choice = <K extends 'target' | 'kind'>(key: K) => ({
    id: `${ids}-${key}`,
    className: 'input-compact console-input',
    value: form[key],
    onChange: (e: React.ChangeEvent<HTMLSelectElement>) =>
      set(key, e.target.value as FaultFormValues[K]),
  });
  const field = (key: keyof FaultFormValues) => ({
    ...described(key),
    className: 'input-compact console-input mono',
    value: form[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => set(key, e.target.value as never),
  });

  return (
    <ServerPanel
      name="faults"
      badge={
        <span className={`badge ${rules.length > 0 ? 'badge--warning' : ''}`}>
          {rules.length === 0 ? 'none' : rules.length}
        </span>
      }
    >
      <div className="card__body faults">
        {error && <p className="panel-error">{error.message}</p>}
        {failure && (
          <p className="panel-error" role="alert">
            {failure.message}
          </p>
        )}
        {rules.length === 0 ? (
          <p className="muted">No faults: every request is served.</p>
        ) : (
          <ul className="faults__list" aria-label="Injected faults">
            {rules.map((rule, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced whole, never reordered
              <li key={index} className="faults__rule">
                <span>{describeFault(rule)}</span>
                <span className="muted"> · fired {rule.fired}</span>
              </li>
            ))}
          </ul>
        )}
        <div className="console-buttons">
          {FAULT_PRESETS.map((preset) => (
            <button
              key={preset.label}
              type="button"
              className="btn btn--small"
              disabled={busy}
              onClick={() => add(preset.rule)}
            >
              {preset.label}
            </button>
          ))}
          <button
            type="button"
            className="btn btn--small btn--ghost btn--danger"
            disabled={busy || rules.length === 0}
            onClick={() => clear.mutate(undefined)}
          >
            Clear faults
          </button>
        </div>
        <form
          className="inset console-form"
          aria-label="Add a fault"
          onSubmit={validSubmit(
            () => faultFromForm(form),
            setErrors,
            (parsed) => {
              setErrors({});
              add(parsed.rule);
            },
          )}
        >
          <div className="console-form__grid faults__grid">
            <div className="console-field">
              <label htmlFor={`${ids}-target`}>Where</label>
              <select {...choice('target')}>{optionsOf(FAULT_TARGET_LABELS)}</select>
            </div>
            <div className="console-field">
              <label htmlFor={`${ids}-kind`}>What</label>
              <select {...choice('kind')}>{optionsOf(FAULT_KIND_LABELS)}</select>
            </div>
            {form.kind === 'status' && (
              <>
                <div className="console-field">
                  <label htmlFor={`${ids}-status`}>Status</label>
                  <input {...field('status')} inputMode="numeric" />
                  {fieldError('status')}
                </div>
                <div className="console-field">
                  <label htmlFor={`${ids}-retryAfter`}>Retry-After (s)</label>
                  <input {...field('retryAfter')} inputMode="numeric" />
                  {fieldError('retryAfter')}
                </div>
              </>
            )}
            {form.kind === 'delay' && (
              <div className="console-field">
                <label htmlFor={`${ids}-delayMs`}>Delay (ms)</label>
                <input {...field('delayMs')} inputMode="numeric" />
                {fieldError('delayMs')}
              </div>
            )}
            <div className="console-field">
              <label htmlFor={`${ids}-count`}>For the next n requests</label>
              <input {...field('count')} inputMode="numeric" placeholder="every request" />
              {fieldError('count')}
            </div>
            <div className="console-field">
              <label htmlFor={`${ids}-percent`}>At a chance (%)</label>
              <input {...field('percent')} inputMode="decimal" placeholder="always" />
              {fieldError('percent')}
            </div>
          </div>
          <div className="console-form__actions">
            <button type="submit" className="btn btn--small btn--primary" disabled={busy}>
              Add fault
            </button>
            <span className="muted faults__seed">
              Chances are drawn from a seeded random (seed {seed}): the same faults replay the same
              way.
            </span>
          </div>
        </form>
      </div>
    </ServerPanel>
  );
}
