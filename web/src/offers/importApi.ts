import { ApiError } from '../api/client';

/** What `POST /api/v1/products/import` answers: 200 for a dry run, 201 once written. */
export interface ImportSummary {
  created: { products: number; skus: number };
  updated: { products: number };
  rows: number;
}

/** One problem in one row; `column` is null when the row as a whole is wrong. */
export interface ImportRowError {
  line: number;
  column: string | null;
  message: string;
}

/** Not among `Permission` in api/types yet: the import is the console's first catalog write. */
export const catalogWrite = 'catalog.write';

/** The server refuses larger files; checking first saves uploading them. */
export const maxImportBytes = 5 * 1024 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sends a CSV file's text to the import endpoint. `api()` only sends JSON bodies, so this one
 * request is made here; its errors become the same `ApiError` with the server's message.
 */
export async function postProductCsv(
  brandId: string,
  csv: string,
  dryRun: boolean,
): Promise<ImportSummary> {
  const query = new URLSearchParams({ brandId, dryRun: String(dryRun) });
  let response: Response;
  try {
    response = await fetch(`/api/v1/products/import?${query}`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'text/csv; charset=utf-8' },
      credentials: 'same-origin',
      body: csv,
    });
  } catch {
    throw new ApiError(
      0,
      'network',
      'Could not reach the Mydrop server. Check your connection and try again.',
    );
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok) return body as ImportSummary;
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  throw new ApiError(
    response.status,
    typeof error.code === 'string' ? error.code : 'error',
    typeof error.message === 'string' && error.message !== ''
      ? error.message
      : `The server answered ${response.status} ${response.statusText}`.trim(),
    isRecord(error.details) ? error.details : {},
  );
}

/** The per-row problems of a refused import, or none when the error is about something else. */
export function importRowErrors(error: unknown): ImportRowError[] {
  if (!(error instanceof ApiError) || !Array.isArray(error.details.rows)) return [];
  return error.details.rows.filter(
    (row): row is ImportRowError =>
      isRecord(row) && typeof row.line === 'number' && typeof row.message === 'string',
  );
}
