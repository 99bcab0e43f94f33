import { describe, expect, it } from 'vitest';
import { defaultScryptCost, hashPassword, verifyPassword } from './password.js';

describe('password hashing', () => {
  const cheap = { N: 1024, r: 8, p: 1 };

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', cheap);
    expect(stored).not.toContain('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery!', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password', cheap)).not.toBe(
      await hashPassword('same password', cheap),
    );
  });

  it('is memory-hard by default: at least 32 MiB per hash', async () => {
    expect(128 * defaultScryptCost.N * defaultScryptCost.r).toBeGreaterThanOrEqual(
      32 * 1024 * 1024,
    );
    const stored = await hashPassword('a default-cost password');
    expect(stored.startsWith(`scrypt$${2 ** 15}$8$1$`)).toBe(true);
    expect(await verifyPassword('a default-cost password', stored)).toBe(true);
  });

  it('refuses a malformed stored hash instead of throwing', async () => {
    expect(await verifyPassword('anything', 'plain-text')).toBe(false);
  });
});
