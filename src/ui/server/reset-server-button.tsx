import { useEffect, useId, useRef, useState } from 'react';
import { ResetIcon } from '../layout/icons';
import { resetAllLessons } from '../lesson/lesson-store';
import { useMockServerStatus } from './mock-server-context';
import { useResetServer } from './server-queries';

/**
 * "Reset server": confirm in a modal dialog, POST /__admin/reset, then say it is done.
 * Restores the seeded clients, clock, revocations, rate limits and empties the request log.
 */
export function ResetServerButton() {
  const status = useMockServerStatus();
  const server = status.state === 'ready' ? status.server : undefined;
  const reset = useResetServer(server);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const [done, setDone] = useState(false);

  useEffect(() => {
    if (!done) return;
    const timer = setTimeout(() => setDone(false), 4000);
    return () => clearTimeout(timer);
  }, [done]);

  const confirm = () => {
    dialogRef.current?.close();
    setDone(false);
    reset.mutate(undefined, {
      onSuccess: () => {
        // One reset for the whole playground: a lesson's saved token would not verify anyway.
        resetAllLessons();
        setDone(true);
      },
    });
  };

  return (
    <div className="reset-server">
      <span role="status" className="reset-server__status">
        {reset.isPending ? 'Resetting…' : done ? 'Server reset' : ''}
        {reset.isError ? `Reset failed: ${reset.error.message}` : ''}
      </span>
      <button
        type="button"
        className="btn btn--small"
        disabled={!server || reset.isPending}
        onClick={() => dialogRef.current?.showModal()}
      >
        <ResetIcon />
        Reset server
      </button>
      <dialog
        ref={dialogRef}
        className="dialog"
        aria-labelledby={titleId}
        aria-describedby={descriptionId}
      >
        <h2 id={titleId}>Reset the mock servers?</h2>
        <p id={descriptionId}>
          Clients, the clock, revoked tokens, rate limits and the request log go back to their
          seeded state. Your lesson progress, saved variables and edited requests are cleared too.
        </p>
        <form method="dialog" className="dialog__actions">
          <button type="submit" className="btn">
            Cancel
          </button>
          <button type="button" className="btn btn--danger-solid" onClick={confirm}>
            Reset
          </button>
        </form>
      </dialog>
    </div>
  );
}
