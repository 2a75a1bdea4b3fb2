/**
 * `dca activate --hub URL --code CODE`: exchanges a single-use code for the
 * agent's credential and stores it in the state folder (mode 0600). A wrong
 * code counts against this install here and on the hub; at 5 the agent
 * locks itself (see docs/security.md).
 */
import { hostname } from "node:os";
import { readFileSync } from "node:fs";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  assertNotLocked,
  ensureStateDir,
  installId,
  loadIdentity,
  beginActivationAttempt,
  settleActivationAttempt,
  saveIdentity,
} from "../state/index.ts";
import { fetchHubCa } from "../transport/index.ts";
import { createHubClient } from "../service/hub-client.ts";
import { saveWakeSettings } from "../wake/saved-wake-settings.ts";
import { createRuntimeStore } from "../service/runtime-state.ts";
import { UsageError, flag, parseArgs } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import { VERSION } from "../../common/version.ts";
import { stateDirAsOwner } from "./state-dir.ts";
import { PLATFORM } from "./platform.ts";
import { ensureSshKey } from "../webaccess/ssh-key.ts";


/** The CA of --ca FILE (undefined without it); --ca with --ca-fingerprint is refused. */
export function caFromFlag(p: ReturnType<typeof parseArgs>): string | undefined {
  const caFile = flag(p, "ca");
  if (caFile && flag(p, "ca-fingerprint")) throw new UsageError("give --ca or --ca-fingerprint, not both");
  if (!caFile) return undefined;
  try {
    return readFileSync(caFile, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read --ca ${caFile}: ${(e as Error).message}`);
  }
}

/** The hub's trust settings from --ca FILE / --ca-fingerprint. */
export async function hubTrust(p: ReturnType<typeof parseArgs>, hubUrl: string): Promise<{ caPem?: string; caFingerprint?: string }> {
  const caPem = caFromFlag(p);
  if (caPem !== undefined) return { caPem };
  const fingerprint = flag(p, "ca-fingerprint");
  if (fingerprint) {
    const ca = await fetchHubCa(hubUrl, { expectFingerprint: fingerprint, proxy: flag(p, "proxy") ? { url: flag(p, "proxy")! } : undefined });
    return { caPem: ca.pem, caFingerprint: ca.fingerprint };
  }
  return {};
}

export async function activateCommand(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ["hub", "code", "ca", "ca-fingerprint", "proxy", "state"], ["force"]);
  const dir = stateDirAsOwner(flag(p, "state"));
  ensureStateDir(dir);
  assertNotLocked(dir);
  const hubUrl = flag(p, "hub");
  const code = flag(p, "code");
  if (!hubUrl || !code) throw new UsageError("give --hub https://HOST:PORT and --code XXXX-XXXX");
  if (!/^https:\/\//.test(hubUrl)) throw new UsageError("--hub must be an https:// URL");
  if (loadIdentity(dir) && !p.flags.has("force")) {
    throw new UsageError(`this agent is already activated (state in ${dir}); add --force to activate it again`);
  }
  const trust = await hubTrust(p, hubUrl);
  const proxyUrl = flag(p, "proxy");
  const client = createHubClient({ hubUrl, ...trust, proxyUrl });
  const id = installId(dir);
  // Made before the hub is asked, so that the hub registers it with the agent (kept across a --force re-activation).
  const sshPublicKey = ensureSshKey(dir).publicKey;
  // Counted before the hub is asked: stopping the process while it waits is no free guess.
  beginActivationAttempt(dir, { hubUrl, caFingerprint: trust.caFingerprint });
  try {
    const r = await client.activate({ code, installId: id, hostname: hostname(), agentVersion: VERSION, platform: PLATFORM, sshPublicKey });
    settleActivationAttempt(dir, "accepted");
    saveIdentity(dir, {
      hubUrl,
      agentId: r.agentId,
      secret: r.secret,
      siteId: r.siteId,
      siteName: r.siteName,
      caPem: trust.caPem,
      caFingerprint: trust.caFingerprint,
      proxyUrl,
      activatedAt: new Date().toISOString(),
    });
    if (r.config) createRuntimeStore(dir).saveConfig(r.config);
    saveWakeSettings(dir, r.mqtt);
    console.log(`activated: agent ${r.agentId} of site "${r.siteName}" at ${hubUrl}\nstate: ${dir}\nnext: dca run${flag(p, "state") ? ` --state ${dir}` : ""}`);
    return 0;
  } catch (e) {
    const err = ConnectError.from(e);
    if (err.code !== Code.PermissionDenied && err.code !== Code.FailedPrecondition) {
      settleActivationAttempt(dir, "not-counted");
      throw new DcaError(DcaError.from(err).code, `${err.rawMessage} (nothing counted against this install)`, { cause: err });
    }
    const s = settleActivationAttempt(dir, "refused", err.rawMessage);
    const next = s.locked
      ? `this agent is now locked after ${s.failedAttempts} failed activations: run "dca status" for how to recover`
      : `check the code, or ask for a new one ("dca-hub code create SITE"); ${s.failedAttempts} of 5 failed activations on this install, at 5 the agent locks itself`;
    process.stderr.write(`dca activate: the hub refused: ${err.rawMessage}; ${next}\n`);
    return 1;
  } finally {
    client.close();
  }
}
