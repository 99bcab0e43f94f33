export { storefrontRoutes } from './storefront.routes.js';
