/**
 * `mqtt passwd-file`, `mqtt acl-file` and `mqtt broker-cert`: the files an external mosquitto
 * needs so that agents can log in to it and receive the hub's nudges, asked of
 * the running hub and written here (on the broker's machine). The hub keeps a
 * mosquitto hash of each agent secret (made at activation), so the password
 * file is written without any secret; the hub's own broker password is hashed
 * here and never sent. The operator reloads mosquitto afterwards.
 */
import { plural } from "../../common/text.ts";
import { chownSync, existsSync, readFileSync, statSync } from "node:fs";
import { type ParsedArgs, UsageError, flag, intFlag } from "../../common/args.ts";
import { writeFileAtomic } from "../../common/write-file-atomic.ts";
import { BROKER_CERT_DAYS } from "../mqtt/mosquitto-cert.ts";
import { DEFAULT_HUB_MQTT_USER, hubUserProblem, renderPasswordFile } from "../mqtt/mosquitto-files.ts";
import { mosquittoHash } from "../mqtt/mosquitto-passwd.ts";
import { DcaError } from "../../common/errors.ts";
import { type AdminCommand, type AdminContext, arg, noMoreArgs } from "./admin-context.ts";
import { dateOf } from "./from-proto.ts";

/** Mode of a new file: mosquitto reads it through its group (`chgrp mosquitto FILE` once). */
const NEW_FILE_MODE = 0o640;
/** Mode of a new broker key: only its owner (`chgrp mosquitto KEY; chmod 0640 KEY` once; rewrites keep it). */
const NEW_KEY_MODE = 0o600;
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
export const MQTT_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "mqtt passwd-file": {
    usage: "mqtt passwd-file FILE|- [--hub-user U --hub-password-file F]",
    valued: ["hub-user", "hub-password-file"],
    remote: true,
    async run(ctx, p) {
      const path = arg(p, 0, "FILE (or - for standard output)");
      noMoreArgs(p, 1);
      const passwordFile = flag(p, "hub-password-file");
      if (flag(p, "hub-user") !== undefined && passwordFile === undefined) {
        throw new UsageError("--hub-user needs --hub-password-file (the password the hub logs in to the broker with)");
      }
      const hub = passwordFile === undefined ? undefined : { user: hubUser(p), hash: mosquittoHash(readHubPassword(passwordFile)) };
      const existing = path !== "-" && existsSync(path) ? readFileSync(path, "utf8") : undefined;
      const r = await ctx.api.getMqttPasswdFile({});
      const file = renderPasswordFile(r.entries, { existing, hub });
      writeOut(ctx, path, file.text);

      for (const id of file.skipped) ctx.io.err(`warning: agent ${id} has a damaged MQTT hash and was left out; re-activate it\n`);
      if (r.unhashedAgents > 0) {
        ctx.io.err(`note: ${plural(r.unhashedAgents, "agent")} activated before the hub kept MQTT hashes are not listed; they poll only until re-activated\n`);
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
    usage: `mqtt broker-cert CERT_FILE KEY_FILE --name HOST [--name HOST...] [--days ${BROKER_CERT_DAYS}]`,
    valued: ["name", "days"],
    remote: true,
    async run(ctx, p) {
      const certPath = arg(p, 0, "CERT_FILE");
      const keyPath = arg(p, 1, "KEY_FILE");
      noMoreArgs(p, 2);
      if (certPath === "-" || keyPath === "-") throw new UsageError("broker-cert writes files: give CERT_FILE and KEY_FILE paths");
      const names = p.flags.get("name") ?? [];
      if (names.length === 0) throw new UsageError("give --name HOST: the name (or address) agents reach the broker by");
      const days = intFlag(p, "days");
      if (days !== undefined && (days < 1 || days > BROKER_CERT_DAYS)) throw new UsageError(`--days: the validity must be 1 to ${BROKER_CERT_DAYS} days, got ${days}`);
      const cert = await ctx.api.issueBrokerCert({ names, days });
      // The key first: a crash between the two leaves a pair that does not match, which mosquitto refuses loudly.
      writeOut(ctx, keyPath, cert.keyPem, NEW_KEY_MODE);
      writeOut(ctx, certPath, cert.certPem, 0o644);
      ctx.io.out(
        `wrote the broker's key to ${keyPath} and its certificate (with the hub's CA) to ${certPath}, ` +
          `valid for ${names.join(", ")} until ${dateOf(cert.notAfter)?.toISOString()}; ` +
          `the hub trusts it through its own CA (no --mqtt-ca needed); ${RELOAD_HINT}\n`,
      );
      return 0;
    },
  },

  "mqtt acl-file": {
    usage: "mqtt acl-file FILE|- [--hub-user U]",
    valued: ["hub-user"],
    remote: true,
    async run(ctx, p) {
      const path = arg(p, 0, "FILE (or - for standard output)");
      noMoreArgs(p, 1);
      const r = await ctx.api.getMqttAclFile({ hubUser: hubUser(p) });
      writeOut(ctx, path, r.text);
      if (path !== "-") ctx.io.out(`wrote the ACL for hub user "${r.hubUser}" to ${path}; ${RELOAD_HINT}\n`);
      return 0;
    },
  },
};
