export { TokensRepository } from './tokens.repository.js';
export { tokensRoutes } from './tokens.routes.js';
export { type ApiToken, TokensService, tokenPrefix } from './tokens.service.js';
