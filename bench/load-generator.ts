import { type DropResult, runDrop } from './drop-runner.js';
import { type DropTarget, sandboxCheckout, type WorkloadPlan } from './drop-workload.js';
import { HttpConnection } from './http-client.js';

/**
 * The HTTP load generator, run as its own process (see startLoadGenerator) so it never shares
 * an event loop with the server it measures. One keep-alive connection per lane for claims,
 * and a few more for payments.
 */
export interface LoadRequest {
  host: string;
  port: number;
  offerId: string;
  plan: WorkloadPlan;
}

export type LoadReply = { ok: true; result: DropResult } | { ok: false; message: string };

const paymentConnections = 16;

function httpTarget(request: LoadRequest): {
  target: DropTarget;
  connect(): Promise<void>;
  close(): void;
} {
  const { host, port, offerId, plan } = request;
  const lanes = Array.from({ length: plan.lanes }, () => new HttpConnection(host, port));
  const idle = Array.from({ length: paymentConnections }, () => new HttpConnection(host, port));
  const queued: Array<(connection: HttpConnection) => void> = [];
  const claimPath = `/api/v1/public/offers/${offerId}/claims`;
  const paymentBody = JSON.stringify(sandboxCheckout);

  const borrow = () =>
    new Promise<HttpConnection>((resolve) => {
      const connection = idle.pop();
      if (connection) resolve(connection);
      else queued.push(resolve);
    });
  const giveBack = (connection: HttpConnection) => {
    const next = queued.shift();
    if (next) next(connection);
    else idle.push(connection);
  };

  const target: DropTarget = {
    async claim(lane, shopper, key) {
      const connection = lanes[lane] as HttpConnection;
      const answer = await connection.request(
        'POST',
        claimPath,
        `{"shopper":"${shopper}","quantity":1}`,
        { 'idempotency-key': key },
      );
      if (answer.status === 201) return { hold: JSON.parse(answer.body).holdId as string };
      if (answer.status === 409) return { refused: JSON.parse(answer.body).error.code as string };
      return { error: `HTTP ${answer.status}: ${answer.body.slice(0, 300)}` };
    },
    async checkout(holdId) {
      const connection = await borrow();
      try {
        const answer = await connection.request(
          'POST',
          `/api/v1/public/holds/${holdId}/checkout`,
          paymentBody,
        );
        if (answer.status !== 201) {
          throw new Error(`HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
        }
        return true;
      } finally {
        giveBack(connection);
      }
    },
  };
  return {
    target,
    async connect() {
      await Promise.all([...lanes, ...idle].map((connection) => connection.connect()));
    },
    close() {
      for (const connection of [...lanes, ...idle]) connection.close();
    },
  };
}

// Runs when started as a child process: one request in, one reply out.
if (process.send) {
  process.once('message', async (request: LoadRequest) => {
    let reply: LoadReply;
    const { target, connect, close } = httpTarget(request);
    try {
      await connect();
      reply = { ok: true, result: await runDrop(target, request.plan) };
    } catch (error) {
      reply = {
        ok: false,
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
    } finally {
      close();
    }
    process.send?.(reply, () => process.exit(0));
  });
}
