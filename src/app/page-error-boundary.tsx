import { useQueryClient } from '@tanstack/react-query';
import { Component, type ErrorInfo, type ReactNode, useEffect, useId, useState } from 'react';
import type { StoredDraft } from '../ui/editor/drafts';
import { downloadText } from '../ui/shared/download-text';
import { resetLesson } from '../ui/shared/lesson-store';
import { type MockServerStatus, useMockServerStatus } from '../ui/shared/mock-server-context';
import { matchPath, useRouter } from '../ui/shared/router';
import './page-error-boundary.css';

/**
 * When a page throws while rendering (most often because something saved in this browser is
 * damaged: a server log entry, a lesson's progress, a draft), React would unmount the whole app
 * and leave a blank tab. These boundaries show what happened instead and offer to reset the part
 * that broke, most specific first; the rest of the learner's work stays.
 *
 * - `PageErrorBoundary` wraps the routed page, inside the shell: the header (navigation, Reset
 *   server) keeps working, and moving to another page clears the error.
 * - `AppErrorBoundary` wraps everything, for a failure in the shell itself.
 */

interface BoundaryProps {
  /** A change clears the error (the page's path): another page may well work. */
  resetKey?: string;
  fallback(error: Error, retry: () => void): ReactNode;
  children: ReactNode;
}

class ErrorBoundary extends Component<BoundaryProps, { error?: Error; key?: string }> {
  override state: { error?: Error; key?: string } = {};

  static getDerivedStateFromError(thrown: unknown): { error: Error } {
    return { error: thrown instanceof Error ? thrown : new Error(String(thrown)) };
  }

  static getDerivedStateFromProps(props: BoundaryProps, state: { error?: Error; key?: string }) {
    if (props.resetKey === state.key) return null;
    return { key: props.resetKey, error: undefined };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('[playground] a page failed to render', error, info.componentStack);
  }

  retry = () => this.setState({ error: undefined });

  override render(): ReactNode {
    const { error } = this.state;
    return error ? this.props.fallback(error, this.retry) : this.props.children;
  }
}

/** One part of the saved state that a reset puts back to its first state. */
interface ResetOption {
  label: string;
  /** What the reset forgets, and what it keeps. */
  effect: string;
  run(): void | Promise<void>;
}

/** The editor's open draft, read only when the editor is what failed. */
interface OpenDraft {
  draft: StoredDraft;
  remove(): void;
}

/**
 * On the editor, the draft it opens (the editor's own modules load on demand, not with the app:
 * the app's entry stays as small as before).
 */
function useOpenDraft(path: string): OpenDraft | undefined {
  const [open, setOpen] = useState<OpenDraft>();
  const onEditor = matchPath('/editor', path) !== undefined;
  useEffect(() => {
    if (!onEditor) return;
    let live = true;
    void import('../ui/editor/drafts').then(({ browserDrafts: drafts }) => {
      const file = drafts.lastEdited();
      const draft = file === undefined ? undefined : drafts.read(file);
      if (live && draft) setOpen({ draft, remove: () => drafts.delete(draft.file) });
    });
    return () => {
      live = false;
    };
  }, [onEditor]);
  return onEditor ? open : undefined;
}

function resetOptionsFor(
  path: string,
  mock: MockServerStatus,
  open: OpenDraft | undefined,
): ResetOption[] {
  const options: ResetOption[] = [];
  const slug = matchPath('/lessons/:slug', path)?.slug;
  if (slug !== undefined) {
    options.push({
      label: 'Start this lesson over',
      effect: 'Forgets this lesson’s progress, saved variables and edited requests.',
      run: () => resetLesson(slug),
    });
  }
  if (open) {
    const { draft } = open;
    options.push({
      label: `Set the draft of ${draft.file} aside`,
      effect: 'Downloads the draft, then removes it from this browser.',
      run: () => {
        downloadText(
          draft.file.slice(draft.file.lastIndexOf('/') + 1),
          draft.source,
          'text/markdown',
        );
        open.remove();
      },
    });
  }
  if (mock.state === 'ready') {
    const server = mock.server;
    options.push({
      label: 'Reset the mock servers',
      effect:
        'Back to the seeded clients, clock, issued tokens and request log. The signing keys and your lessons’ progress stay.',
      run: async () => {
        await server.admin.reset();
      },
    });
  }
  return options;
}

function PageFailed({ error, retry }: { error: Error; retry: () => void }) {
  const { path } = useRouter();
  const mock = useMockServerStatus();
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = useId();
  const openDraft = useOpenDraft(path);
  const options = resetOptionsFor(path, mock, openDraft);

  const reset = async (option: ResetOption) => {
    setBusy(true);
    try {
      await option.run();
      // What the page read before (the server's log, its clients) is read again after the reset.
      await queryClient.resetQueries();
      retry();
    } catch (thrown) {
      setFailure(
        `${option.label} did not work: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="page page--narrow page-failed" role="alert" aria-labelledby={id}>
      <header className="page-header">
        <p className="page-header__eyebrow">Something broke</p>
        <h1 id={id}>This page could not be shown</h1>
        <p className="page-header__lead">
          Often something saved in this browser for it is damaged. Reset the part that broke: the
          rest of your work stays.
        </p>
      </header>
      {options.length > 0 ? (
        <ul className="page-failed__options">
          {options.map((option) => (
            <li key={option.label}>
              <button
                type="button"
                className="btn btn--primary"
                disabled={busy}
                onClick={() => void reset(option)}
              >
                {option.label}
              </button>
              <span className="muted">{option.effect}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {failure ? <p className="page-failed__failure">{failure}</p> : null}
      <p>
        <button type="button" className="btn" disabled={busy} onClick={retry}>
          Try again
        </button>{' '}
        <span className="muted">
          Or use the header: another page, or <strong>Reset server</strong> for a fresh start.
        </span>
      </p>
      <details className="page-failed__details">
        <summary>What went wrong</summary>
        <pre>{error.stack ?? error.message}</pre>
      </details>
    </section>
  );
}

/** Around the routed page: a page that fails to render offers to reset what broke. */
export function PageErrorBoundary({ children }: { children: ReactNode }) {
  const { path } = useRouter();
  return (
    <ErrorBoundary
      resetKey={path}
      fallback={(error, retry) => <PageFailed error={error} retry={retry} />}
    >
      {children}
    </ErrorBoundary>
  );
}

/** Saved-state keys all start with this (lessons, drafts, servers, theme, signing key). */
const STORAGE_PREFIX = 'ccp:';

function forgetEverything(): void {
  try {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (key?.startsWith(STORAGE_PREFIX)) localStorage.removeItem(key);
    }
  } catch {
    // storage blocked: nothing saved to forget
  }
  location.reload();
}

/** Around the whole app: the shell itself failed, so nothing but a reload and a clean slate. */
export function AppErrorBoundary({ children }: { children: ReactNode }) {
  return (
    <ErrorBoundary
      fallback={(error) => (
        <section className="page page--narrow page-failed page-failed--app" role="alert">
          <h1>The playground could not start</h1>
          <p>{error.message}</p>
          <p>
            <button type="button" className="btn btn--primary" onClick={() => location.reload()}>
              Reload
            </button>{' '}
            <button type="button" className="btn" onClick={forgetEverything}>
              Forget everything saved in this browser, and reload
            </button>
          </p>
          <p className="muted">
            Forgetting resets the mock servers, every lesson’s progress and your editor drafts.
          </p>
        </section>
      )}
    >
      {children}
    </ErrorBoundary>
  );
}
