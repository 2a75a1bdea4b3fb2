/**
 * runAsService against a stand-in for the SCM that calls it the way the SCM does: ServiceMain and
 * HandlerEx from native threads of their own (pthreads through libc), never from the JavaScript
 * thread. What it records is what the SCM would see through SetServiceStatus. Linux only (libc);
 * the real advapi32 is exercised under wine by test/release/msi.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { type Pointer, dlopen, ptr } from "bun:ffi";
import { runAsService } from "./run-as-service.ts";
import * as scm from "./scm-types.ts";

const linux = process.platform === "linux";
const libc = linux ? dlopen("libc.so.6", { pthread_create: { args: ["ptr", "ptr", "ptr", "ptr"], returns: "i32" } }) : undefined;

/** Calls the C function at `fn` with one integer argument on a new native thread. */
function callOnThread(fn: number, arg: number): void {
  const id = new BigUint64Array(1);
  if (libc!.symbols.pthread_create(ptr(id), null, fn as Pointer, arg as Pointer) !== 0) throw new Error("pthread_create failed");
}

/** An SCM stand-in: `connect` false plays a process no SCM started (the dispatcher returns at once). */
function fakeScm(connect = true) {
  const statuses: { state: number; accepted: number; exit: number; specific: number }[] = [];
  let handler = 0;
  const api: scm.ServiceApi = {
    startDispatcherThread(table) {
      if (connect) callOnThread(Number(table.readBigUInt64LE(8)), 1); // ServiceMain(1, ...)
      return 1 as Pointer;
    },
    threadResult: () => (!connect ? 0 : statuses.at(-1)?.state === scm.SERVICE_STOPPED ? 1 : undefined),
    registerHandler(_name, h) {
      handler = h as number;
      return 7 as Pointer;
    },
    setStatus(handle, s) {
      expect(handle as number).toBe(7);
      statuses.push({ state: s[1], accepted: s[2], exit: s[3], specific: s[4] });
      return true;
    },
    lastError: () => 0,
  };
  const control = (code: number) => callOnThread(handler, code);
  return { api, statuses, control };
}

const states = (s: { state: number }[]) => s.map((x) => x.state);

describe.skipIf(!linux)("runAsService", () => {
  test("reports RUNNING accepting STOP and SHUTDOWN; STOP from the SCM's thread: STOP_PENDING, the body's graceful stop, STOPPED with exit 0", async () => {
    const fake = fakeScm();
    let stopSeen = false;
    const outcome = runAsService(
      "dca",
      async (stop) => {
        expect(states(fake.statuses)).toEqual([scm.SERVICE_START_PENDING, scm.SERVICE_RUNNING]);
        expect(fake.statuses[1].accepted).toBe(scm.SERVICE_ACCEPT_STOP | scm.SERVICE_ACCEPT_SHUTDOWN);
        fake.control(scm.SERVICE_CONTROL_STOP);
        await new Promise((resolve) => stop.addEventListener("abort", resolve));
        stopSeen = true;
        expect(states(fake.statuses).at(-1)).toBe(scm.SERVICE_STOP_PENDING);
        return 0;
      },
      { api: fake.api, log: () => {} },
    );
    expect(await outcome).toEqual({ exitCode: 0, stopRequested: true });
    expect(stopSeen).toBe(true);
    expect(states(fake.statuses)).toEqual([scm.SERVICE_START_PENDING, scm.SERVICE_RUNNING, scm.SERVICE_STOP_PENDING, scm.SERVICE_STOPPED]);
    expect(fake.statuses.at(-1)).toMatchObject({ exit: 0, specific: 0 });
  });

  test("a system shutdown stops it the same way", async () => {
    const fake = fakeScm();
    const outcome = await runAsService(
      "dca",
      async (stop) => {
        fake.control(scm.SERVICE_CONTROL_SHUTDOWN);
        await new Promise((resolve) => stop.addEventListener("abort", resolve));
        return 0;
      },
      { api: fake.api, log: () => {} },
    );
    expect(outcome).toEqual({ exitCode: 0, stopRequested: true });
    expect(states(fake.statuses)).toEqual([scm.SERVICE_START_PENDING, scm.SERVICE_RUNNING, scm.SERVICE_STOP_PENDING, scm.SERVICE_STOPPED]);
  });

  test("a body that ends by itself (a self-update's restart code) stops the service as a failure, so the SCM's recovery restarts it", async () => {
    const fake = fakeScm();
    const outcome = await runAsService("dca", async () => 75, { api: fake.api, log: () => {} });
    expect(outcome).toEqual({ exitCode: 75, stopRequested: false });
    expect(fake.statuses.at(-1)).toMatchObject({ state: scm.SERVICE_STOPPED, exit: scm.ERROR_SERVICE_SPECIFIC_ERROR, specific: 75 });
  });

  test("a body that throws stops the service with exit 1, the error logged", async () => {
    const fake = fakeScm();
    const lines: string[] = [];
    const outcome = await runAsService("dca", async () => { throw new Error("boom"); }, { api: fake.api, log: (l) => lines.push(l) });
    expect(outcome).toEqual({ exitCode: 1, stopRequested: false });
    expect(lines).toContain("service: boom");
    expect(fake.statuses.at(-1)).toMatchObject({ state: scm.SERVICE_STOPPED, exit: scm.ERROR_SERVICE_SPECIFIC_ERROR, specific: 1 });
  });

  test("a process no SCM started is told so at once, and the body never runs", async () => {
    const fake = fakeScm(false);
    let ran = false;
    const started = performance.now();
    const outcome = await runAsService("dca", async () => { ran = true; return 0; }, { api: fake.api, log: () => {} });
    expect(outcome).toBe("not-a-service");
    expect(ran).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(fake.statuses).toEqual([]);
  });
});
