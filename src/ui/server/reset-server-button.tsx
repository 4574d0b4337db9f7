import { useEffect, useRef, useState } from 'react';
import { ConfirmDialog, type ConfirmDialogHandle } from '../shared/confirm-dialog.tsx';
import { ResetIcon } from '../shared/icons';
import { resetAllLessons } from '../shared/lesson-store';
import { useMockServerStatus } from '../shared/mock-server-context';
import { useResetServer } from './server-queries';

/**
 * "Reset server": confirm in a modal dialog, POST /__admin/reset, then say it is done.
 * Restores the seeded clients, clock, revocations, rate limits and empties the request log.
 */
export function ResetServerButton() {
  const status = useMockServerStatus();
  const server = status.state === 'ready' ? status.server : undefined;
  const reset = useResetServer(server);
  const dialog = useRef<ConfirmDialogHandle>(null);
  const [done, setDone] = useState(false);

  useEffect(() => {
    if (!done) return;
    const timer = setTimeout(() => setDone(false), 4000);
    return () => clearTimeout(timer);
  }, [done]);

  const confirm = () => {
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
        onClick={() => dialog.current?.open()}
      >
        <ResetIcon />
        Reset server
      </button>
      <ConfirmDialog
        ref={dialog}
        title="Reset the mock servers?"
        confirmLabel="Reset"
        onConfirm={confirm}
      >
        Clients, the clock, revoked tokens, rate limits and the request log go back to their seeded
        state. Your lesson progress, saved variables and edited requests are cleared too.
      </ConfirmDialog>
    </div>
  );
}
