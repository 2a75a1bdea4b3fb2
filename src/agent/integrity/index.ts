/**
 * The agent's check of its own executable (docs/security.md, "The executable's
 * integrity"): `verifySelf()` for `dca doctor` and the start, the one failure line,
 * and whether this is a release or a development build.
 */
export { buildNote, TRUST_ROOT } from "../../common/trust-root.ts";
export { integrityFailureLine, type SelfCheck, type SelfCheckOptions, verifySelf } from "./verify-self.ts";
