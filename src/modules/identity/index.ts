export { IdentityRepository } from './identity.repository.js';
export {
  IdentityService,
  minimumPasswordLength,
  type PublicUser,
  sessionLifetimeMs,
} from './identity.service.js';
export { defaultLoginLimits, type LoginLimits, LoginRateLimiter } from './login-rate-limiter.js';
export { defaultScryptCost, hashPassword, type ScryptCost, verifyPassword } from './password.js';
export { hashSecretToken } from './secret-hash.js';
