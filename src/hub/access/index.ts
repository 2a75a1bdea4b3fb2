/** Roles, permissions and the rule of each AdminService method (docs/security.md "People"). */
export { type Caller, type CallerInput, type CallerVia, createCaller, permissionDenied } from "./caller.ts";
export { type AdminMethod, type Audit, METHOD_RULES, type MethodRule } from "./method-rules.ts";
export {
  GLOBAL_PERMISSIONS,
  PERMISSIONS,
  type Permission,
  ROLES,
  ROLE_PERMISSIONS,
  type Role,
  SCOPE_PERMISSIONS,
  TOKEN_SCOPES,
  type TokenScope,
  isRole,
  isTokenScope,
} from "./roles.ts";
