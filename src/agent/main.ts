/**
 * The agent executable. --version and --help are answered before anything
 * else is imported, so they stay fast in the compiled binary. Everything else
 * runs only once the executable has passed its integrity check (a release
 * build; a development build has nothing to check: integrity/trust-root.ts).
 */
import { INTEGRITY_EXIT } from "../common/exit-codes.ts";
import { answerFast } from "./cli/help.ts";

const argv = process.argv.slice(2);
const answered = answerFast(argv);
if (answered !== undefined) process.exitCode = answered;
else {
  const { verifySelf, integrityFailureLine } = await import("./integrity/verify-self.ts");
  const check = verifySelf();
  if (!check.ok) {
    process.stderr.write(`${integrityFailureLine(check.reason!)}\n`);
    process.exitCode = INTEGRITY_EXIT;
  } else {
    const { runCli } = await import("./cli/run-cli.ts");
    process.exitCode = await runCli(argv);
  }
}
