/**
 * `mqtt passwd-file`, `mqtt acl-file` and `mqtt broker-cert`: the files an external mosquitto
 * needs so that agents can log in to it and receive the hub's nudges. The
 * hub keeps a mosquitto hash of each agent secret (made at activation), so
 * the password file is written without any secret; the operator reloads
 * mosquitto afterwards.
 */
import { plural } from "../../common/text.ts";
import { chownSync, existsSync, readFileSync, statSync } from "node:fs";
import { type ParsedArgs, UsageError, flag, intFlag } from "../../common/args.ts";
import { writeFileAtomic } from "../../common/write-file-atomic.ts";
import { BROKER_CERT_DAYS, issueBrokerCertificate } from "../mqtt/mosquitto-cert.ts";
import { DEFAULT_HUB_MQTT_USER, hubUserProblem, renderAclFile, renderPasswordFile } from "../mqtt/mosquitto-files.ts";
import { mosquittoHash } from "../mqtt/mosquitto-passwd.ts";
import { DcaError } from "../../common/errors.ts";
import type { AgentAdminStore } from "../store/index.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs } from "./admin-context.ts";

/** Mode of a new file: mosquitto reads it through its group (`chgrp mosquitto FILE` once). */
const NEW_FILE_MODE = 0o640;
const RELOAD_HINT = "reload mosquitto to apply it: systemctl reload mosquitto (or kill -HUP its pid)";

function hubUser(p: ParsedArgs): string {
  const user = flag(p, "hub-user") ?? DEFAULT_HUB_MQTT_USER;
  const problem = hubUserProblem(user);
  if (problem) throw new UsageError(problem);
  return user;
}

/** The hub's broker password, from the same file `serve --mqtt-password-file` reads. */
function readHubPassword(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new DcaError("invalid-argument", `cannot read --hub-password-file ${path} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  // Read as serve reads --mqtt-password-file: the file holds the password alone, less one trailing newline.
  const password = text.replace(/\r?\n$/, "");
  if (password === "") throw new DcaError("invalid-argument", `--hub-password-file ${path} is empty`);
  return password;
}

/**
 * Writes `text` to `path` atomically. A file that is there keeps its mode,
 * owner and group, so a rewrite does not take it away from the mosquitto
 * user that reads it; "-" prints instead.
 */
function writeOut(ctx: AdminContext<unknown>, path: string, text: string, newMode = NEW_FILE_MODE): void {
  if (path === "-") {
    ctx.io.out(text);
    return;
  }
  const before = existsSync(path) ? statSync(path) : undefined;
  try {
    writeFileAtomic(path, text, before ? before.mode & 0o777 : newMode);
  } catch (e) {
    throw new DcaError(DcaError.from(e).code, `cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? "error"}); check the path and that its folder exists`, { cause: e });
  }
  if (before) {
    try {
      chownSync(path, before.uid, before.gid);
    } catch {
      // Not root: the file is ours anyway, as it was.
    }
  }
}

/** The MQTT commands for an external broker. */
export const MQTT_COMMANDS: Record<string, AdminCommand<AgentAdminStore>> = {
  "mqtt passwd-file": {
    beforeServe: true,
    usage: "mqtt passwd-file FILE|- [--hub-user U --hub-password-file F]",
    valued: ["hub-user", "hub-password-file"],
    run(ctx, p) {
      const path = arg(p, 0, "FILE (or - for standard output)");
      noMoreArgs(p, 1);
      const passwordFile = flag(p, "hub-password-file");
      if (flag(p, "hub-user") !== undefined && passwordFile === undefined) {
        throw new UsageError("--hub-user needs --hub-password-file (the password the hub logs in to the broker with)");
      }
      const hub = passwordFile === undefined ? undefined : { user: hubUser(p), hash: mosquittoHash(readHubPassword(passwordFile)) };
      const existing = path !== "-" && existsSync(path) ? readFileSync(path, "utf8") : undefined;
      const entries = ctx.store.mqttPasswordEntries();
      const file = renderPasswordFile(entries, { existing, hub });
      writeOut(ctx, path, file.text);

      for (const id of file.skipped) ctx.io.err(`warning: agent ${id} has a damaged MQTT hash and was left out; re-activate it\n`);
      const listed = new Set(entries.map((e) => e.agentId));
      const unhashed = ctx.store.listAgents().filter((a) => !a.disabled && !a.replacedBy && !listed.has(a.id));
      if (unhashed.length > 0) {
        ctx.io.err(`note: ${plural(unhashed.length, "agent")} activated before the hub kept MQTT hashes are not listed; they poll only until re-activated\n`);
      }
      if (path !== "-") {
        const parts = [plural(file.agents, "agent")];
        if (hub) parts.push(`hub user "${hub.user}"`);
        if (file.kept > 0) parts.push(`${plural(file.kept, "other user")} kept from the file`);
        ctx.io.out(`wrote ${parts.join(", ")} to ${path}; ${RELOAD_HINT}\n`);
      }
      return 0;
    },
  },

  "mqtt broker-cert": {
    beforeServe: true,
    usage: `mqtt broker-cert CERT_FILE KEY_FILE --name HOST [--name HOST...] [--days ${BROKER_CERT_DAYS}]`,
    valued: ["name", "days"],
    run(ctx, p) {
      const certPath = arg(p, 0, "CERT_FILE");
      const keyPath = arg(p, 1, "KEY_FILE");
      noMoreArgs(p, 2);
      if (certPath === "-" || keyPath === "-") throw new UsageError("broker-cert writes files: give CERT_FILE and KEY_FILE paths");
      const names = p.flags.get("name") ?? [];
      if (names.length === 0) throw new UsageError("give --name HOST: the name (or address) agents reach the broker by");
      const cert = issueBrokerCertificate(ctx.io.dataDir, names, { days: intFlag(p, "days"), now: ctx.now() });
      // The key first: a crash between the two leaves a pair that does not match, which mosquitto refuses loudly.
      writeOut(ctx, keyPath, cert.keyPem, 0o640);
      writeOut(ctx, certPath, cert.chainPem, 0o644);
      ctx.io.out(
        `wrote the broker's key to ${keyPath} and its certificate (with the hub's CA) to ${certPath}, ` +
          `valid for ${names.join(", ")} until ${cert.notAfter.toISOString()}; ` +
          `the hub connects with --mqtt-ca ${cert.caPath}; ${RELOAD_HINT}\n`,
      );
      return 0;
    },
  },

  "mqtt acl-file": {
    beforeServe: true,
    usage: "mqtt acl-file FILE|- [--hub-user U]",
    valued: ["hub-user"],
    run(ctx, p) {
      const path = arg(p, 0, "FILE (or - for standard output)");
      noMoreArgs(p, 1);
      const user = hubUser(p);
      writeOut(ctx, path, renderAclFile(user));
      if (path !== "-") ctx.io.out(`wrote the ACL for hub user "${user}" to ${path}; ${RELOAD_HINT}\n`);
      return 0;
    },
  },
};
