import { useId, useState } from 'react';
import { RadioOptions } from '../shared/radio-options.tsx';
import {
  type ClientFormErrors,
  type ClientFormValues,
  clientBodyFromForm,
  newPublicJwks,
  newSecret,
} from './console-model';
import { fieldErrors, validSubmit } from './field-errors';

/** The form's fields typed as text. */
type TextField =
  | 'id'
  | 'secret'
  | 'secret2'
  | 'federated'
  | 'jwks'
  | 'scopes'
  | 'ttl'
  | 'rateLimit';

const CREDENTIALS: readonly ClientFormValues['credential'][] = ['secret', 'jwks', 'federated'];
const CREDENTIAL_LABELS: Record<ClientFormValues['credential'], string> = {
  secret: 'Secret',
  jwks: 'Public keys (private_key_jwt)',
  federated: 'Federated credentials (no secret)',
};

/**
 * Add or edit a client. Field errors show as the learner saves; what the core says when it
 * refuses the client shows under the form, word for word.
 */
export function ClientForm({
  initial,
  editing,
  saving,
  serverError,
  federatedExample,
  onSave,
  onCancel,
  onRevokeTokens,
}: {
  initial: ClientFormValues;
  /** Editing an existing client: its id is fixed. */
  editing: boolean;
  saving: boolean;
  serverError: string | undefined;
  /** What the federated-credentials field starts with for a client that has none yet. */
  federatedExample: (clientId: string) => string;
  onSave(id: string, body: Record<string, unknown>): void;
  onCancel(): void;
  /** Revoke every token the (saved) client holds; answers what to tell the learner. */
  onRevokeTokens?: () => Promise<string>;
}) {
  const ids = useId();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<ClientFormErrors>({});
  const [revokeNote, setRevokeNote] = useState<string>();
  const [revoking, setRevoking] = useState(false);
  const set = <K extends keyof ClientFormValues>(key: K, value: ClientFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const { described: field, error } = fieldErrors(ids, errors);
  /** A text field's props: its id and error wiring, its value, and typing into it. */
  const text = (key: TextField, mono = true) => ({
    ...field(key),
    className: `input-compact console-input${mono ? ' mono' : ''}`,
    value: values[key],
    spellCheck: false,
    autoComplete: 'off',
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      set(key, e.target.value),
  });

  return (
    <form
      className="inset console-form"
      aria-label={editing ? `Edit client ${initial.id}` : 'Add a client'}
      noValidate
      onSubmit={validSubmit(
        () => clientBodyFromForm(values),
        setErrors,
        (parsed) => onSave(parsed.id, parsed.body),
      )}
    >
      <div className="console-form__grid">
        <div className="console-field">
          <label htmlFor={`${ids}-id`}>Client ID</label>
          <input {...text('id')} readOnly={editing} />
          {error('id')}
        </div>
        <fieldset className="console-field console-field--choice">
          <legend>Credentials</legend>
          <RadioOptions
            name={`${ids}-credential`}
            options={CREDENTIALS}
            label={(c) => CREDENTIAL_LABELS[c]}
            value={values.credential}
            onChange={(c) => {
              set('credential', c);
              if (c === 'federated' && values.federated === '')
                set('federated', federatedExample(values.id));
            }}
          />
        </fieldset>
        {values.credential === 'secret' ? (
          <div className="console-field console-field--wide console-secrets">
            <div className="console-field">
              <label htmlFor={`${ids}-secret`}>
                {values.secret2 === '' ? 'Client secret' : 'Secret 1 (the old one)'}
              </label>
              <input {...text('secret')} />
              {error('secret')}
            </div>
            {values.secret2 !== '' || errors.secret2 !== undefined ? (
              <div className="console-field">
                <label htmlFor={`${ids}-secret2`}>Secret 2 (the new one)</label>
                <input {...text('secret2')} />
                {error('secret2')}
              </div>
            ) : null}
            <div className="console-secrets__actions">
              {values.secret2 === '' ? (
                <button
                  type="button"
                  className="btn btn--small btn--ghost"
                  onClick={() => set('secret2', newSecret())}
                >
                  Add a second secret
                </button>
              ) : (
                <button
                  type="button"
                  className="btn btn--small btn--ghost"
                  onClick={() => {
                    setValues((v) => ({ ...v, secret: v.secret2, secret2: '' }));
                    setErrors((e) => ({ ...e, secret: undefined, secret2: undefined }));
                  }}
                >
                  Drop the old secret
                </button>
              )}
              <span className="muted console-secrets__hint">
                {values.secret2 === ''
                  ? 'Rotating? Add the new secret beside the old one, save, and deploy it before you drop the old one.'
                  : 'Either secret works once saved. Drop the old one only when nothing uses it.'}
              </span>
            </div>
          </div>
        ) : values.credential === 'federated' ? (
          <div className="console-field console-field--wide">
            <label htmlFor={`${ids}-federated`}>
              Federated credentials (a workload token whose iss, sub and aud equal one of these
              authenticates the client)
            </label>
            <textarea {...text('federated')} rows={6} />
            {error('federated')}
          </div>
        ) : (
          <div className="console-field console-field--wide">
            <label htmlFor={`${ids}-jwks`}>JWKS (public keys only)</label>
            <textarea
              {...text('jwks')}
              rows={4}
              placeholder='{"keys": [{"kty": "EC", "crv": "P-256", "x": "…", "y": "…"}]}'
            />
            {error('jwks')}
            <button
              type="button"
              className="btn btn--small btn--ghost console-field__helper"
              onClick={() => {
                void newPublicJwks().then((jwks) => set('jwks', jwks));
              }}
            >
              Make a new public key
            </button>
          </div>
        )}
        <div className="console-field console-field--wide">
          <label htmlFor={`${ids}-scopes`}>Allowed scopes (space-separated)</label>
          <input {...text('scopes')} />
          {error('scopes')}
        </div>
        <div className="console-field">
          <label htmlFor={`${ids}-format`}>Token format</label>
          <select
            id={`${ids}-format`}
            className="input-compact console-input"
            value={values.tokenFormat}
            onChange={(e) => set('tokenFormat', e.target.value === 'opaque' ? 'opaque' : 'jwt')}
          >
            <option value="jwt">JWT</option>
            <option value="opaque">opaque</option>
          </select>
        </div>
        <div className="console-field">
          <label htmlFor={`${ids}-ttl`}>Token lifetime (seconds)</label>
          <input {...text('ttl', false)} inputMode="numeric" />
          {error('ttl')}
        </div>
        <div className="console-field">
          <label htmlFor={`${ids}-rateLimit`}>Rate limit (token requests a minute)</label>
          <input {...text('rateLimit', false)} inputMode="numeric" placeholder="none" />
          {error('rateLimit')}
        </div>
      </div>
      {serverError && (
        <p className="callout callout--danger console-form__server-error" role="alert">
          <strong>The server refused it: </strong>
          {serverError}
        </p>
      )}
      <div className="console-form__actions">
        <button type="submit" className="btn btn--primary btn--small" disabled={saving}>
          {saving ? 'Saving…' : editing ? 'Save client' : 'Add client'}
        </button>
        <button type="button" className="btn btn--small btn--ghost" onClick={onCancel}>
          Cancel
        </button>
        {editing && onRevokeTokens ? (
          <button
            type="button"
            className="btn btn--small btn--ghost btn--danger console-form__revoke"
            disabled={revoking}
            onClick={() => {
              setRevoking(true);
              onRevokeTokens()
                .then(setRevokeNote, (e: unknown) =>
                  setRevokeNote(e instanceof Error ? e.message : String(e)),
                )
                .finally(() => setRevoking(false));
            }}
          >
            Revoke all its tokens
          </button>
        ) : null}
      </div>
      {revokeNote ? (
        <p className="console-notice" role="status">
          {revokeNote}
        </p>
      ) : null}
    </form>
  );
}
