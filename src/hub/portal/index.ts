/** The web portal (docs/portal.md): pages served by the hub, every one through AdminService as the signed-in person. */
export { type PortalOptions, createPortal } from "./portal.ts";
export { createPortalApp, PORTAL_BODY_MAX_BYTES, type PortalAppOptions } from "./portal-app.ts";
export { createInProcessAdmin, type AdminClientFor } from "./in-process-admin.ts";
