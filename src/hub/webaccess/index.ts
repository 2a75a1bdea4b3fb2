/** Device Web Access at the hub: sessions, the technician's reverse proxy, and the relay's forward policy over the store. */
export { type WebAccessProxy, type WebAccessProxyOptions, createWebAccessProxy } from "./web-access-proxy.ts";
export { createStoreForwardPolicy } from "./store-forward-policy.ts";
export { type WebAccessSettings, WEB_ACCESS_SETTINGS_FILE, checkWebAccessDomain, defaultWebAccessDomain, readWebAccessSettings, sessionOrigin, writeWebAccessSettings } from "./web-access-settings.ts";
export { type OpenRequest, type OpenedSession, openWebAccess } from "./open-web-access.ts";
export { POOL_LIMITS, type PoolLimits } from "./upstream-pool.ts";
export { SESSION_COOKIE } from "./session-gate.ts";
export { SESSION_INFO_PATH } from "./session-pages.ts";
export { type WebAccessServeOptions, startWebAccess, webAccessDomainOf } from "./serve-web-access.ts";
