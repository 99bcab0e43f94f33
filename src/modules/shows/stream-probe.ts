import { connect } from 'node:net';

export interface StreamProbeResult {
  healthy: boolean;
  detail: string;
}

export type StreamProbe = (url: string) => Promise<StreamProbeResult>;

/** Schemes a stream URL may use: a playback URL over HTTP(S), or an RTMP(S) ingest. */
export const streamUrlSchemes = ['http:', 'https:', 'rtmp:', 'rtmps:'] as const;

const defaultPorts: Record<string, number> = { 'rtmp:': 1935, 'rtmps:': 443 };

async function probeHttp(url: URL, timeoutMs: number): Promise<StreamProbeResult> {
  const request = (method: 'HEAD' | 'GET') =>
    fetch(url, { method, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  let response = await request('HEAD');
  // Some origins and CDNs refuse HEAD; a playlist GET is small.
  if (response.status === 405 || response.status === 501) {
    await response.body?.cancel();
    response = await request('GET');
  }
  await response.body?.cancel();
  const healthy = response.status >= 200 && response.status < 400;
  return { healthy, detail: `${url.host} answered HTTP ${response.status}` };
}

function probeTcp(url: URL, timeoutMs: number): Promise<StreamProbeResult> {
  const port = Number(url.port || defaultPorts[url.protocol]);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port });
    const finish = (result: StreamProbeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () =>
      finish({ healthy: false, detail: `${url.host} did not answer within ${timeoutMs} ms` }),
    );
    socket.once('connect', () =>
      finish({ healthy: true, detail: `${url.hostname}:${port} accepts connections` }),
    );
    socket.once('error', (error) =>
      finish({ healthy: false, detail: `${url.hostname}:${port}: ${error.message}` }),
    );
  });
}

/**
 * The stream-health check: a playback URL must answer 2xx or 3xx to HEAD (or GET), an RTMP
 * ingest must accept a TCP connection, each within the timeout. The URL is the organisation's
 * own configuration; the probe never follows redirects.
 */
export function createStreamProbe(timeoutMs = 3000): StreamProbe {
  return async (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { healthy: false, detail: 'The stream URL is not a valid URL' };
    }
    try {
      if (url.protocol === 'http:' || url.protocol === 'https:')
        return await probeHttp(url, timeoutMs);
      if (url.protocol in defaultPorts) return await probeTcp(url, timeoutMs);
      return { healthy: false, detail: `Cannot probe ${url.protocol} URLs` };
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `did not answer within ${timeoutMs} ms`
          : ((error as { cause?: Error }).cause?.message ?? (error as Error).message);
      return { healthy: false, detail: `${url.host} ${reason}` };
    }
  };
}
