import pg from 'pg';
import { runDrop } from '../drop-runner.js';
import {
  type ClaimAnswer,
  type DropSpec,
  type DropTarget,
  type InventoryAudit,
  type Occupancy,
  peakOccupancy,
  type WorkloadPlan,
} from '../drop-workload.js';
import type { Measurement } from './in-process.js';

/**
 * The usual ways to sell limited stock straight from PostgreSQL, doing the same job as Mydrop:
 * idempotent claims, a limit per buyer, holds with a TTL returned by a sweeper, checkout that
 * turns a hold into an order. A bundle locks one inventory row per SKU, as an inventory module
 * with inventory levels per item does.
 *
 * - `for-update`: BEGIN; look up the key; SELECT ... FOR UPDATE the offer's rows; refuse or
 *   check the limit, insert the claim, decrement; COMMIT. Every attempt queues on the row lock.
 * - `conditional-update`: one statement; UPDATE ... WHERE available >= qty decrements only
 *   when stock remains, and the claim is inserted in the same statement. Refusals take no lock.
 */
export type BaselineKind = 'for-update' | 'conditional-update';

const schema = [
  `create table if not exists inventory (
    offer_id text not null, sku text not null, available integer not null,
    primary key (offer_id, sku))`,
  `create table if not exists claims (
    id bigserial primary key, offer_id text not null, shopper_id text not null,
    idempotency_key text not null, quantity integer not null, status text not null,
    created_at timestamptz not null, expires_at timestamptz not null, ended_at timestamptz,
    unique (offer_id, idempotency_key))`,
  'create index if not exists claims_shopper_idx on claims (offer_id, shopper_id)',
  `create index if not exists claims_held_idx on claims (expires_at) where status = 'held'`,
  `create table if not exists orders (
    id bigserial primary key, claim_id bigint not null unique references claims (id),
    offer_id text not null, quantity integer not null, created_at timestamptz not null)`,
];

/**
 * The conditional claim as one statement. A bundle's SKUs are decremented in key order, each
 * step only if the one before succeeded, so concurrent claims lock rows in the same order.
 */
function conditionalClaim(components: number): string {
  const steps = Array.from({ length: components }, (_, index) => {
    const guard =
      index === 0
        ? 'not exists (select 1 from prior) and (select units from owned) + 1 <= $4'
        : `exists (select 1 from taken${index - 1})`;
    return `taken${index} as (
      update inventory set available = available - 1
      where offer_id = $1 and sku = 'sku-${index}' and available >= 1 and ${guard}
      returning sku)`;
  });
  const taken = Array.from({ length: components }, (_, index) => `select sku from taken${index}`);
  return `
  with prior as (
    select id from claims where offer_id = $1 and idempotency_key = $3
  ), owned as (
    select coalesce(sum(quantity), 0)::int as units from claims
    where offer_id = $1 and shopper_id = $2 and status in ('held', 'sold')
  ), ${steps.join(', ')}, inserted as (
    insert into claims (offer_id, shopper_id, idempotency_key, quantity, status, created_at, expires_at)
    select $1, $2, $3, 1, 'held', clock_timestamp(), clock_timestamp() + make_interval(secs => $5)
    where exists (select 1 from taken${components - 1})
    returning id
  )
  select (select id from prior) as prior, (select id from inserted) as hold,
    array(${taken.join(' union all ')}) as taken, (select units from owned) as owned`;
}

const checkoutHold = `
  with sold as (
    update claims set status = 'sold', ended_at = clock_timestamp()
    where id = $1 and status = 'held' and expires_at > clock_timestamp()
    returning id, offer_id, quantity
  )
  insert into orders (claim_id, offer_id, quantity, created_at)
  select id, offer_id, quantity, clock_timestamp() from sold returning id`;

const expireHolds = `
  update claims set status = 'expired', ended_at = clock_timestamp()
  where status = 'held' and expires_at <= clock_timestamp()
  returning offer_id, quantity`;

const soldOut: ClaimAnswer = { refused: 'sold_out' };
const limitReached: ClaimAnswer = { refused: 'limit_reached' };

/**
 * Returns expired holds' units. Locks claims first, then inventory rows in key order, as the
 * claims lock inventory rows in key order: no lock cycle, no deadlock.
 */
async function sweep(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const expired = await client.query<{ offer_id: string; quantity: number }>(expireHolds);
    const units = new Map<string, number>();
    for (const row of expired.rows) {
      units.set(row.offer_id, (units.get(row.offer_id) ?? 0) + row.quantity);
    }
    for (const [offerId, back] of [...units].sort()) {
      await client.query('select 1 from inventory where offer_id = $1 order by sku for update', [
        offerId,
      ]);
      await client.query('update inventory set available = available + $2 where offer_id = $1', [
        offerId,
        back,
      ]);
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

interface Drop {
  pool: pg.Pool;
  offerId: string;
  spec: DropSpec;
  ttlSeconds: number;
  /** The conditional claim statement for this drop's number of SKUs. */
  conditionalClaim: string;
}

async function claimForUpdate(
  { pool, offerId, spec, ttlSeconds }: Drop,
  shopper: string,
  key: string,
): Promise<ClaimAnswer> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const prior = await client.query(
      'select id from claims where offer_id = $1 and idempotency_key = $2',
      [offerId, key],
    );
    if (prior.rows[0]) {
      await client.query('commit');
      return { hold: String(prior.rows[0].id) };
    }
    const stock = await client.query<{ available: number }>(
      'select available from inventory where offer_id = $1 order by sku for update',
      [offerId],
    );
    if (stock.rows.some((row) => row.available < 1)) {
      await client.query('commit');
      return soldOut;
    }
    const owned = await client.query<{ units: number }>(
      `select coalesce(sum(quantity), 0)::int as units from claims
       where offer_id = $1 and shopper_id = $2 and status in ('held', 'sold')`,
      [offerId, shopper],
    );
    if ((owned.rows[0]?.units ?? 0) + 1 > spec.perBuyerLimit) {
      await client.query('commit');
      return limitReached;
    }
    const inserted = await client.query(
      `insert into claims (offer_id, shopper_id, idempotency_key, quantity, status, created_at, expires_at)
       values ($1, $2, $3, 1, 'held', clock_timestamp(), clock_timestamp() + make_interval(secs => $4))
       returning id`,
      [offerId, shopper, key, ttlSeconds],
    );
    await client.query('update inventory set available = available - 1 where offer_id = $1', [
      offerId,
    ]);
    await client.query('commit');
    return { hold: String(inserted.rows[0].id) };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function claimConditionally(
  { pool, offerId, spec, ttlSeconds, conditionalClaim }: Drop,
  shopper: string,
  key: string,
): Promise<ClaimAnswer> {
  const { rows } = await pool.query<{
    prior: string | null;
    hold: string | null;
    taken: string[];
    owned: number;
  }>(conditionalClaim, [offerId, shopper, key, spec.perBuyerLimit, ttlSeconds]);
  const row = rows[0];
  if (!row) throw new Error('the claim statement answered no row');
  if (row.prior !== null) return { hold: String(row.prior) };
  if (row.hold !== null) return { hold: String(row.hold) };
  if (row.taken.length > 0) {
    // Some of a bundle's SKUs were taken and others were short: give those back.
    await pool.query(
      'update inventory set available = available + 1 where offer_id = $1 and sku = any($2)',
      [offerId, row.taken],
    );
    return soldOut;
  }
  return row.owned + 1 > spec.perBuyerLimit ? limitReached : soldOut;
}

/** Runs one drop against a baseline on its own offer, then audits the tables. */
export async function measureBaseline(
  databaseUrl: string,
  kind: BaselineKind,
  spec: DropSpec,
  plan: WorkloadPlan,
  ttlSeconds: number,
  poolSize: number,
): Promise<Measurement> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle client closed under us (the database dropped at the end) must not crash the run.
  pool.on('error', () => {});
  const offerId = `${plan.prefix}-offer`;
  try {
    for (const statement of schema) await pool.query(statement);
    for (let index = 0; index < spec.components; index++) {
      await pool.query('insert into inventory (offer_id, sku, available) values ($1, $2, $3)', [
        offerId,
        `sku-${index}`,
        spec.units,
      ]);
    }
    const drop: Drop = {
      pool,
      offerId,
      spec,
      ttlSeconds,
      conditionalClaim: conditionalClaim(spec.components),
    };
    const claim = kind === 'for-update' ? claimForUpdate : claimConditionally;
    const target: DropTarget = {
      claim: (_lane, shopper, key) => claim(drop, shopper, key),
      async checkout(holdId) {
        const sold = await pool.query(checkoutHold, [holdId]);
        if (sold.rowCount !== 1) throw new Error(`hold ${holdId} expired before payment`);
        return true;
      },
    };
    let sweeping = Promise.resolve();
    const sweeper = setInterval(() => {
      sweeping = sweeping.then(() => sweep(pool)).catch(() => {});
    }, 250);
    let result: Awaited<ReturnType<typeof runDrop>>;
    try {
      result = await runDrop(target, plan);
    } finally {
      clearInterval(sweeper);
      await sweeping;
    }
    await sweep(pool);
    return { result, audit: await auditBaseline(pool, offerId, spec) };
  } finally {
    await pool.end();
  }
}

async function auditBaseline(
  pool: pg.Pool,
  offerId: string,
  spec: DropSpec,
): Promise<InventoryAudit> {
  const claims = await pool.query<{
    id: string;
    quantity: number;
    status: string;
    created_at: Date;
    ended_at: Date | null;
  }>('select id, quantity, status, created_at, ended_at from claims where offer_id = $1', [
    offerId,
  ]);
  const orders = await pool.query<{ claim_id: string; quantity: number }>(
    'select claim_id, quantity from orders where offer_id = $1',
    [offerId],
  );
  const stock = await pool.query<{ sku: string; available: number }>(
    'select sku, available from inventory where offer_id = $1',
    [offerId],
  );
  const problems: string[] = [];
  const intervals: Occupancy[] = [];
  const soldClaims = new Set<string>();
  let held = 0;
  for (const claim of claims.rows) {
    // Units of an expired claim are back when the sweeper commits, after its ended_at.
    const end =
      claim.status === 'expired' && claim.ended_at
        ? claim.ended_at.getTime()
        : Number.POSITIVE_INFINITY;
    intervals.push({ start: claim.created_at.getTime(), end, units: claim.quantity });
    if (claim.status === 'held') held += claim.quantity;
    if (claim.status === 'sold') soldClaims.add(String(claim.id));
  }
  let sold = 0;
  for (const order of orders.rows) {
    sold += order.quantity;
    if (!soldClaims.has(String(order.claim_id)))
      problems.push(`order for unsold claim ${order.claim_id}`);
  }
  for (const row of stock.rows) {
    if (row.available < 0) problems.push(`${row.sku} available is ${row.available}`);
    if (row.available + held + sold !== spec.units) {
      problems.push(
        `${row.sku}: available ${row.available} + held ${held} + sold ${sold} is not ${spec.units}`,
      );
    }
  }
  return { reserved: spec.units, sold, held, peakCommitted: peakOccupancy(intervals), problems };
}
