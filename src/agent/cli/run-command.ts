/**
 * `dca run`: the agent in the foreground until Ctrl-C / SIGTERM, or until
 * `signal` aborts (the Windows service, src/agent/winservice). Needs an
 * activated, unlocked state folder.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { sleep, systemClock } from "../../common/clock.ts";
import { parseDuration } from "../../common/duration.ts";
import { openOutbox } from "../outbox/index.ts";
import { RUN_LOCK_FILE, assertNotLocked, loadIdentity } from "../state/index.ts";
import { createHubClient } from "../service/hub-client.ts";
import { runAgent } from "../service/run-agent.ts";
import { createRuntimeStore } from "../service/runtime-state.ts";
import { parseProxyUrl } from "../transport/proxy-config.ts";
import { saveWakeSettings, startWakeClient } from "../wake/index.ts";
import { UsageError, flag, parseArgs } from "../../common/args.ts";
import { VERSION } from "../../common/version.ts";
import { stateDirAsOwner } from "./state-dir.ts";
import { takeOwnerLock } from "../../common/owner-lock.ts";
import { INTEGRITY_EXIT } from "../../common/exit-codes.ts";
import { TRUST_ROOT } from "../../common/trust-root.ts";
import { integrityFailureLine } from "../integrity/verify-self.ts";
import { createFileFetcher } from "../transport/create-file-fetcher.ts";
import { PLATFORM } from "./platform.ts";
import { type SshKeyPair, ensureSshKey } from "../webaccess/ssh-key.ts";
import { type ReadyRelease, beginStart, createUpdateState, createUpdater, markHealthy, restartSelf, rollBack, TEST_FAULT } from "../update/index.ts";

/** How long a stop waits for work under way, and then for the process's last handles: within 2 s in all. */
const STOP_GRACE_MS = 1_000;
const EXIT_GRACE_MS = 500;

export async function runCommand(argv: string[], signal?: AbortSignal): Promise<number> {
  const p = parseArgs(argv, ["state", "backoff-base", "backoff-cap", "proxy"], []);
  const dir = stateDirAsOwner(flag(p, "state"));
  assertNotLocked(dir);
  const identity = loadIdentity(dir);
  if (!identity) throw new UsageError(`this agent is not activated (state folder ${dir}); run "dca activate --hub URL --code CODE" first`);
  // Two agents on one folder would share the outbox and knock each other off the wake-up broker.
  const owner = takeOwnerLock(
    join(dir, RUN_LOCK_FILE),
    (pid) => `another agent (pid ${pid ?? "unknown"}) is running on the state folder ${dir}; stop it first, or give this one its own folder with --state`,
  );
  const ms = (name: string) => {
    const v = flag(p, name);
    if (v === undefined) return undefined;
    try {
      return parseDuration(/^\d+$/.test(v) ? Number(v) : v);
    } catch (e) {
      throw new UsageError(`--${name}: ${(e as Error).message}`);
    }
  };
  // --proxy overrides the proxy given at activation, for this run (the hub line and the wake-up line).
  const proxyUrl = flag(p, "proxy") ?? identity.proxyUrl;
  if (proxyUrl !== undefined) {
    try {
      parseProxyUrl(proxyUrl);
    } catch (e) {
      throw new UsageError(`--proxy: ${(e as Error).message}`);
    }
  }
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  // Self-update: the marker of an update under trial, first (a new version that cannot start is rolled back here).
  const exe = process.execPath;
  const updateState = createUpdateState(dir);
  const start = beginStart(updateState, exe, VERSION);
  if (start.kind === "rolled-back") {
    log(start.reason);
    owner.release();
    return restartSelf(exe, process.argv.slice(2));
  }
  if (TEST_FAULT === "exit-after-start") process.exit(70);
  const fetcher = createFileFetcher({ ...identity, proxyUrl, bearer: () => `Bearer ${identity.agentId}.${identity.secret}` });
  const updater = createUpdater({ state: updateState, exe, version: VERSION, platform: PLATFORM, root: TRUST_ROOT, fetcher, clock: systemClock, log });
  const revoked = updater.revokedSelf();
  if (revoked !== undefined) {
    owner.release();
    process.stderr.write(`${integrityFailureLine(revoked)}\n`);
    return INTEGRITY_EXIT;
  }
  const startedAt = systemClock.monotonic();
  let trial = start.kind === "trial" ? start.pending : undefined;
  if (trial) log(`update: dca ${VERSION} runs on trial: it must reach the hub within ${trial.healthSeconds} s or ${trial.from} comes back`);
  const outbox = openOutbox(join(dir, "outbox.db"));
  const client = createHubClient({ ...identity, proxyUrl }, identity);
  // An agent activated before Device Web Access makes its key now; the hub registers it at the next poll.
  let sshKey: SshKeyPair | undefined;
  try {
    sshKey = ensureSshKey(dir);
  } catch (e) {
    log(`web access: no SSH key (${(e as Error).message}); web-access tasks will be refused`);
  }
  // Ctrl-C and SIGTERM are heard from before the "running" line: a stop sent as soon as it shows is
  // never lost (as PID 1 of a container or namespace, a signal without a handler is dropped).
  let stopNow: (() => void) | undefined;
  let stopEarly = false;
  const onStopSignal = () => (stopNow ? stopNow() : (stopEarly = true));
  process.once("SIGINT", onStopSignal);
  process.once("SIGTERM", onStopSignal);
  log(`dca ${VERSION} running as agent ${identity.agentId} of site "${identity.siteName}", hub ${identity.hubUrl}, state ${dir}`);
  const agent = runAgent({
    updates: {
      pollFields: updater.pollFields,
      polled(r) {
        if (trial) {
          log(`update: ${markHealthy(updateState, trial, systemClock.monotonic() - startedAt)}`);
          trial = undefined;
        }
        updater.polled(r);
      },
    },
    client,
    outbox,
    runtime: createRuntimeStore(dir),
    agentVersion: VERSION,
    hostname: hostname(),
    log,
    clock: systemClock,
    backoffBaseMs: ms("backoff-base"),
    backoffCapMs: ms("backoff-cap"),
    webAccess: sshKey && { key: sshKey, stateDir: dir, route: { caPem: identity.caPem, pin: identity.caFingerprint, proxyUrl } },
    // The wake-up line goes the way the hub line goes: the same proxy (or HTTPS_PROXY) and the same CA and pin.
    startWakeups: (settings, hooks) => {
      // Kept for `dca doctor`, which checks the line the agent uses; losing this copy costs nothing else.
      try {
        saveWakeSettings(dir, settings);
      } catch (e) {
        log(`wake-ups: cannot keep the broker settings in ${dir}: ${(e as Error).message}`);
      }
      return startWakeClient({
        settings,
        secret: identity.secret,
        caPem: identity.caPem,
        caFingerprint: identity.caFingerprint,
        proxy: proxyUrl ? { url: proxyUrl } : undefined,
        log,
        ...hooks,
      });
    },
  });
  type Ending = { kind: "stop" } | { kind: "update"; ready: ReadyRelease } | { kind: "unhealthy" };
  const ending = await new Promise<Ending>((resolve) => {
    const stop = () => resolve({ kind: "stop" });
    stopNow = stop;
    if (stopEarly) stop();
    signal?.addEventListener("abort", stop, { once: true });
    agent.done.then(stop);
    updater.ready.then((ready) => resolve({ kind: "update", ready }));
    if (trial) systemClock.setTimer(() => trial && resolve({ kind: "unhealthy" }), trial.healthSeconds * 1000);
  });
  log(ending.kind === "stop" ? "stopping" : "stopping to restart");
  // What is under way gets a moment to end; readings already taken are in the outbox either way.
  await Promise.race([agent.stop(), sleep(systemClock, STOP_GRACE_MS)]);
  outbox.close();
  client.close();
  fetcher.close();
  if (ending.kind !== "stop") return restartAfter(ending.kind === "update" ? () => updater.install(ending.ready) : () => log(rollBack(updateState, exe, trial!, `it did not reach the hub within ${trial!.healthSeconds} s`)));
  owner.release();
  log("stopped");
  // A read under way may keep its socket open until its timeout: the process does not wait for it.
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
  return 0;

  /** Swaps the executable (`swap`) with the service stopped and the folder still held, then starts the file now in place. */
  function restartAfter(swap: () => void): number {
    try {
      swap();
    } catch (e) {
      // Not installed: the same version starts again, and the hub hears why.
      const status = `update failed: ${(e as Error).message}`;
      updateState.note(status, ending.kind === "update" ? ending.ready.offer.sha256 : undefined);
      updateState.clearPending();
      log(status);
    }
    owner.release();
    log("restarting");
    return restartSelf(exe, process.argv.slice(2));
  }
}
