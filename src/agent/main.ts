/**
 * The agent executable. --version and --help are answered before anything
 * else is imported, so they stay fast in the compiled binary. Everything else
 * runs only once a release build has passed its integrity check (a development
 * build has no root key to check against: src/common/trust-root.ts).
 */
import { INTEGRITY_EXIT } from "../common/exit-codes.ts";
import { reexecForBatch } from "./cli/batch-jit.ts";
import { answerFast } from "./cli/help.ts";
import { TRUST_ROOT } from "../common/trust-root.ts";

async function integrityRefusal(): Promise<string | undefined> {
  if (TRUST_ROOT === "") return undefined;
  const { verifySelf, integrityFailureLine } = await import("./integrity/verify-self.ts");
  const check = verifySelf();
  return check.ok ? undefined : integrityFailureLine(check.reason!);
}

const argv = process.argv.slice(2);
const answered = answerFast(argv);
if (answered !== undefined) process.exitCode = answered;
else {
  // The re-executed image (same file) runs the integrity check: it is not paid twice.
  reexecForBatch(argv);
  const refusal = await integrityRefusal();
  if (refusal !== undefined) {
    process.stderr.write(`${refusal}\n`);
    process.exitCode = INTEGRITY_EXIT;
  } else {
    const { runCli } = await import("./cli/run-cli.ts");
    process.exitCode = await runCli(argv);
  }
}
