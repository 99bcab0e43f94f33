import { useState } from 'react';
import { api } from '../api/client';
import type { ItemList, Member } from '../api/types';
import { useQuery } from '../api/useQuery';
import { EmptyState, ErrorMessage, Loading, Notice } from '../common/feedback';
import { formatDateTime, roleLabel } from '../common/format';
import { useWorkspace } from '../shell/workspace';
import { RoleSelect } from './RoleSelect';
import type { RolesState } from './useRoles';

interface Props {
  roles: RolesState;
  canManage: boolean;
  currentUserId: string;
}

export function MembersSection({ roles, canManage, currentUserId }: Props) {
  const { organizationId } = useWorkspace();
  const members = useQuery<ItemList<Member>>('/api/v1/members', organizationId);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const act = async (userId: string, action: () => Promise<string>) => {
    setBusyId(userId);
    setError(null);
    setNotice(null);
    try {
      setNotice(await action());
      members.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusyId(null);
    }
  };

  const changeRole = (member: Member, role: string) =>
    act(member.userId, async () => {
      await api<Member>(`/api/v1/members/${encodeURIComponent(member.userId)}`, {
        method: 'PATCH',
        body: { role },
      });
      return `${member.name} is now ${roleLabel(role)}.`;
    });

  const remove = (member: Member) => {
    if (!window.confirm(`Remove ${member.name} (${member.email}) from the organisation?`)) return;
    void act(member.userId, async () => {
      await api<void>(`/api/v1/members/${encodeURIComponent(member.userId)}`, { method: 'DELETE' });
      return `${member.name} was removed.`;
    });
  };

  const items = members.data?.items ?? [];
  return (
    <section className="card" id="members" aria-labelledby="members-heading">
      <div className="card-header">
        <h2 id="members-heading">Members</h2>
        <p className="muted">
          People who can sign in to this organisation, and what their role lets them do.
        </p>
      </div>
      <ErrorMessage error={error} />
      {notice && <Notice>{notice}</Notice>}
      {members.loading && !members.data ? (
        <Loading label="Loading members…" />
      ) : members.error ? (
        <ErrorMessage error={members.error} onRetry={members.reload} />
      ) : items.length === 0 ? (
        <EmptyState title="No members" />
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Member since</th>
                {canManage && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {items.map((member) => {
                const self = member.userId === currentUserId;
                const editable = canManage && !self;
                return (
                  <tr key={member.userId}>
                    <td>
                      {member.name}
                      {self && <span className="badge badge-quiet">you</span>}
                    </td>
                    <td>{member.email}</td>
                    <td>
                      {editable ? (
                        <RoleSelect
                          id={`member-role-${member.userId}`}
                          label={`Role of ${member.name}`}
                          hideLabel
                          value={member.role}
                          roles={roles}
                          disabled={busyId !== null}
                          onChange={(role) => void changeRole(member, role)}
                        />
                      ) : (
                        roleLabel(member.role)
                      )}
                    </td>
                    <td>{formatDateTime(member.createdAt)}</td>
                    {canManage && (
                      <td className="actions">
                        {editable && (
                          <button
                            type="button"
                            className="button button-small button-danger"
                            disabled={busyId !== null}
                            onClick={() => remove(member)}
                          >
                            Remove<span className="visually-hidden"> {member.name}</span>
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
