export { CatalogRepository } from './catalog.repository.js';
export { catalogRoutes } from './catalog.routes.js';
export {
  CatalogService,
  type Product,
  type ProductImportInput,
  type ProductInput,
  type Sku,
  type SkuInput,
} from './catalog.service.js';
export type { ImportRowError } from './catalog-import.js';
export type { ProductImportSummary } from './catalog-import-plan.js';
