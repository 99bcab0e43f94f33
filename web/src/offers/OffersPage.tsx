import { DropPermission, type ItemList, type Offer } from '../api/types';
import { useQuery } from '../api/useQuery';
import { useCan } from '../auth/session';
import { EmptyState, ErrorMessage, Loading, PageHeader } from '../common/feedback';
import { Link, useSearchParam } from '../router/router';
import { useWorkspace } from '../shell/workspace';
import { CatalogSection } from './CatalogSection';
import { OfferDetailPage } from './OfferDetailPage';
import { EditOfferPage, NewOfferPage } from './OfferEditorPages';
import { OfferList } from './OfferList';
import { isMoving, offerPollMs, offersHref, offersPath } from './offersApi';
import { usePolling } from './usePolling';
import './offers.css';

/**
 * The Offers area. One route, /offers, whose query string picks the view: the list (default),
 * `?view=new`, `?offer=<id>` and `?offer=<id>&view=edit`.
 */
export function OffersPage() {
  const offerId = useSearchParam('offer');
  const view = useSearchParam('view');
  if (offerId && view === 'edit') return <EditOfferPage key={offerId} offerId={offerId} />;
  if (offerId) return <OfferDetailPage key={offerId} offerId={offerId} />;
  if (view === 'new') return <NewOfferPage />;
  return <OffersOverview />;
}

function OffersOverview() {
  const canWrite = useCan(DropPermission.offersWrite);
  return (
    <>
      <PageHeader
        title="Offers"
        description="Price, stock reserve and timing for products sold in a show. Live counts refresh every two seconds while an offer is live or paused."
      />
      <OffersSection canWrite={canWrite} />
      <CatalogSection />
    </>
  );
}

function OffersSection({ canWrite }: { canWrite: boolean }) {
  const { activeBrand, brands, contextKey } = useWorkspace();
  const offers = useQuery<ItemList<Offer>>(offersPath(activeBrand?.id ?? null), contextKey);
  const items = offers.data?.items ?? [];
  usePolling(offers.reload, items.some(isMoving), offerPollMs);
  const scope = activeBrand ? activeBrand.name : 'all brands';

  return (
    <section className="card" aria-labelledby="offers-heading">
      <div className="card-header card-header-row">
        <div>
          <h2 id="offers-heading">Offers</h2>
          <p className="muted">
            For <strong>{scope}</strong>
            {offers.data && ` · ${items.length} ${items.length === 1 ? 'offer' : 'offers'}`}
          </p>
        </div>
        {canWrite && (
          <Link to={offersHref.create} className="button button-primary">
            New offer
          </Link>
        )}
      </div>
      {offers.loading && !offers.data ? (
        <Loading label="Loading offers…" />
      ) : offers.error && !offers.data ? (
        <ErrorMessage error={offers.error} onRetry={offers.reload} />
      ) : items.length === 0 ? (
        <EmptyState title="No offers yet">
          <p>
            {canWrite
              ? 'Create one with “New offer”: pick SKUs from the catalog below and set the price.'
              : 'Offers appear here once someone with offer rights creates them.'}
          </p>
        </EmptyState>
      ) : (
        <>
          {/* A failed refresh keeps the last counts and says so. */}
          <ErrorMessage error={offers.error} onRetry={offers.reload} />
          <OfferList offers={items} brands={brands} showBrand={!activeBrand} />
        </>
      )}
    </section>
  );
}
