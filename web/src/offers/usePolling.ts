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

/**
 * Calls `reload` once, a second after `at` (an ISO time still to come): for a change the server
 * makes at a known moment, such as a market's TTL returning its units, without polling until then.
 */
export function useReloadAt(reload: () => void, at: string | null): void {
  useEffect(() => {
    if (!at) return undefined;
    const delay = new Date(at).getTime() - Date.now();
    if (!Number.isFinite(delay) || delay < 0) return undefined;
    // setTimeout holds at most about 24.8 days.
    const timer = window.setTimeout(reload, Math.min(delay + 1_000, 2 ** 31 - 1));
    return () => window.clearTimeout(timer);
  }, [reload, at]);
}
