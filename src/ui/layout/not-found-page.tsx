import { Link } from '../shared/router';

export function NotFoundPage({ path }: { path: string }) {
  return (
    <div className="page page--narrow">
      <header className="page-header">
        <p className="page-header__eyebrow">404</p>
        <h1>No page at {path}</h1>
        <p className="page-header__lead">
          The link may be out of date. <Link to="/">Go to the lessons</Link>.
        </p>
      </header>
    </div>
  );
}
