import type { ItemList, RoleInfo } from '../api/types';
import { useQuery } from '../api/useQuery';

export interface RolesState {
  items: RoleInfo[];
  error: unknown;
}

/** The roles the organisation can grant, from GET /api/v1/roles, for every role select. */
export function useRoles(): RolesState {
  const query = useQuery<ItemList<RoleInfo>>('/api/v1/roles');
  return { items: query.data?.items ?? [], error: query.error };
}
