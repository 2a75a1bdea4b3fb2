/**
 * The service control manager's constants and the calls the service host needs from it,
 * as an interface: advapi32.ts is the real one (Windows only), tests drive a fake.
 */
import type { Pointer } from "bun:ffi";

/** Service states and controls (winsvc.h). */
export const SERVICE_WIN32_OWN_PROCESS = 0x10;
export const SERVICE_STOPPED = 1;
export const SERVICE_START_PENDING = 2;
export const SERVICE_STOP_PENDING = 3;
export const SERVICE_RUNNING = 4;
export const SERVICE_ACCEPT_STOP = 0x1;
export const SERVICE_ACCEPT_SHUTDOWN = 0x4;
export const SERVICE_CONTROL_STOP = 1;
export const SERVICE_CONTROL_INTERROGATE = 4;
export const SERVICE_CONTROL_SHUTDOWN = 5;
/** dwWin32ExitCode meaning "see dwServiceSpecificExitCode" (winerror.h). */
export const ERROR_SERVICE_SPECIFIC_ERROR = 1066;

/** A NUL-terminated UTF-16 string, as the W functions take. */
export function wide(s: string): Buffer {
  return Buffer.from(`${s}\0`, "utf16le");
}

/** The SCM calls and the thread calls the dispatcher uses (an interface, so tests can drive it). */
export interface ServiceApi {
  /** Starts StartServiceCtrlDispatcherW(table) on a thread of its own; returns the thread handle. */
  startDispatcherThread(table: Buffer): Pointer;
  /** undefined while the thread runs, else what StartServiceCtrlDispatcherW returned (0: failed). */
  threadResult(thread: Pointer): number | undefined;
  /** The status handle, null on failure. */
  registerHandler(name: Buffer, handler: Pointer): Pointer | null;
  setStatus(handle: Pointer, status: Uint32Array): boolean;
  lastError(): number;
}
