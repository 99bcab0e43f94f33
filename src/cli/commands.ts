import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { systemClock } from '../lib/clock.js';
import { randomSecret } from '../lib/ids.js';
import { openMydropDatabase } from '../main.js';
import { isRole, roles } from '../modules/access/index.js';
import { createDemoWorkspace } from '../modules/demo/index.js';
import { slugify } from '../modules/organizations/index.js';
import { createServices, type Services } from '../services.js';

/** Commands that work on the database directly, without a running server. */
export class UsageError extends Error {}

export async function withServices<T>(
  work: (services: Services, dataDir: string, baseUrl: string) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const database = await openMydropDatabase(config);
  try {
    const services = createServices({ db: database.db, clock: systemClock, secret: config.secret });
    return await work(services, config.dataDir, config.baseUrl);
  } finally {
    await database.close();
  }
}

function requireRole(value: string | undefined): (typeof roles)[number] {
  if (!value || !isRole(value)) {
    throw new UsageError(`--role must be one of: ${roles.join(', ')}`);
  }
  return value;
}

export async function runMigrate(): Promise<void> {
  const config = loadConfig();
  const database = await openMydropDatabase(config);
  await database.close();
  process.stdout.write(`Database migrated (${database.kind}).\n`);
}

export async function runUserCreate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      org: { type: 'string' },
      role: { type: 'string' },
    },
  });
  if (!values.email) throw new UsageError('--email is required');
  const role = values.org ? requireRole(values.role ?? 'owner') : undefined;
  const password = values.password ?? process.env.MYDROP_NEW_PASSWORD ?? randomSecret(12);
  await withServices(async (services) => {
    const user = await services.identity.createUser({
      email: values.email ?? '',
      name: values.name ?? values.email ?? '',
      password,
    });
    let joined = '';
    if (values.org && role) {
      const slug = slugify(values.org);
      const existing = await services.organizations.findOrganizationBySlug(slug);
      if (existing) {
        await services.organizations.addMember(existing.id, user.id, role);
        joined = ` as ${role} of ${existing.name}`;
      } else {
        const created = await services.organizations.createOrganization({
          name: values.org,
          slug,
          ownerUserId: user.id,
        });
        joined = ` as owner of the new organisation ${created.name} (${created.slug})`;
      }
    }
    process.stdout.write(`Created ${user.email}${joined}.\n`);
    if (!values.password && !process.env.MYDROP_NEW_PASSWORD) {
      process.stdout.write(`Password (shown once): ${password}\n`);
    }
  });
}

export async function runTokenCreate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { org: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } },
  });
  if (!values.org) throw new UsageError('--org <organisation slug> is required');
  const role = requireRole(values.role ?? 'social_ops');
  await withServices(async (services) => {
    const organization = await services.organizations.findOrganizationBySlug(values.org ?? '');
    if (!organization) throw new UsageError(`No organisation with slug ${values.org}`);
    const { token } = await services.tokens.issue(organization.id, {
      name: values.name ?? 'CLI token',
      role,
      createdBy: null,
    });
    process.stdout.write(`${token}\n`);
    process.stderr.write(
      `API token for ${organization.name} with role ${role}; it is shown only once.\n`,
    );
  });
}

export async function runDemo(): Promise<void> {
  await withServices(async (services, dataDir, baseUrl) => {
    const demo = await createDemoWorkspace(services, { baseUrl, dataDir });
    const owner = demo.users.find((user) => user.role === 'owner');
    process.stdout.write(
      `Demo workspace ready. Sign in as ${owner?.email} with password ${owner?.password}\nDetails: ${dataDir}/demo.json\n`,
    );
  });
}
