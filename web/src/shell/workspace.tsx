import { createContext, type ReactNode, useCallback, useContext, useMemo } from 'react';
import { api } from '../api/client';
import type { Brand, ItemList, Me } from '../api/types';
import { useQuery } from '../api/useQuery';
import { useMe, useSession } from '../auth/session';

/**
 * The organisation and brand the user is working in. The server keeps the choice (PUT
 * /api/v1/me/context), so it survives reloads; pages key their data on `contextKey`.
 */
interface WorkspaceValue {
  organizationId: string | null;
  brands: Brand[];
  brandsLoading: boolean;
  brandsError: unknown;
  reloadBrands: () => void;
  activeBrand: Brand | null;
  contextKey: string;
  switchOrganization: (organizationId: string) => Promise<void>;
  switchBrand: (brandId: string | null) => Promise<void>;
}

const WorkspaceContext = createContext<WorkspaceValue | null>(null);

export function WorkspaceProvider({ children }: { children: ReactNode }) {
  const me = useMe();
  const { setMe } = useSession();
  const organizationId = me.activeOrganizationId;
  const brandQuery = useQuery<ItemList<Brand>>(
    organizationId ? '/api/v1/brands' : null,
    organizationId,
  );
  const brands = useMemo(() => brandQuery.data?.items ?? [], [brandQuery.data]);
  const activeBrand = brands.find((brand) => brand.id === me.activeBrandId) ?? null;

  const putContext = useCallback(
    async (nextOrganizationId: string, brandId: string | null) => {
      const updated = await api<Me>('/api/v1/me/context', {
        method: 'PUT',
        body: { organizationId: nextOrganizationId, brandId },
      });
      setMe(updated);
    },
    [setMe],
  );

  const switchOrganization = useCallback(
    (nextOrganizationId: string) => putContext(nextOrganizationId, null),
    [putContext],
  );

  const switchBrand = useCallback(
    async (brandId: string | null) => {
      if (!organizationId) throw new Error('Choose an organisation first.');
      await putContext(organizationId, brandId);
    },
    [organizationId, putContext],
  );

  const value = useMemo<WorkspaceValue>(
    () => ({
      organizationId,
      brands,
      brandsLoading: brandQuery.loading,
      brandsError: brandQuery.error,
      reloadBrands: brandQuery.reload,
      activeBrand,
      contextKey: `${organizationId ?? ''}:${me.activeBrandId ?? ''}`,
      switchOrganization,
      switchBrand,
    }),
    [
      brands,
      brandQuery.loading,
      brandQuery.error,
      brandQuery.reload,
      activeBrand,
      organizationId,
      me.activeBrandId,
      switchOrganization,
      switchBrand,
    ],
  );
  return <WorkspaceContext.Provider value={value}>{children}</WorkspaceContext.Provider>;
}

export function useWorkspace(): WorkspaceValue {
  const value = useContext(WorkspaceContext);
  if (!value) throw new Error('useWorkspace must be used inside <WorkspaceProvider>');
  return value;
}
