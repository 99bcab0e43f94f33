export { CatalogRepository } from './catalog.repository.js';
export { catalogRoutes } from './catalog.routes.js';
export {
  CatalogService,
  type Product,
  type ProductInput,
  type Sku,
  type SkuInput,
} from './catalog.service.js';
