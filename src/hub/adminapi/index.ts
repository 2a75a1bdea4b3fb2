/** AdminService: the API people and their tools run the hub with (docs/api.md). */
export { ADMIN_PATH_PREFIX, type AdminAuth, type AuditEntry, createAdminDoor, guardAdminService } from "./admin-door.ts";
export { createAdminHandlers, storeAdminAuth, storeAudit } from "./create-admin-service.ts";
export { type HubSignIn, type HubSignInDeps, createHubSignIn } from "./hub-sign-in.ts";
export { SSO_CALLBACK_PATH, createSsoCallback } from "./sso-callback.ts";
