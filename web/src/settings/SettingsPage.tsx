import { Permission } from '../api/types';
import { useCan, useMe } from '../auth/session';
import { PageHeader } from '../common/feedback';
import { roleLabel } from '../common/format';
import { AuditSection } from './AuditSection';
import { BrandsSection } from './BrandsSection';
import { InvitationsSection } from './InvitationsSection';
import { MembersSection } from './MembersSection';
import { TokensSection } from './TokensSection';
import { useRoles } from './useRoles';
import { WebhooksSection } from './WebhooksSection';

export function SettingsPage() {
  const me = useMe();
  const roles = useRoles();
  const canManageMembers = useCan(Permission.membersManage);
  const canManageTokens = useCan(Permission.tokensManage);
  const organization = me.organizations.find((item) => item.id === me.activeOrganizationId);

  return (
    <>
      <PageHeader
        title="Settings"
        description={
          organization ? (
            <>
              Organisation <strong>{organization.name}</strong> · you are {roleLabel(me.role)}
            </>
          ) : undefined
        }
      />
      <nav className="section-nav" aria-label="Settings sections">
        <a href="#members">Members</a>
        {canManageMembers && <a href="#invite">Invite</a>}
        <a href="#brands">Brands</a>
        <a href="#tokens">API tokens</a>
        <a href="#webhooks">Webhooks</a>
      </nav>
      <MembersSection roles={roles} canManage={canManageMembers} currentUserId={me.user.id} />
      {canManageMembers && <InvitationsSection roles={roles} />}
      <BrandsSection />
      {canManageTokens ? (
        <TokensSection roles={roles} />
      ) : (
        <section className="card" id="tokens" aria-labelledby="tokens-heading">
          <h2 id="tokens-heading">API tokens</h2>
          <p className="muted">
            Only members allowed to manage tokens can see and create API tokens.
          </p>
        </section>
      )}
      <WebhooksSection />
      <AuditSection />
    </>
  );
}
