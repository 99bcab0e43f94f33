import type { Clock } from '../../lib/clock.js';
import { AppError, notFound } from '../../lib/errors.js';
import { newId, randomSecret } from '../../lib/ids.js';
import { type Actor, type Role, requirePermission } from '../access/index.js';
import { hashSecretToken } from '../identity/index.js';
import type { InvitationRow, OrganizationsRepository } from './organizations.repository.js';

export interface InvitationsDeps {
  repository: OrganizationsRepository;
  clock: Clock;
  secret: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

export const invitationLifetimeMs = 7 * 24 * 60 * 60 * 1000;

function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role as Role,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    acceptedAt: row.acceptedAt,
    revokedAt: row.revokedAt,
  };
}

/**
 * An owner invites a person by e-mail with a role. The invitation carries a one-time secret;
 * whoever holds the link can accept it once, before it expires, unless it was revoked.
 */
export class InvitationsService {
  constructor(private readonly deps: InvitationsDeps) {}

  async invite(
    actor: Actor,
    input: { email: string; role: Role },
  ): Promise<{ invitation: Invitation; token: string }> {
    requirePermission(actor, 'members.manage');
    const token = randomSecret(24);
    const now = this.deps.clock.now();
    const row = await this.deps.repository.insertInvitation({
      id: newId(),
      organizationId: actor.organizationId,
      email: input.email.trim(),
      role: input.role,
      tokenHash: hashSecretToken(this.deps.secret, token),
      invitedBy: actor.userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + invitationLifetimeMs),
    });
    return { invitation: toInvitation(row), token };
  }

  async list(actor: Actor): Promise<Invitation[]> {
    requirePermission(actor, 'members.manage');
    return (await this.deps.repository.listInvitations(actor.organizationId)).map(toInvitation);
  }

  async revoke(actor: Actor, invitationId: string): Promise<void> {
    requirePermission(actor, 'members.manage');
    const row = await this.deps.repository.findInvitation(actor.organizationId, invitationId);
    if (!row) throw notFound('invitation', invitationId);
    if (row.acceptedAt) throw new AppError('conflict', 'This invitation was already accepted');
    await this.deps.repository.markInvitation(actor.organizationId, invitationId, {
      revokedAt: this.deps.clock.now(),
    });
  }

  /** The open invitation behind a link; expired, used or revoked links are not found. */
  async findOpen(token: string): Promise<InvitationRow> {
    const row = await this.deps.repository.findInvitationByTokenHash(
      hashSecretToken(this.deps.secret, token),
    );
    const now = this.deps.clock.now();
    if (!row || row.acceptedAt || row.revokedAt || row.expiresAt <= now) {
      throw new AppError(
        'not_found',
        'This invitation link is not valid: it may have expired, been used or been revoked',
      );
    }
    return row;
  }

  async markAccepted(row: InvitationRow): Promise<void> {
    await this.deps.repository.markInvitation(row.organizationId, row.id, {
      acceptedAt: this.deps.clock.now(),
    });
  }
}
