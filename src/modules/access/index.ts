export { type Actor, requirePermission } from './actor.js';
export {
  can,
  isRole,
  type Permission,
  permissions,
  type Role,
  roleDescriptions,
  rolePermissions,
  roles,
} from './permissions.js';
