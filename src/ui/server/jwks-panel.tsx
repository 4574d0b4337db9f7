import { useQuery } from '@tanstack/react-query';
import type { MockServer } from '../../protocol';
import { jwksQueryOptions } from './server-queries';

/** The public signing keys, as `GET /.well-known/jwks.json` serves them (RFC 7517). */
export function JwksPanel({ server }: { server: MockServer }) {
  const { data: jwks, error } = useQuery(jwksQueryOptions(server));
  return (
    <section className="card server-keys" aria-labelledby="jwks-heading">
      <div className="card__header">
        <div className="card__title">
          <h2 id="jwks-heading">Signing keys</h2>
          {jwks && <span className="badge">{jwks.keys.length}</span>}
        </div>
        <p className="card__subtitle">
          Served at <code>/.well-known/jwks.json</code>
        </p>
      </div>
      {error && <p className="card__body panel-error">{error.message}</p>}
      {jwks && (
        <div className="card__body jwks">
          <table className="table table--compact">
            <caption className="visually-hidden">Keys in the JSON Web Key Set</caption>
            <thead>
              <tr>
                <th scope="col">kid</th>
                <th scope="col">alg</th>
                <th scope="col">use</th>
              </tr>
            </thead>
            <tbody>
              {jwks.keys.map((key, index) => (
                <tr key={key.kid ?? index}>
                  <td>
                    <code className="kid" title={key.kid}>
                      {key.kid}
                    </code>
                  </td>
                  <td className="mono">{key.alg}</td>
                  <td className="mono">{key.use}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <details className="disclosure">
            <summary>Show JSON</summary>
            <pre className="json">{JSON.stringify(jwks, null, 2)}</pre>
          </details>
        </div>
      )}
    </section>
  );
}
