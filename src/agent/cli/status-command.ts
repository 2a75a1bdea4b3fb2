/**
 * `dca status`: works even when the agent is locked, and says plainly what
 * state it is in and how to recover.
 */
import { plural } from "../../common/text.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { openOutbox } from "../outbox/index.ts";
import { describeIdentity, installId, loadIdentity, peekLockState, readLockState, unlockCommandLine } from "../state/index.ts";
import { flag, parseArgs } from "../../common/args.ts";
import { VERSION } from "../../common/version.ts";
import { stateDirAsOwner } from "./state-dir.ts";

export async function statusCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ["state"], ["json"]);
  const dir = stateDirAsOwner(flag(p, "state"));
  // A deleted state folder leaves the copy of the lock state outside it, which `activate` restores.
  const peeked = existsSync(dir) ? undefined : peekLockState(dir);
  const id = existsSync(dir) ? installId(dir) : peeked?.installId;
  const lock = existsSync(dir) ? readLockState(dir) : (peeked?.state ?? { failedAttempts: 0, locked: false, lastResetGeneration: 0 });
  const identity = existsSync(dir) ? loadIdentity(dir) : undefined;
  let outbox: { depth: number; bytes: number; droppedTotal: string } | undefined;
  if (existsSync(join(dir, "outbox.db"))) {
    try {
      const o = openOutbox(join(dir, "outbox.db"));
      const s = o.stats();
      o.close();
      outbox = { depth: s.depth, bytes: s.bytes, droppedTotal: String(s.droppedTotal) };
    } catch (e) {
      outbox = undefined;
      process.stderr.write(`dca status: outbox: ${(e as Error).message}\n`);
    }
  }
  const status = {
    version: VERSION,
    stateDir: dir,
    installId: id,
    activated: !!identity,
    agentId: identity?.agentId,
    site: identity?.siteName,
    hub: identity?.hubUrl,
    locked: lock.locked,
    failedActivations: lock.failedAttempts,
    tampered: lock.tampered,
    outbox,
  };
  if (p.flags.has("json")) {
    console.log(JSON.stringify(status, null, 2));
    return lock.locked ? 3 : 0;
  }
  const lines = [`dca ${VERSION}`, `state folder: ${dir}`, `install id:   ${id ?? "(none yet)"}`];
  lines.push(identity ? describeIdentity(identity) : lock.locked ? "not activated" : "not activated: run dca activate --hub URL --code CODE");
  if (outbox) lines.push(`outbox: ${plural(outbox.depth, "reading")} waiting (${outbox.bytes} bytes), ${outbox.droppedTotal} dropped in all`);
  if (lock.locked) {
    lines.push(
      "",
      `LOCKED after ${lock.failedAttempts} failed activations${lock.tampered ? ` (state tampered: ${lock.tampered})` : ""}.`,
      "To recover, either:",
      `  - ask the hub admin to run: dca-hub install reset ${id}`,
      `    then run here: ${unlockCommandLine(lock)}`,
      "  - or install a fresh download of the agent.",
    );
  } else if (lock.failedAttempts > 0) {
    lines.push(`${lock.failedAttempts} of 5 failed activations on this install.`);
  }
  console.log(lines.join("\n"));
  return lock.locked ? 3 : 0;
}
