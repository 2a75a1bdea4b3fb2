/**
 * `dca unlock`: after a hub admin ran `dca-hub install reset INSTALL_ID`,
 * asks the hub (over TLS, trusting the same CA as activation) and clears
 * the local lock if the hub's reset is newer than the last one applied.
 */
import { ConnectError } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import { applyHubReset, installId, loadIdentity, readLockState } from "../state/index.ts";
import { createHubClient } from "../service/hub-client.ts";
import { UsageError, flag, parseArgs } from "../../common/args.ts";
import { hubTrust } from "./activate-command.ts";
import { stateDirAsOwner } from "./state-dir.ts";

export async function unlockCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ["hub", "ca", "ca-fingerprint", "proxy", "state"], []);
  const dir = stateDirAsOwner(flag(p, "state"));
  const before = readLockState(dir);
  if (!before.locked) {
    console.log("this agent is not locked");
    return 0;
  }
  const identity = loadIdentity(dir);
  const hubUrl = flag(p, "hub") ?? identity?.hubUrl ?? before.hubUrl;
  if (!hubUrl) throw new UsageError("give --hub https://HOST:PORT");
  // The trust given now, else the one the agent was activated with, else the one the failed activations used.
  const remembered = identity ?? before;
  const trust = flag(p, "ca") || flag(p, "ca-fingerprint") ? await hubTrust(p, hubUrl) : { caPem: remembered.caPem, caFingerprint: remembered.caFingerprint };
  const client = createHubClient({ hubUrl, ...trust, proxyUrl: flag(p, "proxy") ?? identity?.proxyUrl });
  try {
    const r = await client.checkLockout({ installId: installId(dir) });
    const after = applyHubReset(dir, r);
    if (after.locked) {
      process.stderr.write(`dca unlock: the hub has not reset this install yet; ask the hub admin to run: dca-hub install reset ${installId(dir)}\n`);
      return 1;
    }
    console.log("unlocked: the hub admin reset this install; you can activate again");
    return 0;
  } catch (e) {
    const err = ConnectError.from(e);
    throw new DcaError(DcaError.from(err).code, `cannot ask the hub at ${hubUrl}: ${err.rawMessage}`, { cause: err });
  } finally {
    client.close();
  }
}
