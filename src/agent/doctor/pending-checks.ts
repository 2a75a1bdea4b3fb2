/**
 * The binary's integrity row (the SSH relay's row, once here, is now
 * ./ssh-relay-check.ts). A row for what the agent does not do yet says so as
 * "skip" with the reason, never as a pass: a table that says "pass" must
 * mean it was checked.
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
