import { type ReactNode, useId, useImperativeHandle, useRef } from 'react';

export interface ConfirmDialogHandle {
  open(): void;
}

/**
 * A modal question with Cancel and one action ("Reset", "Start over"): the app's one way to ask
 * before something that forgets the learner's work. Open it through `ref.current.open()`.
 */
export function ConfirmDialog({
  ref,
  title,
  children,
  confirmLabel,
  onConfirm,
}: {
  ref: React.Ref<ConfirmDialogHandle>;
  title: ReactNode;
  /** What the action does, in a sentence or two (the dialog's description). */
  children: ReactNode;
  confirmLabel: string;
  onConfirm(): void;
}) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  useImperativeHandle(ref, () => ({ open: () => dialogRef.current?.showModal() }), []);
  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
    >
      <h2 id={titleId}>{title}</h2>
      <p id={descriptionId}>{children}</p>
      <form method="dialog" className="dialog__actions">
        <button type="submit" className="btn">
          Cancel
        </button>
        <button
          type="button"
          className="btn btn--danger-solid"
          onClick={() => {
            dialogRef.current?.close();
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
      </form>
    </dialog>
  );
}
