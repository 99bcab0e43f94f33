import { useState } from 'react';
import { api } from '../api/client';
import type { ItemList } from '../api/types';
import { useQuery } from '../api/useQuery';
import { useCan } from '../auth/session';
import { ErrorMessage, Loading, Notice, PageHeader } from '../common/feedback';
import { formatDateTime } from '../common/format';
import { Link } from '../router/router';
import {
  ApprovalPermission,
  approvalsHref,
  type DocumentDetail,
  documentTypeLabels,
  type Version,
  type VersionSummary,
} from './approvalsApi';
import { DiffCard } from './DiffCard';
import { DocumentStatusBadge } from './DocumentsSection';
import { ReviewPanel } from './ReviewPanel';
import { useAction } from './useAction';
import { VersionTextCard } from './VersionTextCard';

/**
 * One document: its review (who decides, by when, and the decision for this person if it is
 * their turn), the text with line comments, the editor (each save a new version) and a diff
 * between any two versions.
 */
export function DocumentPage({ documentId }: { documentId: string }) {
  const path = `/api/v1/documents/${documentId}`;
  const document = useQuery<DocumentDetail>(path);
  const versions = useQuery<ItemList<VersionSummary>>(`${path}/versions`);
  // Kept here: the editor starts afresh (a new key) on the version it just saved.
  const [savedNumber, setSavedNumber] = useState<number | null>(null);
  const reload = () => {
    document.reload();
    versions.reload();
  };

  const data = document.data;
  if (!data) {
    return (
      <>
        <PageHeader title="Document" />
        <p className="section-nav">
          <Link to={approvalsHref.overview()}>← Approvals</Link>
        </p>
        {document.error ? (
          <ErrorMessage error={document.error} onRetry={document.reload} />
        ) : (
          <Loading label="Loading the document…" />
        )}
      </>
    );
  }
  return (
    <>
      <PageHeader
        title={data.title}
        description={
          <>
            <DocumentStatusBadge status={data.status} /> {documentTypeLabels[data.type]} · v
            {data.currentVersionNumber}
            {data.approvedVersionNumber !== null &&
              (data.approved
                ? ` · approved ${formatDateTime(data.approvedAt)}`
                : ` · v${data.approvedVersionNumber} was approved`)}
          </>
        }
      />
      <nav className="section-nav" aria-label="Document">
        <Link to={approvalsHref.overview(data.campaignId)}>← Campaign</Link>
        <Link to={approvalsHref.waiting}>Waiting on</Link>
      </nav>
      <ErrorMessage error={document.error} onRetry={document.reload} />
      <ReviewPanel document={data} onChanged={reload} />
      <VersionTextCard
        key={data.currentVersionId}
        document={data}
        versions={versions.data?.items ?? []}
        onChanged={reload}
      />
      <EditorCard
        key={`editor-${data.currentVersionId}`}
        document={data}
        savedNumber={savedNumber}
        onSaved={(number) => {
          setSavedNumber(number);
          reload();
        }}
      />
      {versions.data && (
        <DiffCard
          key={`diff-${data.currentVersionId}-${versions.data.items.length}`}
          documentId={data.id}
          versions={versions.data.items}
        />
      )}
    </>
  );
}

function EditorCard({
  document,
  savedNumber,
  onSaved,
}: {
  document: DocumentDetail;
  savedNumber: number | null;
  onSaved: (number: number) => void;
}) {
  const canWrite = useCan(ApprovalPermission.documentsWrite);
  const [content, setContent] = useState(document.currentVersion.content);
  const [note, setNote] = useState('');
  const action = useAction();
  if (!canWrite) return null;
  const unchanged = content === document.currentVersion.content;

  const save = async () => {
    let saved: Version | undefined;
    const ok = await action.run('save', async () => {
      saved = await api<Version>(`/api/v1/documents/${document.id}/versions`, {
        method: 'POST',
        body: { content, note: note.trim() || null, baseVersionId: document.currentVersionId },
      });
    });
    if (ok && saved) onSaved(saved.number);
  };

  return (
    <section className="card" aria-labelledby="editor-heading">
      <div className="card-header">
        <h2 id="editor-heading">Edit</h2>
        <p className="muted">
          Saving makes version {document.currentVersionNumber + 1}.
          {document.status === 'approved' && ' It voids the approval of the current text.'}
          {document.status === 'in_review' && ' It voids the review under way.'}
        </p>
      </div>
      {savedNumber !== null && <Notice>Saved as version {savedNumber}.</Notice>}
      <div className="field">
        <label htmlFor="editor-content">Text</label>
        <textarea
          id="editor-content"
          className="document-textarea"
          rows={Math.min(20, Math.max(6, content.split('\n').length + 1))}
          value={content}
          onChange={(event) => setContent(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="editor-note">What changed (optional)</label>
        <input id="editor-note" value={note} onChange={(event) => setNote(event.target.value)} />
      </div>
      <ErrorMessage error={action.error} />
      <div className="button-row">
        <button
          type="button"
          className="button button-primary"
          disabled={action.busy || unchanged}
          onClick={() => void save()}
        >
          {action.busy ? 'Saving…' : 'Save as new version'}
        </button>
      </div>
    </section>
  );
}
