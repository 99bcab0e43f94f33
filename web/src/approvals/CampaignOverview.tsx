import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import type { ItemList } from '../api/types';
import { useQuery } from '../api/useQuery';
import { useCan } from '../auth/session';
import { EmptyState, ErrorMessage, Loading } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { useNavigate } from '../router/router';
import { useWorkspace } from '../shell/workspace';
import {
  ApprovalPermission,
  approvalsHref,
  type Campaign,
  type Decisions,
  decisionOptions,
} from './approvalsApi';
import { DocumentsSection } from './DocumentsSection';
import { MatrixCard } from './MatrixCard';
import { useAction } from './useAction';

/** The campaign picker, then the chosen campaign's decisions, matrix and documents. */
export function CampaignOverview({ campaignId }: { campaignId: string | null }) {
  const { contextKey, activeBrand } = useWorkspace();
  // Like offers, campaigns follow the brand chosen in the top bar.
  const campaigns = useQuery<ItemList<Campaign>>(
    activeBrand ? `/api/v1/campaigns?brandId=${activeBrand.id}` : '/api/v1/campaigns',
    contextKey,
  );
  const navigate = useNavigate();
  const canCreate = useCan(ApprovalPermission.campaignsWrite);
  const [creating, setCreating] = useState(false);
  const items = campaigns.data?.items ?? [];
  const chosen = items.find((campaign) => campaign.id === campaignId) ?? items[0];

  if (campaigns.loading && !campaigns.data) return <Loading label="Loading campaigns…" />;
  if (campaigns.error && !campaigns.data) {
    return <ErrorMessage error={campaigns.error} onRetry={campaigns.reload} />;
  }
  return (
    <>
      <section className="card" aria-labelledby="campaign-heading">
        <div className="card-header card-header-row">
          <div>
            <h2 id="campaign-heading">Campaign</h2>
            <p className="muted">A drop or a 30-day program, and the three decisions behind it.</p>
          </div>
          {canCreate && !creating && (
            <button type="button" className="button" onClick={() => setCreating(true)}>
              New campaign
            </button>
          )}
        </div>
        {items.length > 0 && (
          <div className="inline-field">
            <label htmlFor="campaign-picker">Campaign</label>
            <select
              id="campaign-picker"
              value={chosen?.id ?? ''}
              onChange={(event) => navigate(approvalsHref.overview(event.target.value))}
            >
              {items.map((campaign) => (
                <option key={campaign.id} value={campaign.id}>
                  {campaign.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {creating && (
          <NewCampaignForm
            onCancel={() => setCreating(false)}
            onCreated={(campaign) => {
              setCreating(false);
              campaigns.reload();
              navigate(approvalsHref.overview(campaign.id));
            }}
          />
        )}
        {chosen ? (
          <CampaignFacts campaign={chosen} />
        ) : (
          !creating && (
            <EmptyState title="No campaigns yet">
              <p>Create one to get an approvals matrix from its decisions.</p>
            </EmptyState>
          )
        )}
      </section>
      {chosen && <MatrixCard key={`${chosen.id}-${chosen.updatedAt}`} campaign={chosen} />}
      {chosen && <DocumentsSection campaign={chosen} />}
    </>
  );
}

function CampaignFacts({ campaign }: { campaign: Campaign }) {
  return (
    <dl className="facts">
      <div>
        <dt>Kind</dt>
        <dd>{campaign.kind === 'drop' ? 'Drop' : '30-day program'}</dd>
      </div>
      <div>
        <dt>When</dt>
        <dd>
          {formatDateTime(campaign.startsAt)} – {formatDateTime(campaign.endsAt)}
        </dd>
      </div>
      {(Object.keys(decisionOptions) as Array<keyof Decisions>).map((key) => (
        <div key={key}>
          <dt>{decisionTitles[key]}</dt>
          <dd>{(decisionOptions[key] as Record<string, string>)[campaign[key]]}</dd>
        </div>
      ))}
    </dl>
  );
}

const decisionTitles: Record<keyof Decisions, string> = {
  operatingModel: 'Operating model',
  offerComplexity: 'Offer complexity',
  conversionPath: 'Conversion path',
  approvalPace: 'Approval pace',
};

function NewCampaignForm({
  onCancel,
  onCreated,
}: {
  onCancel: () => void;
  onCreated: (campaign: Campaign) => void;
}) {
  const { brands, activeBrand } = useWorkspace();
  const action = useAction();
  const [name, setName] = useState('');
  const [brandId, setBrandId] = useState(activeBrand?.id ?? brands[0]?.id ?? '');
  const [kind, setKind] = useState<'drop' | 'program'>('drop');
  const [decisions, setDecisions] = useState<Decisions>({
    operatingModel: 'hybrid',
    offerComplexity: 'single_sku',
    conversionPath: 'in_platform_checkout',
    approvalPace: 'standard',
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run('create', async () => {
      const campaign = await api<Campaign>('/api/v1/campaigns', {
        method: 'POST',
        body: { name, brandId, kind, ...decisions },
      });
      onCreated(campaign);
    });
  };

  return (
    <form className="form campaign-form" onSubmit={(event) => void submit(event)}>
      <div className="field-row">
        <div className="field">
          <label htmlFor="campaign-name">Name</label>
          <input
            id="campaign-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="campaign-brand">Brand</label>
          <select id="campaign-brand" value={brandId} onChange={(e) => setBrandId(e.target.value)}>
            {brands.map((brand) => (
              <option key={brand.id} value={brand.id}>
                {brand.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="campaign-kind">Kind</label>
          <select
            id="campaign-kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as 'drop' | 'program')}
          >
            <option value="drop">Drop</option>
            <option value="program">30-day program</option>
          </select>
        </div>
      </div>
      <div className="field-row">
        {(Object.keys(decisionOptions) as Array<keyof Decisions>).map((key) => (
          <div className="field" key={key}>
            <label htmlFor={`campaign-${key}`}>{decisionTitles[key]}</label>
            <select
              id={`campaign-${key}`}
              value={decisions[key]}
              onChange={(e) => setDecisions({ ...decisions, [key]: e.target.value })}
            >
              {Object.entries(decisionOptions[key]).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>
      <ErrorMessage error={action.error} />
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create campaign'}
        </button>
        <button type="button" className="button button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
