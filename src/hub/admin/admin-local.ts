/**
 * `dca-hub admin-local --data DIR`: the break-glass commands, on the hub's
 * own machine with the hub stopped: make the first owner, or give a
 * locked-out owner back their account. They open the store directly (the
 * only commands besides `serve` that do), hold the data folder's serve lock
 * so the hub cannot start meanwhile, and write to the audit log as
 * "admin-local:<OS user>".
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { userInfo } from "node:os";
import { type ParsedArgs, UsageError, flag, parseArgs } from "../../common/args.ts";
import { systemClock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";
import { takeOwnerLock } from "../../common/owner-lock.ts";
import { reportFailure } from "../../common/report-failure.ts";
import { createTotpEnrolment, createUserAccounts } from "../accounts/index.ts";
import { HUB_LOCK_FILE } from "../server/hub-lock-file.ts";
import { type HubStore, openHubStore } from "../store/index.ts";
import type { AdminIo } from "./admin-context.ts";
import { ask } from "./prompt.ts";

export const ADMIN_LOCAL_HELP = `Usage: dca-hub admin-local --data DIR <command>   (the hub must be stopped)

  owner create NAME [--password-file F] [--display-name N] [--email E]
      the first owner of a new hub (or one more owner); the password is asked twice on a terminal,
      or read from --password-file F or $DCA_HUB_NEW_PASSWORD
  owner reset NAME [--password-file F] [--keep-totp]
      a locked-out owner: enables and unlocks the account, sets a new password, turns TOTP off
      (unless --keep-totp), ends every session, and makes sure the account is a global owner
  owner sign-in-link NAME [--minutes N] [--url https://HUB:PORT]
      a one-time link that signs the owner NAME into the web portal (works once, for N minutes:
      default 15, at most 1440); only its hash is kept. Start the hub, then open the link.

Everything it does is in the audit log as "admin-local:<OS user>".
`;

const osUser = (): string => {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
};

/** The new password: --password-file, $DCA_HUB_NEW_PASSWORD, or asked twice. */
async function newPassword(p: ParsedArgs, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const file = flag(p, "password-file");
  if (file) {
    try {
      return readFileSync(file, "utf8").replace(/\r?\n[\s\S]*$/, "");
    } catch (e) {
      throw new UsageError(`cannot read --password-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (env.DCA_HUB_NEW_PASSWORD) return env.DCA_HUB_NEW_PASSWORD;
  const instead = "give --password-file F or set DCA_HUB_NEW_PASSWORD";
  const first = await ask("New password (at least 12 characters): ", { secret: true, instead });
  if ((await ask("Again: ", { secret: true, instead })) !== first) throw new DcaError("usage", "the two passwords differ; run the command again");
  return first;
}

/** A command ready to run on the store: its arguments and secrets read before the folder's owner is taken on. */
type Planned = (store: HubStore) => Promise<number>;

/**
 * Reads the command and its password first: as root on the packaged folder, the command then works
 * as the folder's owner, who may not read root's files or terminal settings.
 */
async function plan(argv: string[], io: AdminIo): Promise<Planned> {
  const [noun, verb, ...rest] = argv;
  const env = io.env ?? process.env;
  const actor = `admin-local:${osUser()}`;
  const audit = (store: HubStore, action: string, target: string, detail?: Record<string, unknown>) =>
    store.appendAudit({ actor, via: "admin-local", address: "local", action, target, outcome: "ok", detail });
  if (noun === "owner" && verb === "create") {
    const p = parseArgs(rest, ["password-file", "display-name", "email"], []);
    const name = p.positional[0];
    if (!name || p.positional.length > 1) throw new UsageError("give the owner's username: owner create NAME");
    const password = await newPassword(p, env);
    return async (store) => {
      const accounts = createUserAccounts({ store, clock: systemClock });
      const user = await accounts.createLocalUser({ username: name, password, displayName: flag(p, "display-name"), email: flag(p, "email"), createdBy: actor });
      store.grantRole({ userId: user.id, role: "owner" });
      audit(store, "AdminLocalCreateOwner", `user ${user.username}`);
      io.out(`owner "${user.username}" created (${user.id}); start the hub, then: dca-hub login --hub https://HUB:8443 --ca CA.pem --user ${user.username}\n`);
      return 0;
    };
  }
  if (noun === "owner" && verb === "reset") {
    const p = parseArgs(rest, ["password-file"], ["keep-totp"]);
    const name = p.positional[0];
    if (!name || p.positional.length > 1) throw new UsageError("give the owner's username: owner reset NAME");
    const password = await newPassword(p, env);
    return async (store) => {
      const accounts = createUserAccounts({ store, clock: systemClock });
      const user = store.getUserByUsername(name) ?? store.getUser(name);
      if (!user) throw new DcaError("not-found", `no user "${name}" on this hub; "owner create NAME" makes one`);
      if (user.source !== "local") throw new DcaError("failed-precondition", `"${user.username}" signs in through ${user.source}; reset a local owner, or create one with "owner create NAME"`);
      await accounts.resetPassword(user.id, password);
      accounts.unlockUser(user.id);
      accounts.enableUser(user.id);
      if (!p.flags.has("keep-totp")) createTotpEnrolment({ store, clock: systemClock }).resetTotp(user.id);
      const ended = store.revokeAllSessions(user.id, "owner reset (admin-local)");
      store.grantRole({ userId: user.id, role: "owner" });
      audit(store, "AdminLocalResetOwner", `user ${user.username}`, { totpReset: !p.flags.has("keep-totp"), sessionsEnded: ended });
      io.out(`owner "${user.username}" reset: enabled, unlocked, new password${p.flags.has("keep-totp") ? "" : ", TOTP off (enrol again after signing in)"}, ${ended} session(s) ended\n`);
      return 0;
    };
  }
  if (noun === "owner" && verb === "sign-in-link") {
    const p = parseArgs(rest, ["minutes", "url"], []);
    const name = p.positional[0];
    if (!name || p.positional.length > 1) throw new UsageError("give the owner's username: owner sign-in-link NAME");
    const minutes = Number(flag(p, "minutes") ?? 15);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) throw new UsageError(`--minutes takes a whole number from 1 to 1440, got "${flag(p, "minutes")}"`);
    const base = (flag(p, "url") ?? "https://HUB:PORT").replace(/\/+$/, "");
    return async (store) => {
      const user = store.getUserByUsername(name) ?? store.getUser(name);
      if (!user) throw new DcaError("not-found", `no user "${name}" on this hub; "owner create NAME" makes one`);
      if (!store.listGrants(user.id).some((g) => g.role === "owner" && !g.siteId && !g.groupId)) {
        throw new DcaError("failed-precondition", `"${user.username}" is not a global owner; a sign-in link is for owners (give one the owner role, or use "owner create NAME")`);
      }
      if (user.disabledAt) throw new DcaError("failed-precondition", `"${user.username}" is disabled; "owner reset ${user.username}" enables the account`);
      const link = store.mintSignInLink(user.id, minutes * 60_000);
      audit(store, "AdminLocalSignInLink", `user ${user.username}`, { minutes });
      io.out(`${base}/login/link?code=${link.code}\n(signs "${user.username}" in once, until ${link.expiresAt.toISOString().slice(0, 16)} UTC)\n`);
      return 0;
    };
  }
  throw new UsageError(`unknown admin-local command "${[noun, verb].filter(Boolean).join(" ")}"; see "dca-hub admin-local --help"`);
}

/**
 * Runs one break-glass command on the data folder; refuses while a hub serves it. `becomeOwner`
 * takes on the folder's owner (root on the packaged folder works as its user) once the command's
 * own files are read.
 */
export async function runAdminLocal(argv: string[], io: AdminIo, becomeOwner: () => void = () => {}): Promise<number> {
  const noun = argv[0];
  if (noun === undefined || ["help", "--help", "-h"].includes(noun)) {
    (noun === undefined ? io.err : io.out)(ADMIN_LOCAL_HELP);
    return noun === undefined ? 2 : 0;
  }
  let lock: ReturnType<typeof takeOwnerLock> | undefined;
  let store: HubStore | undefined;
  try {
    const planned = await plan(argv, io);
    becomeOwner();
    // The first owner comes before the first serve: the folder may not exist yet (the store makes it 0700 too).
    mkdirSync(io.dataDir, { recursive: true, mode: 0o700 });
    lock = takeOwnerLock(
      join(io.dataDir, HUB_LOCK_FILE),
      (pid) =>
        `the hub (pid ${pid ?? "unknown"}) is serving ${io.dataDir}; admin-local is for a stopped hub: stop it first, or sign in (dca-hub login) and use the user commands`,
    );
    store = openHubStore(io.dataDir);
    return await planned(store);
  } catch (e) {
    return reportFailure(e, { prefix: `dca-hub admin-local ${argv.slice(0, 2).join(" ")}`, usage: `(see "dca-hub admin-local --help")`, write: io.err });
  } finally {
    store?.close();
    lock?.release();
  }
}
