import { useState } from 'react';
import { useMe } from '../auth/session';
import { ErrorMessage } from '../common/feedback';
import { type Preflight, type PreflightCheck, type Show, setManualCheck } from './showsApi';

/**
 * The checklist: every check with pass or fail and why. Manual checks carry a Confirm button
 * for the member whose role confirms them (or the owner) while the show is scheduled.
 */
export function GoNoGoChecklist({
  show,
  preflight,
  onChanged,
}: {
  show: Show;
  preflight: Preflight;
  onChanged: () => void;
}) {
  const me = useMe();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const mayConfirm = (check: PreflightCheck) =>
    show.status === 'scheduled' &&
    check.kind === 'manual' &&
    (me.role === 'owner' || me.role === check.role);

  const toggle = async (check: PreflightCheck) => {
    const name = check.name.replace(/^manual:/, '');
    setPending(check.name);
    setError(null);
    try {
      await setManualCheck(show.id, name, !check.passed);
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(null);
    }
  };

  const passed = preflight.checks.filter((check) => check.passed).length;
  return (
    <>
      <p className="gate-summary" data-testid="gate-summary">
        {preflight.ready ? (
          <span className="badge badge-ok">Go: all {passed} checks pass</span>
        ) : (
          <span className="badge badge-warning">
            No go: {preflight.failing.length} of {preflight.checks.length} checks fail
          </span>
        )}
      </p>
      <ErrorMessage error={error} />
      <ul className="plain-list gate-checks" aria-label="Go/no-go checks">
        {preflight.checks.map((check) => (
          <li
            key={check.name}
            className={`gate-check ${check.passed ? 'gate-check-pass' : 'gate-check-fail'}`}
            data-testid={`check-${check.name}`}
            data-passed={check.passed ? 'true' : 'false'}
          >
            <span className="gate-mark" aria-hidden="true">
              {check.passed ? '✓' : '✗'}
            </span>
            <div className="gate-text">
              <strong>{check.label}</strong>
              <span className="visually-hidden">{check.passed ? ' passes' : ' fails'}</span>
              <span className="muted gate-detail">{check.detail}</span>
              {check.kind === 'manual' && check.role && (
                <span className="muted gate-detail">
                  Confirmed by the {check.role.replace('_', ' ')}
                </span>
              )}
            </div>
            {mayConfirm(check) && (
              <button
                type="button"
                className={`button button-small${check.passed ? ' button-quiet' : ' button-primary'}`}
                disabled={pending !== null}
                onClick={() => void toggle(check)}
              >
                {pending === check.name
                  ? 'Saving…'
                  : check.passed
                    ? 'Withdraw'
                    : `Confirm: ${check.label.split(':')[0]}`}
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
