/**
 * Dispatches the hub's command line: `serve` runs the server; everything
 * else is an admin command on the store in the data folder. A failure ends
 * as one line and the exit code of its error's code, never a stack trace.
 */
import { endQuietlyOnBrokenPipes } from "../../common/broken-pipe.ts";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "../../common/args.ts";
import { becomeFolderOwner } from "../../common/folder-owner.ts";
import { assertFolderPath } from "../../common/folder-path.ts";
import { reportFailure } from "../../common/report-failure.ts";
import { ADMIN_COMMANDS, runAdminCommand } from "../admin/index.ts";
import { HUB_HELP } from "./help.ts";
import { serveCommand } from "./serve-command.ts";

/** The data folder of the packaged hub (the .deb's service): the default when it exists. */
export const PACKAGED_DATA_DIR = "/var/lib/dca-hub";

/**
 * Takes `--data DIR` (or --data=DIR) out of argv; `lookedUp` says where the
 * folder came from (--data, $DCA_HUB_DATA or the default), for errors. The default is
 * /var/lib/dca-hub when that folder exists (the packaged hub), else ./dca-hub-data.
 */
export function extractDataDir(argv: readonly string[]): { dataDir: string; lookedUp: string; rest: string[] } {
  const rest: string[] = [];
  const packaged = !process.env.DCA_HUB_DATA && existsSync(PACKAGED_DATA_DIR);
  let dataDir = process.env.DCA_HUB_DATA || (packaged ? PACKAGED_DATA_DIR : "dca-hub-data");
  let lookedUp = process.env.DCA_HUB_DATA
    ? "from $DCA_HUB_DATA"
    : packaged
      ? `no --data given: the packaged hub's folder, ${PACKAGED_DATA_DIR}; run the command as root or as the dca-hub user`
      : "no --data given: the default, ./dca-hub-data";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--data" || a.startsWith("--data=")) {
      const v = a === "--data" ? argv[++i] : a.slice(7);
      if (!v) throw new UsageError("--data needs a folder");
      [dataDir, lookedUp] = [v, "from --data"];
    } else rest.push(a);
  }
  dataDir = resolve(dataDir);
  const what = lookedUp === "from --data" ? "--data" : process.env.DCA_HUB_DATA ? "$DCA_HUB_DATA" : "the data folder";
  assertFolderPath(dataDir, what, "give --data a folder, or a path where one can be made");
  return { dataDir, lookedUp, rest };
}

/** Whether argv names an admin command that talks to the hub's API (or signs in) rather than the store. */
function isRemoteCommand(argv: readonly string[]): boolean {
  const c = ADMIN_COMMANDS[argv[0] ?? ""] ?? ADMIN_COMMANDS[`${argv[0]} ${argv[1]}`];
  return c !== undefined && (c.remote === true || c.standalone === true);
}

/** Runs one command; returns its exit code (EXIT_CODES: 0 ok, 1 failed, 2 usage or configuration). */
export async function runHubCli(argv: string[]): Promise<number> {
  let prefix = "dca-hub";
  endQuietlyOnBrokenPipes();
  try {
    if (argv[0] === "serve") prefix = "dca-hub serve";
    const { dataDir, lookedUp, rest } = extractDataDir(argv);
    const io = {
      dataDir,
      out: (s: string) => void process.stdout.write(s.endsWith("\n") ? s : `${s}\n`),
      err: (s: string) => void process.stderr.write(s.endsWith("\n") ? s : `${s}\n`),
    };
    if (rest[0] === "admin-local") {
      prefix = "dca-hub admin-local";
      const { runAdminLocal } = await import("../admin/admin-local.ts");
      return await runAdminLocal(rest.slice(1), io, () => becomeFolderOwner(dataDir));
    }
    if (rest[0] !== "serve" && lookedUp === "from --data" && isRemoteCommand(rest)) {
      prefix = `dca-hub ${ADMIN_COMMANDS[rest[0]!] ? rest[0] : rest.slice(0, 2).join(" ")}`;
      throw new UsageError(
        "admin commands go through the hub's API now, not its data folder: sign in with dca-hub login --hub https://HUB:8443 --ca CA.pem (--data is for serve and admin-local)",
      );
    }
    // Root on the service's folder works as the service's user: no root-owned file is left there.
    if (rest[0] === "serve" || !isRemoteCommand(rest)) becomeFolderOwner(dataDir);
    if (rest[0] !== "serve") {
      return await runAdminCommand(rest, { ...io, existingStore: { lookedUp } });
    }
    prefix = "dca-hub serve";
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(HUB_HELP);
      return 0;
    }
    return await serveCommand(rest.slice(1), dataDir);
  } catch (e) {
    return reportFailure(e, { prefix, usage: `(see "${prefix} --help")`, write: (s) => process.stderr.write(s) });
  }
}
