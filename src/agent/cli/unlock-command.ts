/**
 * `dca unlock`: after a hub admin ran `dca-hub install reset INSTALL_ID`,
 * asks the hub (over TLS, trusting the same CA as activation) and clears
 * the local lock if the hub's reset is newer than the last one applied.
 */
import { ConnectError } from "@connectrpc/connect";
import { applyHubReset, installId, loadIdentity, readLockState } from "../state/index.ts";
import { createHubClient } from "../service/hub-client.ts";
import { UsageError, flag, parseArgs } from "../../common/args.ts";
import { hubTrust } from "./activate-command.ts";
import { stateDirFrom } from "./state-dir.ts";

export async function unlockCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ["hub", "ca", "ca-fingerprint", "proxy", "state"], []);
  const dir = stateDirFrom(flag(p, "state"));
  const before = readLockState(dir);
  if (!before.locked) {
    console.log("this agent is not locked");
    return 0;
  }
  const identity = loadIdentity(dir);
  const hubUrl = flag(p, "hub") ?? identity?.hubUrl ?? before.hubUrl;
  if (!hubUrl) throw new UsageError("give --hub https://HOST:PORT");
  const trust = flag(p, "ca") || flag(p, "ca-fingerprint") ? await hubTrust(p, hubUrl) : { caPem: identity?.caPem, caFingerprint: identity?.caFingerprint };
  const client = createHubClient({ hubUrl, ...trust, proxyUrl: flag(p, "proxy") ?? identity?.proxyUrl });
  try {
    const r = await client.checkLockout({ installId: installId(dir) });
    const after = applyHubReset(dir, r);
    if (after.locked) {
      process.stderr.write(`dca unlock: the hub has not reset this install yet (ask the admin to run: dca-hub install reset ${installId(dir)})\n`);
      return 1;
    }
    console.log("unlocked: the hub admin reset this install; you can activate again");
    return 0;
  } catch (e) {
    process.stderr.write(`dca unlock: cannot ask the hub at ${hubUrl}: ${ConnectError.from(e).rawMessage}\n`);
    return 1;
  } finally {
    client.close();
  }
}
