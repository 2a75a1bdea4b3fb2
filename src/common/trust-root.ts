/**
 * The root public key both executables trust, built in at compile time:
 * `bun build --define DCA_TRUST_ROOT='"BASE64"'` (build/compile.ts --trust-root FILE).
 *
 * A release build has one: the agent refuses to run unless its own file is signed by a key
 * that root certified (src/agent/integrity/verify-self.ts), and both sides check every
 * release offered for self-update against it (the hub at `release add`, the agent before
 * it replaces itself); a development build (`npm run build`, or
 * running from source) has none, skips the check and says so in `dca --version`.
 * The key is part of the signed bytes: changing it is a change to the file like any
 * other (docs/security.md, "The executable's integrity"). No imports: `--version` reads it.
 */
declare const DCA_TRUST_ROOT: string | undefined;

/** Base64 of the built-in root's 32-byte Ed25519 public key; "" in a development build. */
export const TRUST_ROOT: string = typeof DCA_TRUST_ROOT === "string" ? DCA_TRUST_ROOT : "";

/** What `dca --version` says after the version: nothing for a release build. */
export function buildNote(): string {
  return TRUST_ROOT === "" ? " (development build, unsigned)" : "";
}
