/**
 * The hub executable: `serve`, or an admin command on the data folder.
 * --version and --help answer before anything else is imported.
 */
import { answerHubFast } from "./cli/help.ts";

const argv = process.argv.slice(2);
const answered = answerHubFast(argv);
if (answered !== undefined) process.exitCode = answered;
else {
  const { runHubCli } = await import("./cli/run-hub-cli.ts");
  process.exitCode = await runHubCli(argv);
}
