import type { OfferStatus } from '../api/types';
import { statusLabels } from './offersApi';

/** The offer's lifecycle state; colour follows urgency (live green, paused amber, closed grey). */
export function StatusBadge({ status }: { status: OfferStatus }) {
  return (
    <span className={`badge offer-status offer-status-${status}`} data-testid="offer-status">
      {statusLabels[status]}
    </span>
  );
}
