import { AppError } from '../../lib/errors.js';
import { can, type Permission, type Role } from './permissions.js';

/**
 * Who is calling, in which organisation. Every service call that touches tenant data takes
 * an actor; the organisation comes from here and nowhere else.
 */
export interface Actor {
  kind: 'user' | 'token';
  /** The user's id, or the API token's id. */
  id: string;
  organizationId: string;
  role: Role;
  /** The signed-in user behind the call, when there is one. */
  userId: string | null;
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) {
    throw new AppError(
      'forbidden',
      `The ${actor.role} role may not do this (needs ${permission})`,
      { permission, role: actor.role },
    );
  }
}
