import { parseArgs } from 'node:util';
import type { ChainReport } from '../modules/audit/index.js';
import type { Services } from '../services.js';
import { UsageError, withServices } from './commands.js';

const problems: Record<Extract<ChainReport, { ok: false }>['reason'], string> = {
  hash_mismatch: 'its fields no longer match its hash (the row was edited)',
  broken_link: 'it does not chain to the entry before it (a row was replaced, moved or rehashed)',
  gap: 'an entry is missing at this place (a row was deleted)',
};

function describeReport(label: string, report: ChainReport): string {
  const entries = `${report.entries} ${report.entries === 1 ? 'entry' : 'entries'}`;
  if (report.ok) return `ok    ${label}: ${entries}, chain intact\n`;
  const entry = report.entryId ? ` (entry ${report.entryId})` : '';
  return (
    `FAIL  ${label}: first bad entry is #${report.firstBadSequence}${entry}: ` +
    `${problems[report.reason]} [${report.reason}]; ${entries} read\n`
  );
}

async function organizationsToVerify(services: Services, slug: string | undefined) {
  if (slug !== undefined) {
    const organization = await services.organizations.findOrganizationBySlug(slug);
    if (!organization) throw new UsageError(`No organisation with slug ${slug}`);
    return [organization];
  }
  const ids = await services.audit.listAuditedOrganizations();
  const found = await Promise.all(ids.map((id) => services.organizations.findOrganization(id)));
  return found
    .filter((organization) => organization !== undefined)
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

/**
 * `mydrop audit verify [--org <slug>]`: checks each organisation's hash chain. Exits 0 when
 * every chain is intact and 1 when one is not, after printing its first bad entry.
 */
export async function runAuditVerify(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { org: { type: 'string' } } });
  await withServices(async (services) => {
    const organizations = await organizationsToVerify(services, values.org);
    if (organizations.length === 0) {
      process.stdout.write('No organisation has audit entries yet.\n');
      return;
    }
    let broken = 0;
    for (const organization of organizations) {
      const report = await services.audit.verify(organization.id);
      if (!report.ok) broken += 1;
      process.stdout.write(describeReport(`${organization.slug} (${organization.name})`, report));
    }
    if (broken > 0) {
      process.stderr.write(`${broken} of ${organizations.length} audit chains do not verify.\n`);
      process.exitCode = 1;
    }
  });
}
