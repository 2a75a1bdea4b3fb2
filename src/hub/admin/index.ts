/** The admin commands of `dca-hub` (everything but `serve`). */
export { ADMIN_COMMANDS, ADMIN_HELP, runAdminCommand } from "./run-admin-command.ts";
export type { AdminCommand, AdminContext, AdminIo } from "./admin-context.ts";
