import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { openDatabase } from '../../src/db/database.js';
import { type DemoFile, readDemoFile } from '../../src/modules/demo/index.js';
import {
  type ServerProcess,
  startServerProcess,
  temporaryDataDir,
} from '../../test/support/server-process.js';
import type { DropResult } from '../drop-runner.js';
import type { DropSpec, InventoryAudit, WorkloadPlan } from '../drop-workload.js';
import { auditMydropOffer } from '../mydrop-audit.js';
import { runLoadGenerator } from '../processes.js';

/**
 * Mydrop's real server as a process (`mydrop start`, production settings, logs at warn), on
 * PGlite in a temporary folder or on a PostgreSQL database, driven over HTTP by the load
 * generator in another process.
 */
export class MydropOverHttp {
  private readonly offers: string[] = [];

  private constructor(
    private readonly server: ServerProcess,
    private readonly dataDir: string,
    private readonly demo: DemoFile,
    private readonly databaseUrl: string | undefined,
  ) {}

  /** On PGlite, or on PostgreSQL with `databaseUrl`; `env` adds settings such as REDIS_URL. */
  static async start(
    databaseUrl?: string,
    env: Record<string, string> = {},
  ): Promise<MydropOverHttp> {
    const dataDir = temporaryDataDir();
    let server: ServerProcess;
    try {
      server = await startServerProcess({
        NODE_ENV: 'production',
        MYDROP_SECRET: randomBytes(32).toString('base64url'),
        MYDROP_DEMO: '1',
        // Production turns the sandbox's test cards off; the shoppers here pay with them.
        MYDROP_SANDBOX_PAYMENTS: '1',
        MYDROP_DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ...env,
      });
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
    const demo = readDemoFile(dataDir);
    if (!demo) {
      await server.stop('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`no demo.json in ${dataDir}:\n${server.output()}`);
    }
    return new MydropOverHttp(server, dataDir, demo, databaseUrl);
  }

  get port(): number {
    return Number(new URL(this.server.url).port);
  }

  /** Runs one drop on a new live offer with a 10-second hold TTL (the API's minimum). */
  async measure(
    spec: DropSpec,
    plan: WorkloadPlan,
  ): Promise<{ offerId: string; result: DropResult }> {
    const offerId = await this.createLiveOffer(spec);
    this.offers.push(offerId);
    const result = await runLoadGenerator({ host: '127.0.0.1', port: this.port, offerId, plan });
    return { offerId, result };
  }

  /** Stops the server cleanly (pending writes drain), then audits every offer it sold. */
  async stopAndAudit(): Promise<Map<string, InventoryAudit>> {
    const code = await this.server.stop();
    if (code !== 0) throw new Error(`mydrop exited with ${code}:\n${this.server.output()}`);
    const database = await openDatabase({ databaseUrl: this.databaseUrl, dataDir: this.dataDir });
    try {
      const audits = new Map<string, InventoryAudit>();
      for (const offerId of this.offers) {
        audits.set(offerId, await auditMydropOffer(database.db, offerId));
      }
      return audits;
    } finally {
      await database.close();
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  /** Kills the server without auditing, after a failure. */
  async abort(): Promise<void> {
    await this.server.stop('SIGKILL');
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async api<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.server.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.demo.apiToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  private async createLiveOffer(spec: DropSpec): Promise<string> {
    const brandId = this.demo.organizations[0]?.brands[0]?.id;
    if (!brandId) throw new Error('the demo workspace has no brand');
    const tag = randomBytes(4).toString('hex');
    const product = await this.api<{ skus: Array<{ id: string }> }>('/api/v1/products', {
      brandId,
      title: `Bench ${spec.label} ${tag}`,
      skus: Array.from({ length: spec.components }, (_, index) => ({
        code: `BENCH-${tag}-${index}`,
        priceMinor: 2900,
        currency: 'EUR',
        stockOnHand: spec.units,
      })),
    });
    const offer = await this.api<{ id: string }>('/api/v1/offers', {
      brandId,
      title: `Bench drop ${spec.label}`,
      kind: spec.components > 1 ? 'tiered_bundle' : 'single_sku',
      components: product.skus.map((sku) => ({ skuId: sku.id, quantity: 1 })),
      priceMinor: 1900,
      currency: 'EUR',
      perBuyerLimit: spec.perBuyerLimit,
      holdTtlSeconds: 10,
      codes: [`B${tag}`],
    });
    await this.api(`/api/v1/offers/${offer.id}/approve`, {});
    await this.api(`/api/v1/offers/${offer.id}/arm`, { units: spec.units });
    await this.api(`/api/v1/offers/${offer.id}/go-live`, {});
    return offer.id;
  }
}
