export { FulfilmentRepository } from './fulfilment.repository.js';
export { fulfilmentRoutes } from './fulfilment.routes.js';
export {
  computeTax,
  FulfilmentService,
  type OrderRouting,
  type Region,
  type RegionInput,
} from './fulfilment.service.js';
