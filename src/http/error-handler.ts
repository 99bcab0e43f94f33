import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, isAppError, statusForCode } from '../lib/errors.js';

/**
 * Every error leaves the API in one shape: {"error":{"code","message","details"}}. Validation
 * failures name the field and the problem; nothing the caller did becomes a bare 500.
 */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: Record<string, unknown> };
}

export function errorBody(error: AppError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details } };
}

export interface ValidationIssue {
  instancePath?: string;
  message?: string;
}

function fieldName(context: string | undefined, instancePath: string | undefined): string {
  const path = (instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  return [context, path].filter(Boolean).join('.');
}

/**
 * The 400 for a request part that failed its schema (`context`: params, body, querystring or
 * headers), naming each field and its problem.
 */
export function validationFailure(
  context: string | undefined,
  validation: readonly ValidationIssue[],
): AppError {
  const issues = validation.map((issue) => ({
    field: fieldName(context, issue.instancePath),
    message: issue.message ?? 'is invalid',
  }));
  const summary = issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ');
  return new AppError('invalid', summary || 'The request is invalid', { issues });
}

function fromValidation(error: FastifyError): AppError {
  const context = (error as FastifyError & { validationContext?: string }).validationContext;
  return validationFailure(context, (error.validation ?? []) as ValidationIssue[]);
}

const frameworkCodes: Record<number, ErrorCode> = {
  400: 'invalid',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** PostgreSQL's unique_violation: two writers raced for the same unique value. */
const uniqueViolation = '23505';

export function toAppError(error: FastifyError): AppError | undefined {
  if (isAppError(error)) return error;
  if ((error as { code?: unknown }).code === uniqueViolation) {
    return new AppError('conflict', 'A record with the same unique value already exists');
  }
  if (error.validation) return fromValidation(error);
  const status = error.statusCode ?? 500;
  const code = frameworkCodes[status];
  if (code) return new AppError(code, error.message);
  return undefined;
}

/** An error as the API answers it: status, body, the headers it needs, and whether it is ours. */
export interface ErrorAnswer {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** A 5xx or an error nobody expected: it is logged with its stack. */
  fault: boolean;
}

export function errorAnswer(error: unknown): ErrorAnswer {
  const appError =
    typeof error === 'object' && error !== null ? toAppError(error as FastifyError) : undefined;
  if (!appError || statusForCode(appError.code) >= 500) {
    const failure = appError ?? new AppError('internal', 'Something went wrong on our side');
    return {
      status: statusForCode(failure.code),
      body: errorBody(failure),
      headers: {},
      fault: true,
    };
  }
  const headers: Record<string, string> = {};
  if (appError.code === 'rate_limited' && typeof appError.details.retryAfterSeconds === 'number') {
    headers['retry-after'] = String(appError.details.retryAfterSeconds);
  }
  return { status: statusForCode(appError.code), body: errorBody(appError), headers, fault: false };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const answer = errorAnswer(error);
    if (answer.fault) request.log.error({ err: error }, 'request failed');
    return reply.status(answer.status).headers(answer.headers).send(answer.body);
  });
}
