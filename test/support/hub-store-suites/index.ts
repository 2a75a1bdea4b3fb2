/**
 * The hub store's test suites, one per interface of src/hub/store/hub-store.ts.
 * An implementation runs each on a factory of fresh stores (see
 * src/hub/store/open-hub-store.test.ts for SQLite).
 */
export { describeAccountStore } from "./account-store-suite.ts";
export { describeAgentAdminStore } from "./agent-admin-store-suite.ts";
export { describeAgentApiStore } from "./agent-api-store-suite.ts";
export { describeDeviceAdminStore } from "./device-admin-store-suite.ts";
export { describeMeterHistoryStore } from "./meter-history-store-suite.ts";
export { describeReleaseStore } from "./release-store-suite.ts";
export { describeSiteAdminStore } from "./site-admin-store-suite.ts";
export { describeTaskAdminStore } from "./task-admin-store-suite.ts";
export { describeWakeStore } from "./wake-store-suite.ts";
export { type OpenStore, type OpenedStore, codeOf } from "./store-under-test.ts";
