import { afterAll, describe, expect, it } from 'vitest';
import {
  readDemo,
  type ServerProcess,
  startServerProcess,
  temporaryDataDir,
} from '../support/server-process.js';

/**
 * kill -9 while shoppers join a sold-out drop's waitlist, then restart on the same data folder:
 * every shopper told they joined is still in line, in the order they were told, and the first
 * of them gets the next unit given back.
 */
describe('a crash while shoppers join the waitlist', () => {
  const dataDir = temporaryDataDir();
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop('SIGKILL');
  });

  it('loses no acknowledged join and serves the line in order after the restart', async () => {
    const first = await startServerProcess({ MYDROP_DATA_DIR: dataDir });
    servers.push(first);
    const demo = readDemo(dataDir);
    const offerUrl = (server: ServerProcess) =>
      `${server.url}/api/v1/public/offers/${demo.liveOfferId}`;
    const post = (url: string, body: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    // Sell the drop out: 200 units, one per shopper.
    const holds: string[] = [];
    for (let wave = 0; wave < 10; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          post(`${offerUrl(first)}/claims`, { shopper: `buyer-${wave}-${index}`, quantity: 1 }),
        ),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(201);
        holds.push(((await answer.json()) as { holdId: string }).holdId);
      }
    }
    expect((await post(`${offerUrl(first)}/claims`, { shopper: 'late', quantity: 1 })).status).toBe(
      409,
    );

    // Sixty shoppers join at once; the process dies once half of them were answered.
    const acknowledged: Array<{ shopper: string; position: number }> = [];
    const joins = Array.from({ length: 60 }, async (_, index) => {
      const shopper = `waiting-${index}`;
      try {
        const joined = await post(`${offerUrl(first)}/waitlist`, { shopper, quantity: 1 });
        if (joined.status === 201) {
          const { position } = (await joined.json()) as { position: number };
          acknowledged.push({ shopper, position });
        }
      } catch {
        // the server is gone
      }
    });
    while (acknowledged.length < 30) await new Promise((resolve) => setTimeout(resolve, 2));
    first.child.kill('SIGKILL');
    await Promise.all(joins);
    expect(await first.exited).toBe(null);

    const second = await startServerProcess({ MYDROP_DATA_DIR: dataDir });
    servers.push(second);
    const standingOf = async (shopper: string) => {
      const answer = await fetch(`${offerUrl(second)}/waitlist/${shopper}`);
      return answer.status === 200 ? ((await answer.json()) as Record<string, unknown>) : null;
    };
    // Joins never answered may have committed too: the line is whoever was written.
    const line = new Map<string, number>();
    for (let index = 0; index < 60; index++) {
      const standing = await standingOf(`waiting-${index}`);
      if (standing) line.set(`waiting-${index}`, standing.position as number);
    }
    expect([...line.values()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: line.size }, (_, index) => index + 1),
    );
    // Every acknowledged join is there, and told first, still first.
    const places = acknowledged
      .sort((a, b) => a.position - b.position)
      .map(({ shopper }) => line.get(shopper));
    expect(places.every((place) => place !== undefined)).toBe(true);
    expect(places).toEqual([...places].sort((a, b) => (a as number) - (b as number)));

    const head = [...line].find(([, position]) => position === 1)?.[0] as string;
    const released = await fetch(`${second.url}/api/v1/public/holds/${holds[0]}`, {
      method: 'DELETE',
    });
    expect(released.status).toBe(204);
    // The unit went to the first in line, not to a newcomer.
    expect(await standingOf(head)).toHaveProperty('holdId');
    const newcomer = await post(`${offerUrl(second)}/claims`, { shopper: 'newcomer', quantity: 1 });
    expect(newcomer.status).toBe(409);
  }, 240_000);
});
