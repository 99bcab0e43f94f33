import { useState } from 'react';
import { DropPermission, type Offer } from '../api/types';
import { useCan } from '../auth/session';
import { ErrorMessage } from '../common/feedback';
import { ArmForm } from './ArmForm';
import { armOffer, type LifecycleAction, moveOffer } from './offersApi';

interface Props {
  offer: Offer;
  onChanged: () => void;
}

/**
 * The lifecycle buttons this person may press now. While the offer is live, the kill switch
 * (pause) comes first, large and red: in a live show it must be found in a second.
 */
export function OfferControls({ offer, onChanged }: Props) {
  const can = {
    approve: useCan(DropPermission.approve),
    arm: useCan(DropPermission.arm),
    goLive: useCan(DropPermission.goLive),
    kill: useCan(DropPermission.kill),
  };
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [failedAction, setFailedAction] = useState<string | null>(null);
  const [confirmClose, setConfirmClose] = useState(false);
  const [closeReason, setCloseReason] = useState('');

  const run = async (name: string, call: () => Promise<Offer>) => {
    setPending(name);
    setError(null);
    setFailedAction(null);
    try {
      await call();
      setConfirmClose(false);
      onChanged();
    } catch (caught) {
      setError(caught);
      setFailedAction(name);
    } finally {
      setPending(null);
    }
  };
  const move = (action: LifecycleAction, reason?: string) =>
    run(action, () => moveOffer(offer.id, action, reason));
  const busy = pending !== null;
  const { status } = offer;

  const buttons = [
    status === 'live' && can.kill && (
      <button
        key="pause"
        type="button"
        className="button kill-switch"
        disabled={busy}
        onClick={() => void move('pause')}
      >
        {pending === 'pause' ? 'Pausing…' : 'Pause offer — kill switch'}
      </button>
    ),
    status === 'draft' && can.approve && (
      <button
        key="approve"
        type="button"
        className="button button-primary"
        disabled={busy}
        onClick={() => void move('approve')}
      >
        {pending === 'approve' ? 'Approving…' : 'Approve terms'}
      </button>
    ),
    status === 'armed' && can.goLive && (
      <button
        key="go-live"
        type="button"
        className="button button-primary"
        disabled={busy}
        onClick={() => void move('go-live')}
      >
        {pending === 'go-live' ? 'Going live…' : 'Go live'}
      </button>
    ),
    status === 'paused' && can.kill && (
      <button
        key="resume"
        type="button"
        className="button button-primary"
        disabled={busy}
        onClick={() => void move('resume')}
      >
        {pending === 'resume' ? 'Resuming…' : 'Resume'}
      </button>
    ),
    status !== 'closed' && can.kill && !confirmClose && (
      <button
        key="close"
        type="button"
        className="button button-danger"
        disabled={busy}
        onClick={() => setConfirmClose(true)}
      >
        Close…
      </button>
    ),
  ].filter(Boolean);

  const showArm = status === 'approved' && can.arm;
  if (buttons.length === 0 && !showArm && !confirmClose) {
    return (
      <p className="muted">
        {status === 'closed'
          ? 'This offer is closed; unsold units went back to stock.'
          : 'Your role has no lifecycle action on this offer in its current state.'}
      </p>
    );
  }
  return (
    <div className="offer-controls">
      {status === 'paused' && (
        <p className="alert alert-warning" role="status">
          Paused: shoppers cannot claim. Holds already taken can still check out.
        </p>
      )}
      {showArm && (
        <ArmForm
          lowStockThreshold={offer.lowStockThreshold}
          pending={pending === 'arm'}
          disabled={busy}
          apiError={failedAction === 'arm' ? error : null}
          onArm={(request) => void run('arm', () => armOffer(offer.id, request))}
        />
      )}
      {buttons.length > 0 && <div className="button-row">{buttons}</div>}
      {status === 'live' && can.kill && (
        <p className="hint">
          The kill switch stops new claims at once; shoppers already holding units can still pay.
        </p>
      )}
      {confirmClose && (
        <div className="confirm-box">
          <p>
            Close <strong>{offer.title}</strong> now? Open holds end at once and unsold units go
            back to stock. A closed offer cannot reopen.
          </p>
          <label className="field">
            <span>Reason (kept in the audit log)</span>
            <input
              type="text"
              maxLength={500}
              value={closeReason}
              onChange={(event) => setCloseReason(event.target.value)}
              placeholder="e.g. checkout link broken, stream ended early"
            />
          </label>
          <div className="button-row">
            <button
              type="button"
              className="button button-danger"
              disabled={busy}
              onClick={() => void move('close', closeReason)}
            >
              {pending === 'close' ? 'Closing…' : 'Close the offer'}
            </button>
            <button
              type="button"
              className="button button-quiet"
              disabled={busy}
              onClick={() => setConfirmClose(false)}
            >
              Keep it open
            </button>
          </div>
        </div>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
