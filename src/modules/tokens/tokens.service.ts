import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/errors.js';
import { newId, randomSecret } from '../../lib/ids.js';
import { type Actor, isRole, type Role, requirePermission } from '../access/index.js';
import type { AuditRecorder } from '../audit/index.js';
import { hashSecretToken } from '../identity/index.js';
import type { ApiTokenRow, TokensRepository } from './tokens.repository.js';

export interface TokensDeps {
  repository: TokensRepository;
  clock: Clock;
  secret: string;
  audit: AuditRecorder;
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Every token starts with this, so secret scanners and people recognise one. */
export const tokenPrefix = 'mdp_';
const lastUsedResolutionMs = 60 * 1000;

function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    prefix: row.tokenPrefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

/**
 * API tokens for integrations: scoped to one organisation with one role, shown once at
 * creation, stored only as a keyed hash, revocable at any time.
 */
export class TokensService {
  constructor(private readonly deps: TokensDeps) {}

  async create(
    actor: Actor,
    input: { name: string; role: Role },
  ): Promise<{ apiToken: ApiToken; token: string }> {
    requirePermission(actor, 'tokens.manage');
    return this.issue(actor.organizationId, { ...input, createdBy: actor.userId }, actor);
  }

  /** Issues a token; without an actor for the CLI and the demo workspace. */
  async issue(
    organizationId: string,
    input: { name: string; role: Role; createdBy: string | null },
    actor: Actor | null = null,
  ): Promise<{ apiToken: ApiToken; token: string }> {
    const token = `${tokenPrefix}${randomSecret(32)}`;
    const row = await this.deps.repository.insert({
      id: newId(),
      organizationId,
      name: input.name,
      role: input.role,
      tokenHash: hashSecretToken(this.deps.secret, token),
      tokenPrefix: token.slice(0, tokenPrefix.length + 6),
      createdBy: input.createdBy,
      createdAt: this.deps.clock.now(),
    });
    // The prefix identifies the token to people; the secret never reaches the log.
    await this.recordTokenEvent(actor, organizationId, 'token.created', row);
    return { apiToken: toApiToken(row), token };
  }

  async list(actor: Actor): Promise<ApiToken[]> {
    requirePermission(actor, 'tokens.manage');
    return (await this.deps.repository.list(actor.organizationId)).map(toApiToken);
  }

  async revoke(actor: Actor, tokenId: string): Promise<void> {
    requirePermission(actor, 'tokens.manage');
    const row = await this.deps.repository.find(actor.organizationId, tokenId);
    if (!row) throw notFound('token', tokenId);
    await this.deps.repository.revoke(actor.organizationId, tokenId, this.deps.clock.now());
    if (!row.revokedAt)
      await this.recordTokenEvent(actor, actor.organizationId, 'token.revoked', row);
  }

  private async recordTokenEvent(
    actor: Actor | null,
    organizationId: string,
    action: string,
    row: ApiTokenRow,
  ): Promise<void> {
    await this.deps.audit.record({
      organizationId,
      actor,
      action,
      subjectType: 'token',
      subjectId: row.id,
      data: { name: row.name, role: row.role, prefix: row.tokenPrefix },
    });
  }

  /** The actor a bearer token stands for, or undefined when it is unknown or revoked. */
  async authenticate(token: string): Promise<Actor | undefined> {
    if (!token.startsWith(tokenPrefix)) return undefined;
    const row = await this.deps.repository.findActiveByHash(
      hashSecretToken(this.deps.secret, token),
    );
    if (!row || !isRole(row.role)) return undefined;
    const now = this.deps.clock.now();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > lastUsedResolutionMs) {
      await this.deps.repository.touch(row.organizationId, row.id, now);
    }
    return {
      kind: 'token',
      id: row.id,
      organizationId: row.organizationId,
      role: row.role,
      userId: null,
    };
  }
}
