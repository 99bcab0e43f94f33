import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import type { ItemList } from '../api/types';
import { useQuery } from '../api/useQuery';
import { useCan } from '../auth/session';
import { EmptyState, ErrorMessage, Loading } from '../common/feedback';
import { formatDateTime, roleLabel } from '../common/format';
import { Link, useNavigate } from '../router/router';
import {
  ApprovalPermission,
  approvalsHref,
  type Campaign,
  type DocumentDetail,
  type DocumentStatus,
  type DocumentSummary,
  type DocumentType,
  documentStatusLabels,
  documentTypeLabels,
  documentTypes,
} from './approvalsApi';
import { useAction } from './useAction';

export function DocumentStatusBadge({ status }: { status: DocumentStatus }) {
  return (
    <span
      className={`badge document-status document-status-${status}`}
      data-testid="document-status"
    >
      {documentStatusLabels[status]}
    </span>
  );
}

/** The campaign's documents: status, version, whom each waits on. */
export function DocumentsSection({ campaign }: { campaign: Campaign }) {
  const documents = useQuery<ItemList<DocumentSummary>>(
    `/api/v1/documents?campaignId=${campaign.id}`,
  );
  const canWrite = useCan(ApprovalPermission.documentsWrite);
  const [creating, setCreating] = useState(false);
  const items = documents.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="documents-heading">
      <div className="card-header card-header-row">
        <div>
          <h2 id="documents-heading">Documents</h2>
          <p className="muted">
            Every save is a version; an approval holds only for the text approved.
          </p>
        </div>
        {canWrite && !creating && (
          <button type="button" className="button" onClick={() => setCreating(true)}>
            New document
          </button>
        )}
      </div>
      {creating && <NewDocumentForm campaign={campaign} onCancel={() => setCreating(false)} />}
      {documents.loading && !documents.data ? (
        <Loading label="Loading documents…" />
      ) : documents.error && !documents.data ? (
        <ErrorMessage error={documents.error} onRetry={documents.reload} />
      ) : items.length === 0 ? (
        <EmptyState title="No documents yet">
          <p>Host scripts, offer and promo copy, price and terms, and shot lists go here.</p>
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col" className="numeric">
                  Version
                </th>
                <th scope="col">Waiting on</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {items.map((document) => (
                <tr key={document.id}>
                  <td>
                    <Link to={approvalsHref.document(document.id)}>{document.title}</Link>
                  </td>
                  <td>{documentTypeLabels[document.type]}</td>
                  <td>
                    <DocumentStatusBadge status={document.status} />
                  </td>
                  <td className="numeric">
                    v{document.currentVersionNumber}
                    {document.approved && <span className="badge badge-ok">signed</span>}
                  </td>
                  <td>{document.waitingOn.map(roleLabel).join(', ') || '—'}</td>
                  <td>{formatDateTime(document.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function NewDocumentForm({ campaign, onCancel }: { campaign: Campaign; onCancel: () => void }) {
  const navigate = useNavigate();
  const action = useAction();
  const [type, setType] = useState<DocumentType>('host_script');
  const [title, setTitle] = useState('');
  const [content, setContent] = useState('');
  const [generatedBy, setGeneratedBy] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run('create', async () => {
      const created = await api<DocumentDetail>('/api/v1/documents', {
        method: 'POST',
        body: {
          campaignId: campaign.id,
          type,
          title,
          content,
          generatedBy: generatedBy.trim() || null,
        },
      });
      navigate(approvalsHref.document(created.id));
    });
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
      <div className="field-row">
        <div className="field">
          <label htmlFor="document-type">Type</label>
          <select
            id="document-type"
            value={type}
            onChange={(event) => setType(event.target.value as DocumentType)}
          >
            {documentTypes.map((value) => (
              <option key={value} value={value}>
                {documentTypeLabels[value]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="document-title">Title</label>
          <input
            id="document-title"
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="document-generator">Generated by (assistant, if any)</label>
          <input
            id="document-generator"
            value={generatedBy}
            placeholder="Leave empty when a person wrote it"
            onChange={(event) => setGeneratedBy(event.target.value)}
          />
        </div>
      </div>
      <div className="field">
        <label htmlFor="document-content">Text</label>
        <textarea
          id="document-content"
          className="document-textarea"
          rows={8}
          value={content}
          onChange={(event) => setContent(event.target.value)}
          required
        />
      </div>
      <ErrorMessage error={action.error} />
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create document'}
        </button>
        <button type="button" className="button button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
