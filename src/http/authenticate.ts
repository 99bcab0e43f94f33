import type { FastifyRequest } from 'fastify';
import type { Row } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import type { Actor } from '../modules/access/index.js';
import type { PublicUser } from '../modules/identity/index.js';
import type { Services } from '../services.js';
import { readSessionToken } from './session-cookie.js';

type Session = Row<'sessions'>;

export interface SignedIn {
  user: PublicUser;
  session: Session;
  token: string;
}

/**
 * Works out who is calling: a bearer API token (an organisation and a role), or a session
 * cookie (a user, acting in the organisation chosen in the session with their role there).
 * The answer is kept for the rest of the request.
 */
export class Authenticator {
  private readonly signedIn = new WeakMap<FastifyRequest, Promise<SignedIn | undefined>>();
  private readonly actors = new WeakMap<FastifyRequest, Promise<Actor>>();

  constructor(private readonly services: Services) {}

  signedInUser(request: FastifyRequest): Promise<SignedIn | undefined> {
    let pending = this.signedIn.get(request);
    if (!pending) {
      pending = this.lookUpSession(request);
      this.signedIn.set(request, pending);
    }
    return pending;
  }

  async requireSignedIn(request: FastifyRequest): Promise<SignedIn> {
    const signedIn = await this.signedInUser(request);
    if (!signedIn) throw new AppError('unauthenticated', 'Sign in first');
    return signedIn;
  }

  /** The actor behind this request, or an error saying why there is none. */
  requireActor(request: FastifyRequest): Promise<Actor> {
    let pending = this.actors.get(request);
    if (!pending) {
      pending = this.resolveActor(request);
      this.actors.set(request, pending);
    }
    return pending;
  }

  private async lookUpSession(request: FastifyRequest): Promise<SignedIn | undefined> {
    const token = readSessionToken(request);
    if (!token) return undefined;
    const found = await this.services.identity.resolveSession(token);
    return found && { ...found, token };
  }

  private async resolveActor(request: FastifyRequest): Promise<Actor> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const actor = match?.[1] ? await this.services.tokens.authenticate(match[1]) : undefined;
      if (!actor)
        throw new AppError('unauthenticated', 'The API token is missing, unknown or revoked');
      return actor;
    }
    const { user, session } = await this.requireSignedIn(request);
    const organizationId = session.activeOrganizationId;
    if (!organizationId) {
      throw new AppError('forbidden', 'Choose an organisation first (PUT /api/v1/me/context)', {
        reason: 'no_organization_selected',
      });
    }
    const role = await this.services.organizations.roleOf(organizationId, user.id);
    if (!role) {
      throw new AppError('forbidden', 'You are no longer a member of the selected organisation', {
        reason: 'not_a_member',
      });
    }
    return { kind: 'user', id: user.id, organizationId, role, userId: user.id };
  }
}
