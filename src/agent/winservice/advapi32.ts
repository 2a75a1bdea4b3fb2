/**
 * The few Win32 calls a Windows service needs, through bun:ffi: the service
 * control manager's (advapi32) and the thread and process ones (kernel32).
 * Loaded only by `dca service` on Windows: importing this file opens the DLLs.
 */
import { type Pointer, dlopen, ptr } from "bun:ffi";
import { type ServiceApi, wide } from "./scm-types.ts";

const SC_MANAGER_CONNECT = 0x1;
const SERVICE_CHANGE_CONFIG = 0x2;
const SERVICE_CONFIG_FAILURE_ACTIONS = 2;
const SERVICE_CONFIG_FAILURE_ACTIONS_FLAG = 4;
const SC_ACTION_RESTART = 1;

const advapi32 = dlopen("advapi32.dll", {
  RegisterServiceCtrlHandlerExW: { args: ["ptr", "ptr", "ptr"], returns: "ptr" },
  SetServiceStatus: { args: ["ptr", "ptr"], returns: "i32" },
  OpenSCManagerW: { args: ["ptr", "ptr", "u32"], returns: "ptr" },
  OpenServiceW: { args: ["ptr", "ptr", "u32"], returns: "ptr" },
  ChangeServiceConfig2W: { args: ["ptr", "u32", "ptr"], returns: "i32" },
  QueryServiceStatus: { args: ["ptr", "ptr"], returns: "i32" },
  ControlService: { args: ["ptr", "u32", "ptr"], returns: "i32" },
  CloseServiceHandle: { args: ["ptr"], returns: "i32" },
});

const kernel32 = dlopen("kernel32.dll", {
  GetModuleHandleW: { args: ["ptr"], returns: "ptr" },
  GetProcAddress: { args: ["ptr", "ptr"], returns: "ptr" },
  CreateThread: { args: ["ptr", "usize", "ptr", "ptr", "u32", "ptr"], returns: "ptr" },
  WaitForSingleObject: { args: ["ptr", "u32"], returns: "u32" },
  GetExitCodeThread: { args: ["ptr", "ptr"], returns: "i32" },
  GetLastError: { args: [], returns: "u32" },
});

/** The real ServiceApi, on advapi32 and kernel32. */
export const win32ServiceApi: ServiceApi = {
  startDispatcherThread(table) {
    // StartServiceCtrlDispatcherW blocks until the service stops, so it cannot run on the JavaScript
    // thread. Its signature, BOOL WINAPI f(const SERVICE_TABLE_ENTRYW*), is a thread routine's on x64
    // (one calling convention, a pointer in, a 32-bit value out): a thread can start in it directly.
    const module = kernel32.symbols.GetModuleHandleW(wide("advapi32.dll"));
    const start = kernel32.symbols.GetProcAddress(module, Buffer.from("StartServiceCtrlDispatcherW\0", "latin1"));
    if (!start) throw new Error(`GetProcAddress(StartServiceCtrlDispatcherW) failed (error ${kernel32.symbols.GetLastError()})`);
    const thread = kernel32.symbols.CreateThread(null, 0, start, ptr(table), 0, null) as Pointer | null;
    if (!thread) throw new Error(`CreateThread failed (error ${kernel32.symbols.GetLastError()})`);
    return thread;
  },
  threadResult(thread) {
    if (kernel32.symbols.WaitForSingleObject(thread, 0) !== 0) return undefined;
    const code = new Uint32Array(1);
    kernel32.symbols.GetExitCodeThread(thread, ptr(code));
    return code[0];
  },
  registerHandler: (name, handler) => advapi32.symbols.RegisterServiceCtrlHandlerExW(ptr(name), handler, null) as Pointer | null,
  setStatus: (handle, status) => advapi32.symbols.SetServiceStatus(handle, ptr(status)) !== 0,
  lastError: () => kernel32.symbols.GetLastError(),
};

/**
 * Asks the SCM to restart the service whenever it stops with a failure, including a non-zero exit
 * code reported with SERVICE_STOPPED (the failure-actions flag): after 5 s, 5 s, then every 60 s,
 * the count reset after a day without failure. Returns the error code, 0 on success.
 */
export function configureRestartOnFailure(serviceName: string): number {
  const scm = advapi32.symbols.OpenSCManagerW(null, null, SC_MANAGER_CONNECT);
  if (!scm) return kernel32.symbols.GetLastError();
  const service = advapi32.symbols.OpenServiceW(scm, ptr(wide(serviceName)), SERVICE_CHANGE_CONFIG);
  try {
    if (!service) return kernel32.symbols.GetLastError();
    // SC_ACTION[3] { Type, Delay } and SERVICE_FAILURE_ACTIONSW { dwResetPeriod, lpRebootMsg,
    // lpCommand, cActions, lpsaActions } with x64 alignment: 4 + pad 4 + 8 + 8 + 4 + pad 4 + 8 bytes.
    const actions = new Uint32Array([SC_ACTION_RESTART, 5_000, SC_ACTION_RESTART, 5_000, SC_ACTION_RESTART, 60_000]);
    const info = new DataView(new ArrayBuffer(40));
    info.setUint32(0, 86_400, true);
    info.setUint32(24, 3, true);
    info.setBigUint64(32, BigInt(ptr(actions)), true);
    if (!advapi32.symbols.ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS, ptr(info))) return kernel32.symbols.GetLastError();
    const flag = new Uint32Array([1]);
    if (!advapi32.symbols.ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, ptr(flag))) return kernel32.symbols.GetLastError();
    return 0;
  } finally {
    if (service) advapi32.symbols.CloseServiceHandle(service);
    advapi32.symbols.CloseServiceHandle(scm);
  }
}

const SERVICE_QUERY_STATUS = 0x4;
const SERVICE_STOP = 0x20;
const SERVICE_CONTROL_STOP = 1;
const SERVICE_STOPPED = 1;
const SERVICE_RUNNING = 4;

/**
 * Stops the service if it runs and waits until the SCM reports it stopped (or it does not exist),
 * at most `timeoutMs`. An uninstall's StopServices does not stop a service still starting (it
 * cannot take a stop yet), and that process would make the state folder again after a purge.
 * Returns whether it is stopped.
 */
export async function stopServiceAndWait(serviceName: string, timeoutMs: number): Promise<boolean> {
  const scm = advapi32.symbols.OpenSCManagerW(null, null, SC_MANAGER_CONNECT);
  if (!scm) return false;
  const service = advapi32.symbols.OpenServiceW(scm, ptr(wide(serviceName)), SERVICE_QUERY_STATUS | SERVICE_STOP);
  try {
    if (!service) return true;
    // SERVICE_STATUS: seven DWORDs, dwCurrentState second.
    const status = new Uint32Array(7);
    const deadline = Date.now() + timeoutMs;
    let stopSent = false;
    while (Date.now() < deadline) {
      if (!advapi32.symbols.QueryServiceStatus(service, ptr(status))) return false;
      if (status[1] === SERVICE_STOPPED) return true;
      if (status[1] === SERVICE_RUNNING && !stopSent) stopSent = advapi32.symbols.ControlService(service, SERVICE_CONTROL_STOP, ptr(status)) !== 0;
      await Bun.sleep(250);
    }
    return false;
  } finally {
    if (service) advapi32.symbols.CloseServiceHandle(service);
    advapi32.symbols.CloseServiceHandle(scm);
  }
}
