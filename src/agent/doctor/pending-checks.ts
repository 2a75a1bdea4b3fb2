/**
 * Rows for what the agent does not do yet. Each says so as "skip" with the
 * reason, never as a pass: a table that says "pass" must mean it was
 * checked. Each is one small function, to be replaced by the real check
 * when its feature lands.
 */
import { type CheckOutcome, skip } from "./check-result.ts";

/** The executable's own signature check (release signing, issue 12): wire verifySelf() here once it exists. */
export function checkBinaryIntegrity(): CheckOutcome {
  return skip("not checked: this build has no integrity check yet");
}

/** The self-update download URL, which the hub will offer in Poll. */
export function checkUpdateUrl(): CheckOutcome {
  return skip("not checked: the hub offers no update URL yet");
}

/** The SSH relay port for web access to printers. */
export function checkSshRelay(): CheckOutcome {
  return skip("not checked: no relay configured (this build has no SSH relay)");
}
