/**
 * The Windows service (`dca service`) and the MSI's custom actions. Only this edge is imported,
 * and only when the command is `service`: bun:ffi and advapi32 load on Windows alone.
 */
export { SERVICE_NAME, serviceCommand } from "./service-command.ts";
