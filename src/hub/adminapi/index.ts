/** AdminService: the API people and their tools run the hub with (docs/api.md). */
export { ADMIN_PATH_PREFIX, type AdminAuth, type AuditEntry, createAdminDoor, guardAdminService } from "./admin-door.ts";
export { createAdminHandlers, storeAdminAuth, storeAudit } from "./create-admin-service.ts";
