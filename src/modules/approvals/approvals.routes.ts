import type { Routes } from '../../http/route-context.js';
import { campaignsRoutes } from './campaigns.routes.js';
import { documentsRoutes } from './documents.routes.js';

/** Everything under /api/v1 the approvals module answers. */
export const approvalsRoutes: Routes = (app, context) => {
  campaignsRoutes(app, context);
  documentsRoutes(app, context);
};
