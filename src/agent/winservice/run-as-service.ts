/**
 * Runs a body of work as a Windows service that answers the service control
 * manager: StartServiceCtrlDispatcherW on a native thread of its own (it
 * blocks until the service stops), ServiceMain and HandlerEx as thread-safe
 * bun:ffi callbacks that the SCM's threads queue onto the JavaScript thread.
 *
 * The SCM sees START_PENDING, RUNNING (accepting STOP and SHUTDOWN), then on
 * STOP or SHUTDOWN: STOP_PENDING, the body's graceful stop, STOPPED. A body that
 * ends without being asked to stops the service with a service-specific error
 * code, so that the SCM's failure actions start it again (advapi32.ts,
 * configureRestartOnFailure): that is how a self-update's new binary starts.
 */
import { JSCallback, type Pointer, ptr } from "bun:ffi";
import {
  ERROR_SERVICE_SPECIFIC_ERROR,
  SERVICE_ACCEPT_SHUTDOWN,
  SERVICE_ACCEPT_STOP,
  SERVICE_CONTROL_SHUTDOWN,
  SERVICE_CONTROL_STOP,
  SERVICE_RUNNING,
  SERVICE_START_PENDING,
  SERVICE_STOPPED,
  SERVICE_STOP_PENDING,
  SERVICE_WIN32_OWN_PROCESS,
  type ServiceApi,
  wide,
} from "./scm-types.ts";

/** The service's work: runs until `stop` aborts (returns 0) or ends by itself (returns its exit code). */
export type ServiceBody = (stop: AbortSignal) => Promise<number>;

export interface RunAsServiceOptions {
  readonly api: ServiceApi;
  readonly log: (line: string) => void;
  /** How long to wait for the SCM to call ServiceMain (default 30 s, the SCM's own start timeout). */
  readonly connectTimeoutMs?: number;
}

/** How the service ended: the body's exit code, or "not-a-service" when no SCM started this process. */
export type ServiceOutcome = { readonly exitCode: number; readonly stopRequested: boolean } | "not-a-service";

const POLL_MS = 50;
/** What STOP_PENDING promises the SCM: `dca run` stops within 2 s (run-command.ts). */
const STOP_WAIT_HINT_MS = 10_000;

export async function runAsService(name: string, body: ServiceBody, options: RunAsServiceOptions): Promise<ServiceOutcome> {
  const { api, log } = options;
  const serviceName = wide(name);
  const status = new Uint32Array(7);
  let handle: Pointer | null = null;
  let checkPoint = 0;
  const report = (state: number, accepted: number, exit = 0, specific = 0, waitHint = 0) => {
    status.set([SERVICE_WIN32_OWN_PROCESS, state, accepted, exit, specific, state === SERVICE_STOP_PENDING || state === SERVICE_START_PENDING ? ++checkPoint : 0, waitHint]);
    if (handle && !api.setStatus(handle, status)) log(`service: SetServiceStatus(${state}) failed (error ${api.lastError()})`);
  };
  const stop = new AbortController();
  let mainCalled!: () => void;
  const started = new Promise<void>((resolve) => (mainCalled = resolve));

  // Both run on the JavaScript thread: the SCM's thread only queues the call (and gets 0, NO_ERROR, back).
  const serviceMain = new JSCallback(() => mainCalled(), { args: ["u32", "ptr"], returns: "void", threadsafe: true });
  const handler = new JSCallback(
    (control: number) => {
      if ((control === SERVICE_CONTROL_STOP || control === SERVICE_CONTROL_SHUTDOWN) && !stop.signal.aborted) {
        log(control === SERVICE_CONTROL_STOP ? "service: stop requested" : "service: system shutdown");
        report(SERVICE_STOP_PENDING, 0, 0, 0, STOP_WAIT_HINT_MS);
        stop.abort();
      } else if (handle) api.setStatus(handle, status); // INTERROGATE: the current status again
      return 0;
    },
    { args: ["u32", "u32", "ptr", "ptr"], returns: "u32", threadsafe: true },
  );
  // SERVICE_TABLE_ENTRYW[2]: { lpServiceName, lpServiceProc }, then the NULL entry that ends the table.
  const table = Buffer.alloc(32);
  table.writeBigUInt64LE(BigInt(ptr(serviceName)), 0);
  table.writeBigUInt64LE(BigInt(serviceMain.ptr!), 8);

  const thread = api.startDispatcherThread(table);
  // The poll also keeps the event loop alive for the queued callbacks.
  const connected = await new Promise<boolean>((resolve) => {
    const deadline = Date.now() + (options.connectTimeoutMs ?? 30_000);
    const timer = setInterval(() => {
      if (api.threadResult(thread) !== undefined || Date.now() > deadline) {
        clearInterval(timer);
        resolve(false);
      }
    }, POLL_MS);
    started.then(() => {
      clearInterval(timer);
      resolve(true);
    });
  });
  if (!connected) return "not-a-service";

  handle = api.registerHandler(serviceName, handler.ptr!);
  if (!handle) throw new Error(`RegisterServiceCtrlHandlerExW failed (error ${api.lastError()})`);
  report(SERVICE_START_PENDING, 0, 0, 0, 5_000);
  report(SERVICE_RUNNING, SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN);
  let exitCode: number;
  try {
    exitCode = await body(stop.signal);
  } catch (e) {
    log(`service: ${(e as Error).message}`);
    exitCode = 1;
  }
  const stopRequested = stop.signal.aborted;
  // A stop nobody asked for is a failure, whatever the code: the SCM's failure actions restart it.
  if (stopRequested) report(SERVICE_STOPPED, 0);
  else report(SERVICE_STOPPED, 0, ERROR_SERVICE_SPECIFIC_ERROR, exitCode || 1);
  // The dispatcher returns once the SCM has the STOPPED status; the callbacks live until then.
  for (let i = 0; i < 40 && api.threadResult(thread) === undefined; i++) await Bun.sleep(POLL_MS);
  serviceMain.close();
  handler.close();
  return { exitCode, stopRequested };
}
