/**
 * The agent's identity: which hub it belongs to and the credential the hub
 * gave it at activation. Kept in `<dir>/identity.json`, mode 0600; the
 * secret is a bearer credential and is never printed.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { ensureStateDir } from "./ensure-state-dir.ts";
import { sealLockState } from "./lock-state.ts";
import { IDENTITY_FILE } from "./state-files.ts";
import { writeFileAtomic } from "./write-file-atomic.ts";
import { DcaError } from "../../common/errors.ts";

/** What activation gave this agent. */
export interface Identity {
  hubUrl: string;
  agentId: string;
  /** Bearer secret: "Bearer <agentId>.<secret>". Never logged. */
  secret: string;
  siteId: string;
  siteName: string;
  /** The hub's own CA, pinned, when the hub has no publicly trusted certificate. */
  caPem?: string;
  /** SHA-256 fingerprint of caPem, as shown to the admin at activation. */
  caFingerprint?: string;
  proxyUrl?: string;
  /** ISO 8601. */
  activatedAt: string;
}

const nonEmpty = v.pipe(v.string(), v.minLength(1));
const IdentitySchema = v.object({
  hubUrl: v.pipe(v.string(), v.url()),
  agentId: nonEmpty,
  secret: nonEmpty,
  siteId: nonEmpty,
  siteName: v.string(),
  caPem: v.optional(v.string()),
  caFingerprint: v.optional(v.string()),
  proxyUrl: v.optional(v.pipe(v.string(), v.url())),
  activatedAt: nonEmpty,
});

/** The identity, or undefined when the agent is not activated. */
export function loadIdentity(dir: string): Identity | undefined {
  const path = join(dir, IDENTITY_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DcaError(DcaError.from(e).code, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`, { cause: e });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Never echo the content or the parser's excerpt of it: it holds the secret.
    throw new DcaError("data-loss", `${path} is not valid JSON; activate again with "dca activate"`);
  }
  const r = v.safeParse(IdentitySchema, raw);
  if (!r.success) {
    const fields = [...new Set(r.issues.map((i) => i.path?.map((p) => p.key).join(".") || "(top level)"))];
    throw new DcaError("data-loss", `${path} is not a valid identity (bad fields: ${fields.join(", ")}); activate again with "dca activate"`);
  }
  return r.output;
}

/**
 * Writes the identity atomically (temp file, fsync, rename) with mode 0600.
 * The lock state is sealed first, so an identity never exists without a
 * sealed copy: if every copy vanishes later, that is tampering.
 */
export function saveIdentity(dir: string, id: Identity): void {
  const checked = v.safeParse(IdentitySchema, id);
  if (!checked.success) {
    const fields = [...new Set(checked.issues.map((i) => i.path?.map((p) => p.key).join(".") || "(top level)"))];
    throw new DcaError("invalid-argument", `refusing to save an invalid identity (bad fields: ${fields.join(", ")})`);
  }
  ensureStateDir(dir);
  sealLockState(dir);
  writeFileAtomic(join(dir, IDENTITY_FILE), `${JSON.stringify(checked.output, null, 2)}\n`, 0o600);
}

/** Removes the identity (the agent is then not activated). The lock state is kept. */
export function clearIdentity(dir: string): void {
  rmSync(join(dir, IDENTITY_FILE), { force: true });
}

/** The identity for people: every field but the secret, and no password embedded in a URL. */
export function describeIdentity(id: Identity): string {
  const lines = [
    `hub:          ${redactUrl(id.hubUrl)}`,
    `agent id:     ${id.agentId}`,
    `site:         ${id.siteName} (${id.siteId})`,
    `secret:       <secret>`,
    `hub CA:       ${id.caPem ? `pinned${id.caFingerprint ? `, fingerprint ${id.caFingerprint}` : ""}` : "system trust store"}`,
    `proxy:        ${id.proxyUrl ? redactUrl(id.proxyUrl) : "none"}`,
    `activated at: ${id.activatedAt}`,
  ];
  return lines.join("\n");
}

/** A URL with any user name and password replaced by <secret>. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return u.toString();
    u.username = "";
    u.password = "";
    return u.toString().replace("//", "//<secret>@");
  } catch {
    return "<unparsable URL>";
  }
}
