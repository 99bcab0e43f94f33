import { useCallback, useEffect, useRef, useState } from 'react';
import { api, isAbort } from './client';

export interface QueryState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `path` with GET and keeps the result. A `null` path loads nothing (e.g. the user may
 * not read it). Changing `path` or `key` loads again; an in-flight request is cancelled.
 */
export function useQuery<T>(path: string | null, key: unknown = undefined): QueryState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  const loadedFor = useRef<{ path: string | null; key: unknown }>({ path, key });

  // biome-ignore lint/correctness/useExhaustiveDependencies: key and generation force a reload.
  useEffect(() => {
    if (path === null) {
      setData(undefined);
      setError(undefined);
      setLoading(false);
      return undefined;
    }
    // Data for another path or context must not linger while the new one loads; a reload keeps it.
    if (loadedFor.current.path !== path || !Object.is(loadedFor.current.key, key)) {
      loadedFor.current = { path, key };
      setData(undefined);
    }
    const controller = new AbortController();
    setLoading(true);
    setError(undefined);
    api<T>(path, { signal: controller.signal })
      .then((result) => {
        setData(result);
        setLoading(false);
      })
      .catch((caught: unknown) => {
        if (isAbort(caught)) return;
        setError(caught);
        setLoading(false);
      });
    return () => controller.abort();
  }, [path, key, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload };
}
