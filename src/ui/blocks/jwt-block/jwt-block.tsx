import { useId, useMemo } from 'react';
import { describeExpiry, describeRelative, formatUtc } from '../../../client/describe-time.ts';
import {
  claimExplanations,
  inspectJwt,
  type JwtInspection,
  type VerifyStep,
} from '../../../client/index.ts';
import type { MockServer } from '../../../protocol/index.ts';
import type { BlockProps } from '../../shared/block-props.ts';
import { CardHeader } from '../../shared/card-header.tsx';
import { CheckList } from '../../shared/check-list.tsx';
import { useOptionalLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { useMockServerStatus } from '../../shared/mock-server-context.tsx';
import { useServerNow } from '../../shared/use-server-now.ts';
import { useTokenVerification } from './use-token-verification.ts';
import './jwt-block.css';

/**
 * The JWT inspector: a token in its three colour-coded parts, its header and claims explained in
 * plain words, and the resource API's checks run on it, step by step, against the issuer's JWKS.
 */
export function JwtBlockView({ block }: BlockProps<'jwt'>) {
  const runtime = useOptionalLessonRuntime();
  const variable = block.from ?? 'access_token';
  // The token a request above saved, kept when a request further down saves the variable anew.
  const token =
    block.token ??
    (block.savedBy === undefined
      ? runtime?.vars[variable]
      : runtime?.savedValue(variable, block.savedBy));
  const headingId = useId();
  return (
    <section className="card jwt-block" aria-labelledby={headingId}>
      <CardHeader headingId={headingId} kind="JWT inspector" title={block.title}>
        <span className="card__subtitle">
          {block.token ? 'an example token' : <code>{`{{${variable}}}`}</code>}
        </span>
      </CardHeader>
      <div className="card__body jwt-block__body">
        {token === undefined || token.trim() === '' ? (
          <p className="jwt-block__empty">
            <strong>No token yet.</strong> Send the request above first: it saves the token in{' '}
            <code>{`{{${variable}}}`}</code>, and it appears here decoded.
          </p>
        ) : (
          <TokenView token={token} highlight={block.highlight} />
        )}
      </div>
    </section>
  );
}

/** The decoded parts shown as tables, by their captions. */
const CLAIM_TABLES = { header: 'Header', payload: 'Payload (claims)' } as const;
type TokenPart = keyof typeof CLAIM_TABLES;

/** What reading a claim takes: the lesson's highlights, and the server's time and leeway. */
interface ClaimReading {
  highlighted: ReadonlySet<string>;
  now: number | undefined;
  leeway: number;
}

function TokenView({ token, highlight }: { token: string; highlight: string[] }) {
  const inspection = useMemo(() => inspectJwt(token), [token]);
  const status = useMockServerStatus();
  const server = status.state === 'ready' ? status.server : undefined;
  const now = useServerNow(server);
  const leeway = server?.admin.settings().leewaySeconds ?? 60;
  const decoded = inspection.header !== undefined || inspection.payload !== undefined;
  const reading: ClaimReading = { highlighted: new Set(highlight), now, leeway };
  return (
    <>
      <TokenParts inspection={inspection} />
      {inspection.errors.length > 0 ? <TokenProblems inspection={inspection} /> : null}
      {decoded ? (
        <div className="jwt-block__tables">
          {(['header', 'payload'] as const).map((part) => {
            const claims = inspection[part];
            return claims ? (
              <ClaimTable key={part} part={part} claims={claims} reading={reading} />
            ) : null;
          })}
        </div>
      ) : null}
      {decoded && server && now !== undefined ? (
        <Verification token={token} server={server} now={now} />
      ) : decoded ? (
        <p className="muted">The checks run once the mock servers have started…</p>
      ) : null}
    </>
  );
}

/** The token as written, each part in its own colour, with a legend. */
function TokenParts({ inspection }: { inspection: JwtInspection }) {
  const { parts } = inspection;
  const compact = parts.length === 3;
  return (
    <figure className="jwt-token">
      <pre className="jwt-token__text">
        {compact ? (
          <code>
            <span className="jwt-part jwt-header">{parts[0]}</span>
            <span className="jwt-dot">.</span>
            <span className="jwt-part jwt-payload">{parts[1]}</span>
            <span className="jwt-dot">.</span>
            <span className="jwt-part jwt-signature">{parts[2]}</span>
          </code>
        ) : (
          <code>{parts.join('.')}</code>
        )}
      </pre>
      {compact ? (
        <figcaption className="jwt-token__legend">
          <span className="jwt-legend jwt-header">Header</span>
          <span className="jwt-legend jwt-payload">Payload</span>
          <span className="jwt-legend jwt-signature">
            Signature{parts[2] === '' ? ' (empty)' : ''}
          </span>
          <span className="muted">each part base64url, separated by dots</span>
        </figcaption>
      ) : null}
    </figure>
  );
}

function TokenProblems({ inspection }: { inspection: JwtInspection }) {
  const opaque = inspection.parts.length === 1;
  return (
    <div className={`callout ${opaque ? '' : 'callout--warning'} jwt-block__problems`}>
      <p className="callout__title">
        {opaque ? 'Not a JWT: probably an opaque token' : 'This token is not a well-formed JWT'}
      </p>
      <ul>
        {inspection.errors.map((problem) => (
          <li key={`${problem.part}:${problem.message}`}>
            {problem.part === 'token' ? null : <strong>{problem.part}: </strong>}
            {problem.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf']);

function ClaimTable({
  part,
  claims,
  reading: { highlighted, now, leeway },
}: {
  part: TokenPart;
  claims: Record<string, unknown>;
  reading: ClaimReading;
}) {
  return (
    <div className="table-scroll">
      <table className={`jwt-claims jwt-claims--${part}`}>
        <caption className={`jwt-${part}`}>{CLAIM_TABLES[part]}</caption>
        <thead>
          <tr>
            <th scope="col">Claim</th>
            <th scope="col">Value and meaning</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(claims).map(([name, value]) => {
            const explanation = claimExplanations[name];
            const isHighlighted = highlighted.has(name);
            return (
              <tr key={name} className={isHighlighted ? 'jwt-claim--highlight' : undefined}>
                <th scope="row">
                  <code className="jwt-claim__name">{name}</code>{' '}
                  {explanation ? (
                    <span className="jwt-claim__label">{explanation.label}</span>
                  ) : null}{' '}
                  {isHighlighted ? <span className="badge badge--accent">look here</span> : null}
                </th>
                <td>
                  <ClaimValue name={name} value={value} now={now} leeway={leeway} />
                  <p className="jwt-claim__explanation">
                    {explanation ? (
                      <>
                        {explanation.explanation}{' '}
                        {name === 'scope' && typeof value === 'string' ? (
                          <>{describeScopes(value)} </>
                        ) : null}
                        <a href={explanation.url} target="_blank" rel="noreferrer">
                          spec
                        </a>
                      </>
                    ) : part === 'header' ? (
                      'A header parameter the standards for access tokens do not use.'
                    ) : (
                      'A claim this server added; the access token standards do not define it.'
                    )}
                  </p>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** "This one holds 2: read:orders and write:orders." — read from the token, not an example. */
export function describeScopes(scope: string): string {
  const names = scope.split(' ').filter(Boolean);
  if (names.length === 0) return 'This one holds none.';
  if (names.length === 1) return `This one holds 1: ${names[0]}.`;
  return `This one holds ${names.length}: ${names.slice(0, -1).join(', ')} and ${names.at(-1)}.`;
}

function ClaimValue({
  name,
  value,
  now,
  leeway,
}: {
  name: string;
  value: unknown;
  now: number | undefined;
  leeway: number;
}) {
  if (name === 'scope' && typeof value === 'string') {
    return (
      <p className="jwt-claim__value jwt-claim__scopes">
        {value
          .split(' ')
          .filter(Boolean)
          .map((scope) => (
            <code key={scope} className="jwt-scope">
              {scope}
            </code>
          ))}
      </p>
    );
  }
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  if (TIME_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)) {
    return (
      <p className="jwt-claim__value">
        <code>{shown}</code> <span className="jwt-claim__time">{formatUtc(value)}</span>
        {now === undefined ? null : name === 'exp' ? (
          <Countdown exp={value} now={now} leeway={leeway} />
        ) : (
          <span className="jwt-claim__relative">
            {name === 'iat' ? 'issued ' : value > now ? 'valid ' : 'valid since '}
            {describeRelative(value, now)}
          </span>
        )}
      </p>
    );
  }
  return (
    <p className="jwt-claim__value">
      <code>{shown}</code>
    </p>
  );
}

function Countdown({ exp, now, leeway }: { exp: number; now: number; leeway: number }) {
  const expiry = describeExpiry(exp, now, leeway);
  return (
    <span className={`jwt-countdown jwt-countdown--${expiry.state}`}>
      {/* Only the state is announced when it changes, not every second. */}
      <span aria-hidden="true">{expiry.text}</span>
      <span className="visually-hidden">
        {expiry.state === 'valid'
          ? 'still valid'
          : expiry.state === 'leeway'
            ? 'expired, within leeway'
            : 'expired'}
      </span>
    </span>
  );
}

function Verification({ token, server, now }: { token: string; server: MockServer; now: number }) {
  const verification = useTokenVerification(token, server, now);
  const headingId = useId();
  return (
    <section className="jwt-verify" aria-labelledby={headingId}>
      <h4 id={headingId} className="jwt-verify__title">
        What the API checks, in order
      </h4>
      {verification.state === 'loading' ? (
        <p className="muted">{verification.message}</p>
      ) : verification.state === 'error' ? (
        <p className="callout callout--danger">{verification.message}</p>
      ) : (
        <VerificationResult
          unsigned={verification.result.header?.alg === 'none'}
          steps={verification.result.steps}
          ok={verification.result.ok}
          jwksUri={verification.jwksUri}
        />
      )}
    </section>
  );
}

function VerificationResult({
  unsigned,
  steps,
  ok,
  jwksUri,
}: {
  unsigned: boolean;
  steps: VerifyStep[];
  ok: boolean;
  jwksUri: string;
}) {
  const signature = steps.find((s) => s.name === 'checkSignature');
  const failed = steps.find((s) => s.status === 'failed');
  return (
    <>
      <p className="jwt-verify__summary">
        {unsigned ? (
          <span className="badge badge--danger">Unsigned (alg none)</span>
        ) : signature?.status === 'passed' ? (
          <span className="badge badge--success">Signature verified</span>
        ) : signature?.status === 'failed' ? (
          <span className="badge badge--danger">Signature invalid</span>
        ) : (
          <span className="badge">Signature not checked</span>
        )}{' '}
        {ok ? (
          <span>The API would accept this token (unless it was revoked).</span>
        ) : failed ? (
          <span>
            The API would refuse it at <strong>{failed.label}</strong>: 401{' '}
            <code>invalid_token</code>.
          </span>
        ) : null}
        <span className="jwt-verify__source muted">
          Keys from <code>{jwksUri}</code>, found through the issuer’s metadata.
        </span>
      </p>
      <CheckList rows={steps} />
    </>
  );
}
