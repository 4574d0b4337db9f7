import { useEffect, useState } from 'react';
import { decodeProof } from './request-block-model.ts';

/** What each claim of a proof is for (RFC 9449 §4.2), in a few words. */
const CLAIM_NOTES: Record<string, string> = {
  jti: 'a new id for every proof: the server refuses one it has seen',
  htm: 'the method this proof is for',
  htu: 'the URL this proof is for, without query',
  iat: 'when it was made: the server takes it only within its leeway',
  ath: 'the SHA-256 hash of the access token it goes with',
  nonce: 'the value the server handed out in DPoP-Nonce',
};

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * The DPoP proof a request was sent with (RFC 9449 §4): its header (typ, alg, the public jwk),
 * its claims, and the thumbprint of its key, which a bound token's `cnf.jkt` names. The
 * thumbprint needs jose, loaded when a proof is first shown.
 */
export function DpopProofView({ proof }: { proof: string }) {
  const decoded = decodeProof(proof);
  const [jkt, setJkt] = useState<string>();
  const jwk = decoded.ok ? decoded.header.jwk : undefined;
  const jwkText = JSON.stringify(jwk);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key's text stands for the key
  useEffect(() => {
    let live = true;
    setJkt(undefined);
    void import('../../../client/dpop.ts')
      .then((m) => m.proofThumbprint(jwk))
      .then((value) => {
        if (live) setJkt(value);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [jwkText]);
  if (!decoded.ok) return null;
  const { header, claims } = decoded;
  return (
    <details className="dpop-proof" open>
      <summary>DPoP proof sent with this request</summary>
      <p className="dpop-proof__intro">
        Signed by this page’s DPoP key. A new one is made for every send; the private key never
        leaves the page.
      </p>
      <dl className="dpop-proof__list">
        <div className="dpop-proof__row">
          <dt>
            <code>typ</code>, <code>alg</code>
          </dt>
          <dd>
            <code>{show(header.typ)}</code>, <code>{show(header.alg)}</code>
          </dd>
        </div>
        <div className="dpop-proof__row">
          <dt>
            <code>jwk</code>
          </dt>
          <dd>
            <code className="dpop-proof__value">{jwkText}</code>
            <span className="dpop-proof__note">the public key: no private part</span>
          </dd>
        </div>
        {Object.entries(claims).map(([name, value]) => (
          <div key={name} className="dpop-proof__row">
            <dt>
              <code>{name}</code>
            </dt>
            <dd>
              <code className="dpop-proof__value">{show(value)}</code>
              {CLAIM_NOTES[name] ? (
                <span className="dpop-proof__note">{CLAIM_NOTES[name]}</span>
              ) : null}
            </dd>
          </div>
        ))}
        <div className="dpop-proof__row">
          <dt>Key thumbprint</dt>
          <dd>
            <code className="dpop-proof__value">{jkt ?? '…'}</code>
            <span className="dpop-proof__note">
              RFC 7638 SHA-256 of the jwk: a token bound to this key carries it as{' '}
              <code>cnf.jkt</code>
            </span>
          </dd>
        </div>
      </dl>
    </details>
  );
}
