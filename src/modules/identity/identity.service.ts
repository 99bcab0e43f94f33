import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import { newId, randomSecret } from '../../lib/ids.js';
import type { IdentityRepository, SessionRow, UserRow } from './identity.repository.js';
import type { LoginRateLimiter } from './login-rate-limiter.js';
import { defaultScryptCost, hashPassword, type ScryptCost, verifyPassword } from './password.js';
import { hashSecretToken } from './secret-hash.js';

export interface IdentityDeps {
  repository: IdentityRepository;
  clock: Clock;
  secret: string;
  loginLimiter: LoginRateLimiter;
  passwordCost?: ScryptCost;
}

export interface PublicUser {
  id: string;
  email: string;
  name: string;
}

export interface NewUserInput {
  email: string;
  name: string;
  password: string;
}

/** Sessions last two weeks and slide forward while used. */
export const sessionLifetimeMs = 14 * 24 * 60 * 60 * 1000;
const sessionTouchIntervalMs = 60 * 1000;
export const minimumPasswordLength = 12;

// A real hash to compare against when the e-mail is unknown, so response time does not
// reveal which accounts exist.
let decoyHash: Promise<string> | undefined;

export function toPublicUser(user: UserRow): PublicUser {
  return { id: user.id, email: user.email, name: user.name };
}

export class IdentityService {
  private readonly cost: ScryptCost;

  constructor(private readonly deps: IdentityDeps) {
    this.cost = deps.passwordCost ?? defaultScryptCost;
  }

  async createUser(input: NewUserInput): Promise<PublicUser> {
    if (input.password.length < minimumPasswordLength) {
      throw new AppError(
        'invalid',
        `password: must be at least ${minimumPasswordLength} characters`,
        { field: 'password' },
      );
    }
    const existing = await this.deps.repository.findUserByEmail(input.email);
    if (existing) {
      throw new AppError('conflict', `A user with e-mail ${input.email} already exists`, {
        field: 'email',
      });
    }
    const user = await this.deps.repository.insertUser({
      id: newId(),
      email: input.email.trim(),
      name: input.name.trim(),
      passwordHash: await hashPassword(input.password, this.cost),
      createdAt: this.deps.clock.now(),
    });
    return toPublicUser(user);
  }

  async setPassword(userId: string, password: string): Promise<void> {
    if (password.length < minimumPasswordLength) {
      throw new AppError(
        'invalid',
        `password: must be at least ${minimumPasswordLength} characters`,
        { field: 'password' },
      );
    }
    await this.deps.repository.updatePasswordHash(userId, await hashPassword(password, this.cost));
  }

  async findUserByEmail(email: string): Promise<PublicUser | undefined> {
    const user = await this.deps.repository.findUserByEmail(email);
    return user && toPublicUser(user);
  }

  async deleteUserByEmail(email: string): Promise<void> {
    await this.deps.repository.deleteUserByEmail(email);
  }

  async findUsersByIds(ids: readonly string[]): Promise<PublicUser[]> {
    return (await this.deps.repository.findUsersByIds(ids)).map(toPublicUser);
  }

  /** Checks an e-mail and password, enforcing the failed-login limits per account and address. */
  async authenticate(email: string, password: string, address: string): Promise<PublicUser> {
    const limiter = this.deps.loginLimiter;
    const waitMs = limiter.retryAfterMs(email, address);
    if (waitMs > 0) {
      throw new AppError('rate_limited', 'Too many failed sign-in attempts; try again later', {
        retryAfterSeconds: Math.ceil(waitMs / 1000),
      });
    }
    const user = await this.deps.repository.findUserByEmail(email);
    decoyHash ??= hashPassword(randomSecret(), this.cost);
    const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
    if (!user || !matches) {
      limiter.recordFailure(email, address);
      throw new AppError('invalid_credentials', 'Email or password is wrong');
    }
    limiter.recordSuccess(email);
    return toPublicUser(user);
  }

  async startSession(
    userId: string,
    context: { organizationId: string | null; brandId: string | null },
  ): Promise<{ token: string; session: SessionRow }> {
    const token = randomSecret(32);
    const now = this.deps.clock.now();
    const session = await this.deps.repository.insertSession({
      id: newId(),
      tokenHash: hashSecretToken(this.deps.secret, token),
      userId,
      activeOrganizationId: context.organizationId,
      activeBrandId: context.brandId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + sessionLifetimeMs),
    });
    return { token, session };
  }

  /** The live session and its user for a cookie token, or undefined when signed out. */
  async resolveSession(
    token: string,
  ): Promise<{ session: SessionRow; user: PublicUser } | undefined> {
    const now = this.deps.clock.now();
    const repository = this.deps.repository;
    const session = await repository.findLiveSession(hashSecretToken(this.deps.secret, token), now);
    if (!session) return undefined;
    const user = await repository.findUserById(session.userId);
    if (!user) return undefined;
    if (now.getTime() - session.lastSeenAt.getTime() > sessionTouchIntervalMs) {
      await repository.touchSession(session.id, now, new Date(now.getTime() + sessionLifetimeMs));
    }
    return { session, user: toPublicUser(user) };
  }

  async setSessionContext(
    sessionId: string,
    organizationId: string | null,
    brandId: string | null,
  ): Promise<void> {
    await this.deps.repository.updateSessionContext(sessionId, organizationId, brandId);
  }

  async endSession(token: string): Promise<void> {
    await this.deps.repository.deleteSession(hashSecretToken(this.deps.secret, token));
  }
}
