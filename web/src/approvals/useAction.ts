import { useCallback, useState } from 'react';

/** A button's call to the API: which one runs, and the error it ended with. */
export function useAction() {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (name: string, call: () => Promise<unknown>): Promise<boolean> => {
    setPending(name);
    setError(null);
    try {
      await call();
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setPending(null);
    }
  }, []);
  return { pending, error, run, busy: pending !== null, clearError: () => setError(null) };
}
