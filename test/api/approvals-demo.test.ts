import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/modules/access/index.js';
import { createDemoWorkspace, type DemoFile } from '../../src/modules/demo/index.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

describe('the demo workspace’s governance', () => {
  let context: TestContext;
  let demo: DemoFile;
  let owner: Actor;
  const dataDir = mkdtempSync(join(tmpdir(), 'mydrop-demo-governance-'));

  beforeAll(async () => {
    context = await createTestContext();
    demo = await createDemoWorkspace(context.services, { baseUrl: 'http://localhost', dataDir });
    const user = await context.services.identity.findUserByEmail(demo.users[0]?.email ?? '');
    owner = {
      kind: 'user',
      id: user?.id ?? '',
      organizationId: demo.organizationId,
      role: 'owner',
      userId: user?.id ?? '',
    };
  });
  afterAll(async () => {
    await context.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is created again from scratch when the demo is reset', async () => {
    const again = await createDemoWorkspace(context.services, {
      baseUrl: 'http://localhost',
      dataDir,
    });
    expect(again.organizationId).not.toBe(demo.organizationId);
    demo = again;
    const user = await context.services.identity.findUserByEmail(demo.users[0]?.email ?? '');
    owner = {
      ...owner,
      id: user?.id ?? '',
      userId: user?.id ?? '',
      organizationId: demo.organizationId,
    };
    expect(await context.services.campaigns.list(owner, {})).toHaveLength(1);
  });

  it('has a campaign with an approved host script and offer copy waiting on legal', async () => {
    const [campaign] = await context.services.campaigns.list(owner, {});
    expect(campaign).toMatchObject({ name: 'Glow Serum spring drop', operatingModel: 'hybrid' });
    const documents = await context.services.documents.list(owner, { campaignId: campaign?.id });
    const byType = Object.fromEntries(documents.map((document) => [document.type, document]));
    expect(byType.host_script).toMatchObject({
      status: 'approved',
      approved: true,
      currentVersionNumber: 2,
    });
    expect(byType.offer_copy).toMatchObject({ status: 'in_review', waitingOn: ['legal'] });
    expect(byType.shot_list).toMatchObject({ status: 'draft' });
    const history = await context.services.reviews.history(owner, byType.host_script?.id ?? '');
    expect(history.map((round) => round.status)).toEqual(['approved', 'returned']);
    const waiting = await context.services.reviews.waiting(owner, {});
    expect(waiting.items.map((item) => `${item.documentTitle}:${item.role}`)).toEqual([
      'Glow Serum offer copy:legal',
    ]);
  });
});
