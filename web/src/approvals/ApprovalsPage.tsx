import { PageHeader } from '../common/feedback';
import { Link, useSearchParam } from '../router/router';
import { approvalsHref } from './approvalsApi';
import { BusinessCalendarCard } from './BusinessCalendarCard';
import { CampaignOverview } from './CampaignOverview';
import { DocumentPage } from './DocumentPage';
import { WaitingBoardView } from './WaitingBoard';
import './approvals.css';

/**
 * The Approvals area. One route, /approvals, whose query string picks the view: a campaign's
 * matrix and documents (default, `?campaign=<id>`), a document (`?document=<id>`), what is
 * waiting on whom (`?view=waiting`) and the business calendar (`?view=calendar`).
 */
export function ApprovalsPage() {
  const documentId = useSearchParam('document');
  const view = useSearchParam('view');
  const campaignId = useSearchParam('campaign');
  if (documentId) return <DocumentPage key={documentId} documentId={documentId} />;
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Who reviews each document of a campaign, in what order and how fast; every version kept, every decision bound to the text it approved."
      />
      <nav className="section-nav" aria-label="Approvals">
        <ViewLink to={approvalsHref.overview(campaignId)} current={!view}>
          Campaigns
        </ViewLink>
        <ViewLink to={approvalsHref.waiting} current={view === 'waiting'}>
          Waiting on
        </ViewLink>
        <ViewLink to={approvalsHref.calendar} current={view === 'calendar'}>
          Business calendar
        </ViewLink>
      </nav>
      {view === 'waiting' ? (
        <WaitingBoardView />
      ) : view === 'calendar' ? (
        <BusinessCalendarCard />
      ) : (
        <CampaignOverview campaignId={campaignId} />
      )}
    </>
  );
}

function ViewLink({ to, current, children }: { to: string; current: boolean; children: string }) {
  return (
    <Link
      to={to}
      aria-current={current ? 'page' : undefined}
      className={current ? 'view-current' : ''}
    >
      {children}
    </Link>
  );
}
