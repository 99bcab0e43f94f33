export {
  type Invitation,
  InvitationsService,
  invitationLifetimeMs,
} from './invitations.service.js';
export { OrganizationsRepository } from './organizations.repository.js';
export { organizationsRoutes } from './organizations.routes.js';
export {
  type Brand,
  type BrandInput,
  type Member,
  type OrganizationMembership,
  OrganizationsService,
  slugify,
} from './organizations.service.js';
