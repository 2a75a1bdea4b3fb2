/**
 * `dca run`: the agent in the foreground until Ctrl-C / SIGTERM (service
 * units wrap this later). Needs an activated, unlocked state folder.
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

/** How long a stop waits for work under way, and then for the process's last handles: within 2 s in all. */
const STOP_GRACE_MS = 1_000;
const EXIT_GRACE_MS = 500;

export async function runCommand(argv: string[]): Promise<number> {
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
  const outbox = openOutbox(join(dir, "outbox.db"));
  const client = createHubClient({ ...identity, proxyUrl }, identity);
  log(`dca ${VERSION} running as agent ${identity.agentId} of site "${identity.siteName}", hub ${identity.hubUrl}, state ${dir}`);
  const agent = runAgent({
    client,
    outbox,
    runtime: createRuntimeStore(dir),
    agentVersion: VERSION,
    hostname: hostname(),
    log,
    clock: systemClock,
    backoffBaseMs: ms("backoff-base"),
    backoffCapMs: ms("backoff-cap"),
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
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
    agent.done.then(resolve);
  });
  log("stopping");
  // What is under way gets a moment to end; readings already taken are in the outbox either way.
  await Promise.race([agent.stop(), sleep(systemClock, STOP_GRACE_MS)]);
  outbox.close();
  client.close();
  owner.release();
  log("stopped");
  // A read under way may keep its socket open until its timeout: the process does not wait for it.
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
  return 0;
}
