import { useEffect } from 'react';

/**
 * Calls `reload` every `intervalMs` while `active`. Skips while the tab is hidden: nobody is
 * watching, and a background tab would otherwise poll a live drop all show long.
 */
export function usePolling(reload: () => void, active: boolean, intervalMs: number): void {
  useEffect(() => {
    if (!active) return undefined;
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') reload();
    }, intervalMs);
    return () => window.clearInterval(timer);
  }, [reload, active, intervalMs]);
}
