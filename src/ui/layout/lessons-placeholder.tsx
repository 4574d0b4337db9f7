import { Link } from './router';

/**
 * Stands in for the lessons list until the lesson engine provides one: replace the `/` entry in
 * `src/app/routes.tsx` with the real page.
 */
export function LessonsPlaceholder() {
  return (
    <div className="page page--narrow">
      <header className="page-header">
        <p className="page-header__eyebrow">OAuth 2.0 · client credentials</p>
        <h1>Lessons</h1>
        <p className="page-header__lead">
          Learn machine-to-machine auth by doing it: get tokens from a real-behaving authorization
          server, call a protected API, and watch every check the servers run.
        </p>
      </header>
      <section aria-labelledby="lessons-soon" className="card">
        <div className="card__header">
          <h2 id="lessons-soon">Lessons are on their way</h2>
        </div>
        <div className="card__body lessons-placeholder">
          <p className="muted">
            Meanwhile the mock servers are already running. Open the{' '}
            <Link to="/server">Server</Link> page to see the seeded clients, the signing keys, the
            clock and a live log of every request.
          </p>
        </div>
      </section>
    </div>
  );
}
