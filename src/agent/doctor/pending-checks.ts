/**
 * The binary's integrity row, and rows for what the agent does not do yet.
 * Those say so as "skip" with the reason, never as a pass: a table that says
 * "pass" must mean it was checked. Each is one small function, to be
 * replaced by the real check when its feature lands.
 */
import { TRUST_ROOT, verifySelf } from "../integrity/index.ts";
import { type CheckOutcome, fail, pass, skip } from "./check-result.ts";

/** The executable's own signature check, as at start (src/agent/integrity); a development build has none. */
export function checkBinaryIntegrity(): CheckOutcome {
  if (TRUST_ROOT === "") return skip("not checked: a development build (npm run build) carries no signature");
  const r = verifySelf();
  if (r.ok) return pass(`this executable matches its signature${r.keyId ? ` (signing key ${r.keyId})` : ""}, checked in ${Math.round(r.ms)} ms`);
  return fail(`this executable fails its integrity check: ${r.reason}`, "reinstall dca from a signed release");
}

/** The SSH relay port for web access to printers. */
export function checkSshRelay(): CheckOutcome {
  return skip("not checked: no relay configured (this build has no SSH relay)");
}
