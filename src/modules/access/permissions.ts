/**
 * Who may do what. This table is the one place the rule lives; the API checks it on every
 * call through `can`. Roles follow the playbook's actors (seed 004): social ops runs the
 * machine, brand approvers and legal sign copy, inventory leads own holds and fulfilment,
 * finance reads the money, agencies execute for a brand.
 */
export const roles = [
  'owner',
  'social_ops',
  'producer',
  'host',
  'comms',
  'inventory_lead',
  'legal',
  'brand_approver',
  'finance',
  'agency',
] as const;

export type Role = (typeof roles)[number];

export const permissions = [
  'organization.read',
  'members.manage',
  'tokens.manage',
  'brands.manage',
  'catalog.read',
  'catalog.write',
  'inventory.manage',
  'offers.read',
  'offers.write',
  'offers.kill',
  'orders.read',
  'orders.manage',
  'calendar.read',
  'calendar.write',
  'documents.write',
  'approvals.review',
  'approvals.legal_signoff',
  /** Edit a campaign's approvals matrix and the business calendar its SLAs count on. */
  'approvals.configure',
  'shows.run',
  'shows.go_live',
  /** Emergency override of a failing go/no-go (seed 004): the owner's call, audited. */
  'shows.override',
  'comments.triage',
  'analytics.read',
  'finance.read',
  'audit.read',
  'webhooks.manage',
] as const;

export type Permission = (typeof permissions)[number];

const everyone: Permission[] = [
  'organization.read',
  'catalog.read',
  'offers.read',
  'calendar.read',
  'analytics.read',
];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  owner: permissions,
  social_ops: [
    ...everyone,
    'brands.manage',
    'catalog.write',
    'offers.write',
    'offers.kill',
    'orders.read',
    'calendar.write',
    'documents.write',
    'approvals.configure',
    'shows.run',
    'shows.go_live',
    'comments.triage',
    'audit.read',
    'webhooks.manage',
  ],
  producer: [
    ...everyone,
    'calendar.write',
    'documents.write',
    'shows.run',
    'shows.go_live',
    'offers.kill',
  ],
  host: [...everyone, 'shows.run'],
  comms: [...everyone, 'documents.write', 'comments.triage'],
  inventory_lead: [
    ...everyone,
    'catalog.write',
    'inventory.manage',
    'offers.kill',
    'orders.read',
    'orders.manage',
  ],
  legal: [
    ...everyone,
    'approvals.review',
    'approvals.legal_signoff',
    'approvals.configure',
    'audit.read',
  ],
  brand_approver: [...everyone, 'approvals.review', 'audit.read'],
  finance: [...everyone, 'orders.read', 'finance.read', 'audit.read'],
  agency: [...everyone, 'documents.write', 'calendar.write', 'comments.triage'],
};

export const roleDescriptions: Record<Role, string> = {
  owner: 'Runs the organisation: everything, including members, tokens and settings.',
  social_ops: 'Owns the schedule, offers, checkout integration and reporting.',
  producer: 'Runs the show: stream health, scenes, rehearsals and the go/no-go.',
  host: 'Presents the show and confirms readiness.',
  comms: 'Queues posts and links, triages comments.',
  inventory_lead: 'Owns stock, reserves, holds and fulfilment.',
  legal: 'Reviews claims and legal language; final signer where the matrix says so.',
  brand_approver: 'Approves offers, scripts and copy for a brand.',
  finance: 'Reads orders, revenue and attribution.',
  agency: 'Executes shows and creative for a brand, within its approvals.',
};

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}
