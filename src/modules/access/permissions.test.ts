import { describe, expect, it } from 'vitest';
import { can, permissions, rolePermissions, roles } from './permissions.js';

describe('the permission table', () => {
  it('gives the owner every permission', () => {
    for (const permission of permissions) expect(can('owner', permission)).toBe(true);
  });

  it('gives every permission to some role other than the owner, except member and token management and the go/no-go override', () => {
    const ownerOnly = permissions.filter((permission) =>
      roles.every((role) => role === 'owner' || !can(role, permission)),
    );
    expect(ownerOnly).toEqual(['members.manage', 'tokens.manage', 'shows.override']);
  });

  it('keeps legal sign-off with legal and the owner', () => {
    expect(roles.filter((role) => can(role, 'approvals.legal_signoff'))).toEqual([
      'owner',
      'legal',
    ]);
  });

  it('lets only people who run the show or own stock pull the kill switch', () => {
    expect(roles.filter((role) => can(role, 'offers.kill'))).toEqual([
      'owner',
      'social_ops',
      'producer',
      'inventory_lead',
    ]);
  });

  it('leaves outbound webhooks, which carry organisation data out, to the owner and social ops', () => {
    expect(roles.filter((role) => can(role, 'webhooks.manage'))).toEqual(['owner', 'social_ops']);
  });

  it('lists no permission twice for a role', () => {
    for (const role of roles) {
      expect(new Set(rolePermissions[role]).size).toBe(rolePermissions[role].length);
    }
  });
});
