import { useMemo } from 'react';
import type { ItemList, Member } from '../api/types';
import { useQuery } from '../api/useQuery';
import { useWorkspace } from '../shell/workspace';

/**
 * The organisation's members by user id, for choosing and naming who owns a market's reserve.
 * Keyed by organisation, as Settings' member list is: switching organisation loads again.
 */
export function useMemberDirectory() {
  const { organizationId } = useWorkspace();
  const query = useQuery<ItemList<Member>>('/api/v1/members', organizationId);
  const members = useMemo(
    () => [...(query.data?.items ?? [])].sort((a, b) => a.name.localeCompare(b.name)),
    [query.data],
  );
  const byId = useMemo(() => new Map(members.map((member) => [member.userId, member])), [members]);
  return { members, byId, loading: query.loading, error: query.error, reload: query.reload };
}
