'use client';

import { useId, useState, type ReactNode } from 'react';
import { useErrorText } from './i18n/error-text';
import { useMessages } from './i18n/locale-context';
import { Banner } from './ui/banner';
import { Dialog } from './ui/dialog';

const BUTTON_CLASS = { primary: 'btn-primary', danger: 'btn-danger' } as const;

type Outcome<T> = { ok: true; result: T } | { ok: false; error: unknown };

export interface ConfirmedActionProps<T> {
  /** Style of the trigger and of the confirming button. */
  tone: 'primary' | 'danger';
  /** Trigger text, and its text while the action runs. */
  label: string;
  pendingLabel: string;
  /** The trigger is also disabled while the action runs. */
  disabled?: boolean;
  /** The confirmation step: a modal naming the action and saying what it changes. Cancel has the focus. */
  confirm: { title: ReactNode; description: ReactNode; label: string };
  /** The destructive call, run once the operator confirms. */
  perform: () => Promise<T>;
  /** After a success (the success banner already shows); still counts as pending, and a throw is shown as a failure. */
  onSuccess?: (result: T) => Promise<unknown> | void;
  /** After success or failure. */
  onSettled?: () => void;
  success: { title: string; testId: string; render: (result: T) => ReactNode };
  failure: { title: string; testId: string };
  /** Classes of the live region that announces the outcome. */
  outcomeClassName?: string;
  /** Places the trigger button and the outcome region in the caller's layout; the dialog renders itself. */
  children: (parts: { button: ReactNode; outcome: ReactNode }) => ReactNode;
}

/**
 * A button for an action that changes or removes data: it asks for confirmation in a modal first, shows the
 * pending state on the button while the call runs, then a dismissible success or failure banner in a polite live
 * region.
 */
export function ConfirmedAction<T>({
  tone,
  label,
  pendingLabel,
  disabled = false,
  confirm,
  perform,
  onSuccess,
  onSettled,
  success,
  failure,
  outcomeClassName,
  children,
}: ConfirmedActionProps<T>) {
  const id = useId();
  const t = useMessages().common;
  const errorText = useErrorText();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome<T> | null>(null);
  const titleId = `${id}-confirm-title`;
  const descriptionId = `${id}-confirm-what`;

  const run = async () => {
    setConfirming(false);
    setBusy(true);
    setOutcome(null);
    try {
      const result = await perform();
      setOutcome({ ok: true, result });
      await onSuccess?.(result);
    } catch (error) {
      setOutcome({ ok: false, error });
    } finally {
      setBusy(false);
      onSettled?.();
    }
  };

  const button = (
    <button type="button" className={BUTTON_CLASS[tone]} aria-haspopup="dialog" disabled={disabled || busy} onClick={() => setConfirming(true)}>
      {busy ? pendingLabel : label}
    </button>
  );

  const outcomeRegion = (
    <div aria-live="polite" className={outcomeClassName}>
      {outcome?.ok ? (
        <Banner tone="success" title={success.title} testId={success.testId} onDismiss={() => setOutcome(null)}>
          {success.render(outcome.result)}
        </Banner>
      ) : null}
      {outcome && !outcome.ok ? (
        <Banner tone="critical" title={failure.title} testId={failure.testId} onDismiss={() => setOutcome(null)}>
          <p>{errorText(outcome.error)}</p>
        </Banner>
      ) : null}
    </div>
  );

  return (
    <>
      {children({ button, outcome: outcomeRegion })}
      <Dialog open={confirming} onClose={() => setConfirming(false)} labelledBy={titleId} describedBy={descriptionId}>
        <h2 id={titleId} className="text-lg font-semibold">
          {confirm.title}
        </h2>
        <p id={descriptionId} className="mt-2 text-sm">
          {confirm.description}
        </p>
        <div className="mt-5 flex justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={() => setConfirming(false)} autoFocus>
            {t.cancel}
          </button>
          <button type="button" className={BUTTON_CLASS[tone]} onClick={run}>
            {confirm.label}
          </button>
        </div>
      </Dialog>
    </>
  );
}
