import { notFound } from '../lib/errors.js';
import { type Permission, type Role, rolePermissions } from '../modules/access/index.js';
import type { PublicUser } from '../modules/identity/index.js';
import type { OrganizationMembership } from '../modules/organizations/index.js';
import type { Services } from '../services.js';

/**
 * Flows that cross the identity and organisations modules: what the signed-in person sees of
 * themselves, signing in, choosing the organisation and brand to work in, accepting an
 * invitation.
 */
export interface Me {
  user: PublicUser;
  organizations: OrganizationMembership[];
  activeOrganizationId: string | null;
  activeBrandId: string | null;
  role: Role | null;
  permissions: Permission[];
}

export interface SessionContext {
  activeOrganizationId: string | null;
  activeBrandId: string | null;
}

export async function describeMe(
  services: Services,
  user: PublicUser,
  context: SessionContext,
): Promise<Me> {
  const organizations = await services.organizations.listOrganizationsOfUser(user.id);
  const active = organizations.find((org) => org.id === context.activeOrganizationId);
  return {
    user,
    organizations,
    activeOrganizationId: active?.id ?? null,
    activeBrandId: active ? context.activeBrandId : null,
    role: active?.role ?? null,
    permissions: active ? [...rolePermissions[active.role]] : [],
  };
}

export async function signIn(
  services: Services,
  input: { email: string; password: string; address: string },
): Promise<{ me: Me; token: string }> {
  const user = await services.identity.authenticate(input.email, input.password, input.address);
  const organizations = await services.organizations.listOrganizationsOfUser(user.id);
  const context = { organizationId: organizations[0]?.id ?? null, brandId: null };
  const { token } = await services.identity.startSession(user.id, context);
  const me = await describeMe(services, user, {
    activeOrganizationId: context.organizationId,
    activeBrandId: null,
  });
  return { me, token };
}

/** Switches the session to another organisation (and brand); both must be the user's. */
export async function switchContext(
  services: Services,
  signedIn: { user: PublicUser; sessionId: string },
  target: { organizationId: string; brandId: string | null },
): Promise<Me> {
  const role = await services.organizations.roleOf(target.organizationId, signedIn.user.id);
  if (!role) throw notFound('organization', target.organizationId);
  if (
    target.brandId &&
    !(await services.organizations.brandExists(target.organizationId, target.brandId))
  ) {
    throw notFound('brand', target.brandId);
  }
  await services.identity.setSessionContext(
    signedIn.sessionId,
    target.organizationId,
    target.brandId,
  );
  return describeMe(services, signedIn.user, {
    activeOrganizationId: target.organizationId,
    activeBrandId: target.brandId,
  });
}

export async function describeInvitation(services: Services, token: string) {
  const invitation = await services.invitations.findOpen(token);
  const organization = await services.organizations.findOrganization(invitation.organizationId);
  return {
    email: invitation.email,
    role: invitation.role as Role,
    organizationName: organization?.name ?? '',
    expiresAt: invitation.expiresAt,
  };
}

/**
 * Accepts an invitation: a new person sets their name and password; someone who already has
 * an account proves it with their password. Either way they join with the invited role.
 */
export async function acceptInvitation(
  services: Services,
  input: { token: string; name: string; password: string; address: string },
): Promise<{ me: Me; token: string }> {
  const invitation = await services.invitations.findOpen(input.token);
  const existing = await services.identity.findUserByEmail(invitation.email);
  const user = existing
    ? await services.identity.authenticate(invitation.email, input.password, input.address)
    : await services.identity.createUser({
        email: invitation.email,
        name: input.name,
        password: input.password,
      });
  await services.organizations.addMember(
    invitation.organizationId,
    user.id,
    invitation.role as Role,
  );
  await services.invitations.markAccepted(invitation);
  const context = { organizationId: invitation.organizationId, brandId: null };
  const { token } = await services.identity.startSession(user.id, context);
  const me = await describeMe(services, user, {
    activeOrganizationId: invitation.organizationId,
    activeBrandId: null,
  });
  return { me, token };
}
