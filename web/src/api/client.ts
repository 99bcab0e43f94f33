/**
 * The one way the console talks to the API. Every error response body is
 * `{"error":{"code","message","details"}}`; it becomes an `ApiError` whose `message` is the
 * server's, so screens can show it as is.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

type UnauthenticatedListener = () => void;
let unauthenticatedListener: UnauthenticatedListener | null = null;

/** Called when a request made with `authenticated` (the default) answers 401 unauthenticated. */
export function onUnauthenticated(listener: UnauthenticatedListener | null): void {
  unauthenticatedListener = listener;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** When false, a 401 is only thrown, not reported as "session ended". */
  authenticated?: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorFromBody(status: number, body: unknown, fallbackText: string): ApiError {
  if (isRecord(body) && isRecord(body.error)) {
    const { code, message, details } = body.error;
    return new ApiError(
      status,
      typeof code === 'string' ? code : 'error',
      typeof message === 'string' && message !== '' ? message : fallbackText,
      isRecord(details) ? details : {},
    );
  }
  return new ApiError(status, 'error', fallbackText);
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, signal, authenticated = true } = options;
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(
      0,
      'network',
      'Could not reach the Mydrop server. Check your connection and try again.',
    );
  }

  const text = await response.text();
  let parsed: unknown;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }

  if (!response.ok) {
    const error = errorFromBody(
      response.status,
      parsed,
      `The server answered ${response.status} ${response.statusText}`.trim(),
    );
    if (authenticated && response.status === 401 && error.code === 'unauthenticated') {
      unauthenticatedListener?.();
    }
    throw error;
  }
  return parsed as T;
}

/** A readable message for anything thrown while talking to the API or rendering. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'Something went wrong.';
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export interface FieldIssue {
  field: string;
  message: string;
}

/** The per-field problems of a refused request (`details.issues`), e.g. `body.priceMinor`. */
export function validationIssues(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError) || !Array.isArray(error.details.issues)) return [];
  return error.details.issues.filter(
    (issue): issue is FieldIssue =>
      isRecord(issue) && typeof issue.field === 'string' && typeof issue.message === 'string',
  );
}
