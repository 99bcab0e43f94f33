import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  clearProfileToken,
  hasProfileCookie,
  keepProfileToken,
  readProfileToken,
} from './profile-cookie.js';

function exchange(protocol: 'http' | 'https', cookies: Record<string, string> = {}) {
  const set: Array<{ name: string; value: string; options: Record<string, unknown> }> = [];
  const request = { protocol, cookies } as unknown as FastifyRequest;
  const reply = {
    setCookie(name: string, value: string, options: Record<string, unknown>) {
      set.push({ name, value, options });
    },
    clearCookie(name: string, options: Record<string, unknown>) {
      set.push({ name, value: '', options });
    },
  } as unknown as FastifyReply;
  return { request, reply, set };
}

describe('the saved-profile cookie', () => {
  const shop = '0123456789abcdef';

  it('is HttpOnly, SameSite=Lax, scoped to /o, kept 180 days, and Secure over https', () => {
    const { request, reply, set } = exchange('https');
    keepProfileToken(request, reply, shop, 'msp_secret');
    expect(set).toEqual([
      {
        name: `mydrop_profile_${shop}`,
        value: 'msp_secret',
        options: {
          httpOnly: true,
          sameSite: 'lax',
          secure: true,
          path: '/o',
          maxAge: 180 * 24 * 3600,
        },
      },
    ]);
    const plain = exchange('http');
    keepProfileToken(plain.request, plain.reply, shop, 'msp_secret');
    expect(plain.set[0]?.options.secure).toBe(false);
  });

  it("is read per shop: another shop's cookie is not this shop's token", () => {
    const { request } = exchange('http', { mydrop_profile_fedcba9876543210: 'msp_other' });
    expect(hasProfileCookie(request)).toBe(true);
    expect(readProfileToken(request, shop)).toBeUndefined();
    expect(readProfileToken(request, 'fedcba9876543210')).toBe('msp_other');
    expect(hasProfileCookie(exchange('http', { mydrop_shopper: 'x' }).request)).toBe(false);
  });

  it('is cleared with the attributes it was set with, so the browser drops it', () => {
    const { request, reply, set } = exchange('https');
    clearProfileToken(request, reply, shop);
    expect(set[0]).toMatchObject({ name: `mydrop_profile_${shop}`, options: { path: '/o' } });
  });

  it('refuses a name that is not a shop key rather than write an odd cookie', () => {
    const { request, reply } = exchange('http');
    expect(() => keepProfileToken(request, reply, 'a=b; Path=/', 'x')).toThrow(/not a shop key/);
  });
});
