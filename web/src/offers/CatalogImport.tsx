import { type FormEvent, useState } from 'react';
import type { Brand } from '../api/types';
import { useCan } from '../auth/session';
import { EmptyState, ErrorMessage, Notice } from '../common/feedback';
import { formatNumber } from '../common/format';
import { CsvColumnsHelp } from './CsvColumnsHelp';
import {
  catalogWrite,
  type ImportRowError,
  type ImportSummary,
  importRowErrors,
  maxImportBytes,
  postProductCsv,
} from './importApi';
import './catalogImport.css';

interface Outcome {
  dryRun: boolean;
  fileName: string;
  summary: ImportSummary;
}

const count = (value: number, one: string, many: string) =>
  `${formatNumber(value)} ${value === 1 ? one : many}`;

function summaryText({ dryRun, fileName, summary }: Outcome): string {
  const rows = count(summary.rows, 'row', 'rows');
  const made = `${count(summary.created.products, 'new product', 'new products')} and ${count(summary.created.skus, 'SKU', 'SKUs')}`;
  const existing = summary.updated.products;
  if (dryRun) {
    const adding =
      existing > 0
        ? `, adding SKUs to ${count(existing, 'existing product', 'existing products')}`
        : '';
    return `${fileName} is ready: its ${rows} would create ${made}${adding}. Nothing has been written yet.`;
  }
  const added =
    existing > 0 ? `; ${count(existing, 'existing product', 'existing products')} gained SKUs` : '';
  return `Imported ${rows} from ${fileName}: ${made}${added}.`;
}

/** The Offers area's CSV import: shown to people who may change the catalog. */
export function CatalogImport({
  brand,
  onImported,
}: {
  brand: Brand | null;
  onImported: () => void;
}) {
  const canWrite = useCan(catalogWrite);
  if (!canWrite) return null;
  return (
    <section className="card" aria-labelledby="catalog-import-heading">
      <div className="card-header">
        <h2 id="catalog-import-heading">Import CSV</h2>
        <p className="muted">
          Add products and SKUs from a spreadsheet. Check the file first: an import writes every row
          or, if any row has a problem, none.
        </p>
      </div>
      {brand ? (
        // A new brand starts with a clean form, so no result from another brand lingers.
        <ImportForm key={brand.id} brand={brand} onImported={onImported} />
      ) : (
        <EmptyState title="Choose a brand to import into">
          <p>
            Products belong to one brand. Pick it in the Brand menu at the top of the page, then
            come back here to import.
          </p>
        </EmptyState>
      )}
    </section>
  );
}

function ImportForm({ brand, onImported }: { brand: Brand; onImported: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const [pending, setPending] = useState<'check' | 'import' | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setOutcome(null);
    setError(null);
    if (file.size > maxImportBytes) {
      setError(new Error(`${file.name} is larger than 5 MiB; split it into smaller files.`));
      return;
    }
    setPending(dryRun ? 'check' : 'import');
    try {
      const summary = await postProductCsv(brand.id, await file.text(), dryRun);
      setOutcome({ dryRun, fileName: file.name, summary });
      if (!dryRun) {
        setFile(null);
        setInputKey((key) => key + 1);
        onImported();
      }
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(null);
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(false);
  };

  const rowErrors = importRowErrors(error);
  return (
    <>
      <CsvColumnsHelp />
      <form className="form form-inline" onSubmit={submit}>
        <div className="field">
          <label htmlFor="catalog-import-file">CSV file</label>
          <input
            key={inputKey}
            id="catalog-import-file"
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              setOutcome(null);
              setError(null);
            }}
          />
        </div>
        <div className="button-row">
          <button
            type="button"
            className="button"
            disabled={!file || pending !== null}
            onClick={() => void run(true)}
          >
            {pending === 'check' ? 'Checking…' : 'Check file'}
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={!file || pending !== null}
          >
            {pending === 'import' ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
      <p className="hint">
        Into <strong>{brand.name}</strong>. UTF-8 text, up to 5,000 rows and 5 MiB.
      </p>
      {outcome && <Notice>{summaryText(outcome)}</Notice>}
      <ErrorMessage error={error} />
      {rowErrors.length > 0 && <RowErrorTable rows={rowErrors} />}
    </>
  );
}

function RowErrorTable({ rows }: { rows: ImportRowError[] }) {
  return (
    <div className="table-scroll import-errors">
      <table className="table">
        <caption className="visually-hidden">Problems in the file, by line</caption>
        <thead>
          <tr>
            <th scope="col" className="numeric">
              Line
            </th>
            <th scope="col">Column</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            // A line can have several problems, and the list never reorders.
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity of their own.
            <tr key={index}>
              <td className="numeric">{row.line}</td>
              <td>{row.column ? <code>{row.column}</code> : 'Whole row'}</td>
              <td>{row.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
