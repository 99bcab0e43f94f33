import { type FormEvent, useState } from 'react';
import { DropPermission, type Offer } from '../api/types';
import { useCan } from '../auth/session';
import { ErrorMessage } from '../common/feedback';
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
  const [confirmClose, setConfirmClose] = useState(false);
  const [closeReason, setCloseReason] = useState('');

  const run = async (name: string, call: () => Promise<Offer>) => {
    setPending(name);
    setError(null);
    try {
      await call();
      setConfirmClose(false);
      onChanged();
    } catch (caught) {
      setError(caught);
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
          pending={pending === 'arm'}
          disabled={busy}
          onArm={(units, ttl) => void run('arm', () => armOffer(offer.id, units, ttl))}
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

/** Arming takes units out of the catalog's stock for this offer alone: the inventory lock. */
function ArmForm({
  pending,
  disabled,
  onArm,
}: {
  pending: boolean;
  disabled: boolean;
  onArm: (units: number, reserveTtlSeconds: number | null) => void;
}) {
  const [units, setUnits] = useState('');
  const [ttlMinutes, setTtlMinutes] = useState('');
  const unitCount = Number(units);
  const validUnits = /^\d+$/.test(units.trim()) && unitCount >= 1;
  const ttl = ttlMinutes.trim() === '' ? null : Math.round(Number(ttlMinutes) * 60);
  const validTtl = ttl === null || (Number.isFinite(ttl) && ttl >= 60);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (validUnits && validTtl) onArm(unitCount, ttl);
  };
  return (
    <form className="form form-inline arm-form" onSubmit={submit}>
      <div className="field field-narrow">
        <label htmlFor="arm-units">Units to reserve</label>
        <input
          id="arm-units"
          type="number"
          min={1}
          step={1}
          value={units}
          onChange={(event) => setUnits(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="arm-ttl">Release the reserve after (minutes)</label>
        <input
          id="arm-ttl"
          type="number"
          min={1}
          step="any"
          placeholder="Never"
          value={ttlMinutes}
          onChange={(event) => setTtlMinutes(event.target.value)}
        />
      </div>
      <button
        type="submit"
        className="button button-primary"
        disabled={disabled || !validUnits || !validTtl}
      >
        {pending ? 'Arming…' : 'Arm'}
      </button>
      <p className="hint arm-hint">
        Reserves this many offers’ worth of every SKU from stock on hand. Optional: give the reserve
        back if the offer has not gone live in time.
      </p>
    </form>
  );
}
