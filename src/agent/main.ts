/**
 * The agent executable. --version and --help are answered before anything
 * else is imported, so they stay fast in the compiled binary.
 */
import { reexecForBatch } from "./cli/batch-jit.ts";
import { answerFast } from "./cli/help.ts";

const argv = process.argv.slice(2);
const answered = answerFast(argv);
if (answered !== undefined) process.exitCode = answered;
else {
  reexecForBatch(argv);
  const { runCli } = await import("./cli/run-cli.ts");
  process.exitCode = await runCli(argv);
}
