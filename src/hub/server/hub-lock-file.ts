/** The file the serving hub holds in its data folder (src/common/owner-lock.ts): one hub per folder; admin-local takes it too. */
export const HUB_LOCK_FILE = "serve.lock";
