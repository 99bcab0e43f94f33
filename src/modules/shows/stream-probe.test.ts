import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStreamProbe } from './stream-probe.js';

function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

describe('the stream-health probe', () => {
  const probe = createStreamProbe(500);
  let http: Server;
  let base: string;

  beforeAll(async () => {
    http = createServer((request, response) => {
      if (request.url === '/live.m3u8') return response.writeHead(200).end('#EXTM3U');
      if (request.url === '/moved') return response.writeHead(302, { location: '/x' }).end();
      if (request.url === '/no-head')
        return response.writeHead(request.method === 'HEAD' ? 405 : 200).end();
      if (request.url === '/slow') return setTimeout(() => response.end(), 2000);
      response.writeHead(404).end();
    });
    base = `http://127.0.0.1:${await listen(http)}`;
  });
  afterAll(() => {
    http.closeAllConnections();
    http.close();
  });

  it('finds a playback URL answering 2xx healthy', async () => {
    expect(await probe(`${base}/live.m3u8`)).toMatchObject({ healthy: true });
  });

  it('counts a redirect as an answer', async () => {
    expect(await probe(`${base}/moved`)).toMatchObject({ healthy: true });
  });

  it('falls back to GET when HEAD is refused', async () => {
    expect(await probe(`${base}/no-head`)).toMatchObject({ healthy: true });
  });

  it('finds a 404 unhealthy and says what answered', async () => {
    expect(await probe(`${base}/missing`)).toMatchObject({
      healthy: false,
      detail: expect.stringContaining('HTTP 404'),
    });
  });

  it('gives up after the timeout', async () => {
    expect(await probe(`${base}/slow`)).toMatchObject({
      healthy: false,
      detail: expect.stringContaining('500 ms'),
    });
  });

  it('finds a closed port unhealthy', async () => {
    const closed = createTcpServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    expect(await probe(`http://127.0.0.1:${port}/live.m3u8`)).toMatchObject({ healthy: false });
    expect(await probe(`rtmp://127.0.0.1:${port}/live`)).toMatchObject({ healthy: false });
  });

  it('finds an RTMP ingest healthy when it accepts a connection', async () => {
    const ingest = createTcpServer((socket) => socket.end());
    const port = await listen(ingest);
    try {
      expect(await probe(`rtmp://127.0.0.1:${port}/live/key`)).toMatchObject({ healthy: true });
    } finally {
      ingest.close();
    }
  });

  it('refuses what it cannot probe', async () => {
    expect(await probe('not a url')).toMatchObject({ healthy: false });
    expect(await probe('srt://127.0.0.1:9000')).toMatchObject({ healthy: false });
  });
});
