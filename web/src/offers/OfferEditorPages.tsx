import type { Offer } from '../api/types';
import { DropPermission } from '../api/types';
import { useQuery } from '../api/useQuery';
import { useCan } from '../auth/session';
import { EmptyState, ErrorMessage, Loading, PageHeader } from '../common/feedback';
import { Link, useNavigate } from '../router/router';
import { useWorkspace } from '../shell/workspace';
import { OfferForm } from './OfferForm';
import { draftFromOffer, emptyDraft } from './offerDraft';
import { createOffer, offerPath, offersHref, updateOffer } from './offersApi';

function NotAllowed() {
  return (
    <EmptyState title="Your role cannot change offers">
      <p>
        Ask someone with offer rights, or go back to the <Link to={offersHref.list}>offers</Link>.
      </p>
    </EmptyState>
  );
}

export function NewOfferPage() {
  const { activeBrand, brands } = useWorkspace();
  const navigate = useNavigate();
  const canWrite = useCan(DropPermission.offersWrite);
  return (
    <>
      <PageHeader
        title="New offer"
        description="A draft offer: its terms can change freely until they are approved."
      />
      <p className="section-nav">
        <Link to={offersHref.list}>← All offers</Link>
      </p>
      {canWrite ? (
        <section className="card" aria-label="Offer terms">
          <OfferForm
            initial={emptyDraft(activeBrand)}
            brands={brands}
            brandLocked={false}
            submitLabel="Create draft"
            submit={createOffer}
            onSaved={(offer) => navigate(offersHref.detail(offer.id))}
            onCancel={() => navigate(offersHref.list)}
          />
        </section>
      ) : (
        <NotAllowed />
      )}
    </>
  );
}

export function EditOfferPage({ offerId }: { offerId: string }) {
  const { brands } = useWorkspace();
  const navigate = useNavigate();
  const canWrite = useCan(DropPermission.offersWrite);
  const query = useQuery<Offer>(offerPath(offerId));
  const offer = query.data;
  const back = offersHref.detail(offerId);
  return (
    <>
      <PageHeader title={offer ? `Edit ${offer.title}` : 'Edit offer'} />
      <p className="section-nav">
        <Link to={back}>← Back to the offer</Link>
      </p>
      {!canWrite ? (
        <NotAllowed />
      ) : query.error ? (
        <ErrorMessage error={query.error} onRetry={query.reload} />
      ) : !offer ? (
        <Loading label="Loading the offer…" />
      ) : offer.status !== 'draft' && offer.status !== 'approved' ? (
        <EmptyState title={`This offer is ${offer.status}: its terms are frozen`}>
          <p>Close it and create a new offer to sell on other terms.</p>
        </EmptyState>
      ) : (
        <section className="card" aria-label="Offer terms">
          {offer.status === 'approved' && (
            <p className="alert alert-warning">
              This offer is approved. Changing its terms sends it back to draft for a new approval.
            </p>
          )}
          <OfferForm
            initial={draftFromOffer(offer)}
            brands={brands}
            brandLocked
            submitLabel="Save terms"
            // Fields the form does not show are kept as they are.
            submit={(input) =>
              updateOffer(offerId, {
                ...input,
                fallbackOfferId: offer.fallbackOfferId,
                substitutions: offer.substitutions,
              })
            }
            onSaved={() => navigate(back)}
            onCancel={() => navigate(back)}
          />
        </section>
      )}
    </>
  );
}
