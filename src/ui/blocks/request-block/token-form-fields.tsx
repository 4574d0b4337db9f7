import { useEffect, useId, useState } from 'react';
import {
  type ClientAuthMethod,
  clientAuthMethods,
  type TokenRequestForm,
} from '../../../client/token-request.ts';
import type { ClientView } from '../../../protocol/index.ts';
import { Checkbox } from '../../shared/checkbox.tsx';
import { RadioOptions } from '../../shared/radio-options.tsx';
import { AUTH_METHOD_LABELS, KNOWN_SCOPES } from './token-form.ts';

const CUSTOM = '__custom__';

function splitScopes(text: string): string[] {
  return text.split(/\s+/).filter((s) => s !== '');
}

/**
 * The request builder's fields for a token request. Every change goes straight back into the raw
 * request; when the raw request is something the form cannot show, the fields are disabled and
 * `blockedReason` says why.
 */
export function TokenFormFields({
  form,
  clients,
  onChange,
  blockedReason,
}: {
  form: TokenRequestForm;
  /** The servers' clients; undefined while they start (the picker offers the current one). */
  clients: readonly ClientView[] | undefined;
  onChange: (form: TokenRequestForm) => void;
  blockedReason?: string | undefined;
}) {
  const id = useId();
  // A client with federated credentials authenticates with its platform's token, which this
  // builder cannot make: it is not offered.
  const known = (clients ?? []).filter((c) => c.token_endpoint_auth_method !== 'workload_identity');
  const seeded = known.find((c) => c.client_id === form.clientId);
  const extraScopes = form.scope.filter((s) => !(KNOWN_SCOPES as readonly string[]).includes(s));
  const extraJoined = extraScopes.join(' ');
  // The text box keeps what is typed (a trailing space, say) until the scopes really differ.
  const [extraText, setExtraText] = useState(extraJoined);
  useEffect(() => {
    setExtraText((text) => (splitScopes(text).join(' ') === extraJoined ? text : extraJoined));
  }, [extraJoined]);
  const set = (patch: Partial<TokenRequestForm>) => onChange({ ...form, ...patch });

  const pickClient = (value: string) => {
    if (value === CUSTOM) {
      set({ clientId: '', clientSecret: '' });
      return;
    }
    const client = known.find((c) => c.client_id === value);
    if (!client) return;
    const authMethod: ClientAuthMethod =
      client.token_endpoint_auth_method === 'private_key_jwt'
        ? 'private_key_jwt'
        : form.authMethod === 'private_key_jwt'
          ? 'client_secret_post'
          : form.authMethod;
    set({ clientId: client.client_id, clientSecret: client.client_secret ?? '', authMethod });
  };

  const toggleScope = (scope: string, on: boolean) => {
    const next = form.scope.filter((s) => s !== scope);
    if (on) next.push(scope);
    // Keep the known scopes in a stable order, then whatever else was typed.
    set({
      scope: [
        ...KNOWN_SCOPES.filter((s) => next.includes(s)),
        ...next.filter((s) => !(KNOWN_SCOPES as readonly string[]).includes(s)),
      ],
    });
  };

  return (
    <fieldset className="token-form" disabled={blockedReason !== undefined}>
      <legend className="visually-hidden">Token request builder</legend>
      {blockedReason ? (
        <p className="notice notice--warning" id={`${id}-blocked`}>
          The builder cannot show this request: {blockedReason} Edit the raw request below, or press
          “Reset request”.
        </p>
      ) : null}
      <div className="token-form__grid">
        <label className="field">
          <span className="field__label">Client</span>
          <select
            className="input"
            value={seeded ? seeded.client_id : clients ? CUSTOM : form.clientId || CUSTOM}
            onChange={(e) => pickClient(e.target.value)}
          >
            {clients === undefined && form.clientId !== '' ? (
              // The servers are still starting: the registered clients are not known yet.
              <option value={form.clientId}>{form.clientId}</option>
            ) : null}
            {known.map((c) => (
              <option key={c.client_id} value={c.client_id}>
                {c.client_id}
              </option>
            ))}
            <option value={CUSTOM}>Custom…</option>
          </select>
        </label>
        <ParamField
          name="client_id"
          value={form.clientId}
          onChange={(clientId) => set({ clientId })}
        />
        {form.authMethod !== 'private_key_jwt' ? (
          <ParamField
            name="client_secret"
            value={form.clientSecret}
            onChange={(clientSecret) => set({ clientSecret })}
          />
        ) : (
          <p className="field field--note">
            <span className="field__label">Assertion</span>
            <span className="muted">
              Signed in this page with the client’s private key on each Send.
            </span>
          </p>
        )}
        <ParamField
          name="audience"
          optional
          value={form.audience ?? ''}
          placeholder="https://api.example.com"
          onChange={(audience) => {
            const { audience: _, ...rest } = form;
            onChange(audience === '' ? rest : { ...rest, audience });
          }}
        />
      </div>
      <fieldset className="token-form__group">
        <legend className="field__label">Client authentication</legend>
        <div className="segmented">
          <RadioOptions
            className="segmented__option"
            name={`${id}-auth`}
            options={clientAuthMethods}
            label={(method) => AUTH_METHOD_LABELS[method]}
            value={form.authMethod}
            onChange={(method) => set({ authMethod: method })}
          />
        </div>
      </fieldset>
      <fieldset className="token-form__group">
        <legend className="field__label">
          <code>scope</code>
        </legend>
        <div className="token-form__scopes">
          {KNOWN_SCOPES.map((scope) => (
            <Checkbox
              key={scope}
              className="check"
              checked={form.scope.includes(scope)}
              onChange={(on) => toggleScope(scope, on)}
            >
              <code>{scope}</code>
            </Checkbox>
          ))}
          <label className="field field--inline">
            <span className="field__label">Other scopes</span>
            <input
              className="input mono"
              value={extraText}
              placeholder="space separated"
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => {
                setExtraText(e.target.value);
                set({
                  scope: [
                    ...form.scope.filter((s) => (KNOWN_SCOPES as readonly string[]).includes(s)),
                    ...splitScopes(e.target.value),
                  ],
                });
              }}
            />
          </label>
        </div>
      </fieldset>
    </fieldset>
  );
}

/** A text field for one request parameter, labelled by its name as it goes on the wire. */
function ParamField({
  name,
  optional = false,
  value,
  placeholder,
  onChange,
}: {
  name: string;
  optional?: boolean;
  value: string;
  placeholder?: string;
  onChange(value: string): void;
}) {
  return (
    <label className="field">
      <span className="field__label">
        <code>{name}</code>
        {optional ? <span className="muted"> (optional)</span> : null}
      </span>
      <input
        className="input mono"
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
