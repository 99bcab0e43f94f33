import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { useCan } from '../auth/session';
import { ErrorMessage, Notice } from '../common/feedback';
import { endShow, goLive, type PreflightCheck, type Show, ShowPermission } from './showsApi';

interface Refusal {
  message: string;
  failing: PreflightCheck[];
}

/** The failing checks of a `preflight_failed` refusal, with their labels when given. */
function refusalOf(error: unknown): Refusal | null {
  if (!(error instanceof ApiError) || error.code !== 'preflight_failed') return null;
  const names = Array.isArray(error.details.failing) ? (error.details.failing as string[]) : [];
  const checks = Array.isArray(error.details.checks)
    ? (error.details.checks as PreflightCheck[])
    : [];
  return {
    message: error.message,
    failing: names.map(
      (name) =>
        checks.find((check) => check.name === name) ?? {
          name,
          label: name,
          kind: 'automatic',
          passed: false,
          detail: '',
        },
    ),
  };
}

/**
 * Go live: refused with the failing checks listed until all pass. Someone with override
 * authority (the owner) can go live anyway with a reason, in a dialog that says what follows:
 * an audit entry and hourly checkout sampling for six hours.
 */
export function GoLivePanel({ show, onChanged }: { show: Show; onChanged: () => void }) {
  const canGoLive = useCan(ShowPermission.goLive);
  const canOverride = useCan(ShowPermission.override);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [overriding, setOverriding] = useState(false);
  // Counts attempts, so a refusal shown again is told apart from the one before.
  const [attempts, setAttempts] = useState(0);
  const refusal = refusalOf(error);

  const run = async (call: () => Promise<unknown>, done: string) => {
    setPending(true);
    setError(null);
    setNotice(null);
    setAttempts((count) => count + 1);
    try {
      await call();
      setNotice(done);
      setOverriding(false);
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  };

  if (!canGoLive) {
    return show.status === 'scheduled' ? (
      <p className="muted">A producer, social ops or the owner takes the show live.</p>
    ) : null;
  }
  return (
    <div className="go-live-panel">
      {notice && <Notice>{notice}</Notice>}
      {refusal ? (
        <div
          className="alert alert-error go-live-refusal"
          role="alert"
          data-testid="go-live-refusal"
          data-attempt={attempts}
        >
          <div>
            <strong>Not live: {refusal.failing.length} check(s) fail.</strong>
            <ul>
              {refusal.failing.map((check) => (
                <li key={check.name} data-testid="failing-check">
                  {check.label} <code>{check.name}</code>
                  {check.detail && <span className="muted"> — {check.detail}</span>}
                </li>
              ))}
            </ul>
          </div>
        </div>
      ) : (
        <ErrorMessage error={error} />
      )}
      {show.status === 'scheduled' && (
        <div className="button-row">
          <button
            type="button"
            className="button button-primary"
            disabled={pending}
            onClick={() => void run(() => goLive(show.id), 'The show is live.')}
          >
            {pending && !overriding ? 'Checking…' : 'Go live'}
          </button>
          {canOverride && (
            <button
              type="button"
              className="button button-danger"
              disabled={pending}
              onClick={() => setOverriding(true)}
            >
              Emergency override…
            </button>
          )}
        </div>
      )}
      {show.status === 'live' && (
        <div className="button-row">
          <button
            type="button"
            className="button"
            disabled={pending}
            onClick={() => void run(() => endShow(show.id), 'The show has ended.')}
          >
            End show
          </button>
        </div>
      )}
      {overriding && (
        <OverrideDialog
          pending={pending}
          onCancel={() => setOverriding(false)}
          onConfirm={(reason) =>
            void run(() => goLive(show.id, reason), 'The show is live on an emergency override.')
          }
        />
      )}
    </div>
  );
}

function OverrideDialog({
  pending,
  onCancel,
  onConfirm,
}: {
  pending: boolean;
  onCancel: () => void;
  onConfirm: (reason: string) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      setProblem('Say why the show goes live despite failing checks.');
      return;
    }
    onConfirm(reason.trim());
  };

  return (
    <dialog
      ref={dialog}
      className="override-dialog"
      aria-labelledby="override-heading"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={submit} className="form">
        <h2 id="override-heading">Emergency override</h2>
        <p>
          The show goes live although checks fail. This is recorded in the audit trail with your
          name and reason, and the checkout is sampled every hour for the next six hours.
        </p>
        <div className="field">
          <label htmlFor="override-reason">Reason</label>
          <textarea
            id="override-reason"
            rows={3}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? 'override-reason-error' : undefined}
          />
          {problem && (
            <ul className="field-errors" id="override-reason-error">
              <li>{problem}</li>
            </ul>
          )}
        </div>
        <div className="button-row">
          <button type="submit" className="button button-danger" disabled={pending}>
            {pending ? 'Going live…' : 'Go live anyway'}
          </button>
          <button type="button" className="button button-quiet" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
