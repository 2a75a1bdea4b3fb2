/**
 * `dca-hub login` and `logout`: signing in to a hub and keeping the session
 * (hub-session.ts). Password then TOTP, single sign-on through the browser
 * with a loopback redirect, or an API token. Secrets never come from argv.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { type ParsedArgs, UsageError, flag } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import { VERSION } from "../../common/version.ts";
import type { SignInResult } from "../../gen/dca/v1/admin_people_pb.ts";
import { type AdminCommand, noMoreArgs } from "./admin-context.ts";
import { type AdminClient, connectAdmin } from "./admin-client.ts";
import { hubUrl } from "./admin-target.ts";
import { fetchPinnedCa } from "./fetch-hub-ca.ts";
import { formatTime } from "./admin-format.ts";
import { dateOf } from "./from-proto.ts";
import { type HubSession, readSession, removeSession, sessionPath, writeSession } from "./hub-session.ts";
import { ask } from "./prompt.ts";
import { ssoSignIn } from "./sso-login.ts";

const client = () => `dca-hub ${VERSION} on ${hostname()}`;

function readFileFlag(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The CA to trust for the hub: --ca FILE, --ca-fingerprint FP (fetched and checked), or none (the system's CAs). */
async function caFor(p: ParsedArgs, hub: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const file = flag(p, "ca") ?? env.DCA_HUB_CA;
  const fp = flag(p, "ca-fingerprint");
  if (file && fp) throw new UsageError("give --ca or --ca-fingerprint, not both");
  if (file) return readFileFlag(file, "--ca");
  if (fp) return fetchPinnedCa(hub, fp);
  return "";
}

/** The first line of a secret file or variable (a trailing newline is not part of it). */
const firstLine = (s: string) => s.replace(/\r?\n[\s\S]*$/, "");

/** Password, then the second factor if the hub asks for one. */
async function passwordSignIn(api: AdminClient, p: ParsedArgs, env: Readonly<Record<string, string | undefined>>): Promise<SignInResult> {
  const username = flag(p, "user") ?? env.DCA_HUB_USER ?? (await ask("Username: ", { instead: "give --user NAME or set DCA_HUB_USER" }));
  const file = flag(p, "password-file");
  const password = file
    ? firstLine(readFileFlag(file, "--password-file"))
    : (env.DCA_HUB_PASSWORD ?? (await ask("Password: ", { secret: true, instead: "give --password-file F or set DCA_HUB_PASSWORD" })));
  let result = (await api.signIn({ username, password, client: client() })).result!;
  if (result.challenge) {
    const code =
      flag(p, "totp") ?? env.DCA_HUB_TOTP ?? (await ask("Two-factor code (or a recovery code): ", { instead: "give --totp CODE or set DCA_HUB_TOTP" }));
    result = (await api.signInSecondFactor({ challenge: result.challenge, code: code.trim(), client: client() })).result!;
  }
  return result;
}

export const LOGIN_COMMANDS: Record<string, AdminCommand<unknown>> = {
  login: {
    usage: "login --hub https://HUB:8443 [--ca CA.pem | --ca-fingerprint FP] [--user NAME] [--password-file F] [--totp CODE] | --sso | --token-file F",
    valued: ["hub", "ca", "ca-fingerprint", "user", "password-file", "totp", "token-file"],
    booleans: ["sso", "no-browser"],
    standalone: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const env = ctx.io.env ?? process.env;
      const given = flag(p, "hub") ?? env.DCA_HUB_URL;
      if (!given) throw new UsageError("which hub? give --hub https://HUB:8443 (the URL \"dca-hub serve\" prints)");
      const hub = hubUrl(given);
      const ca = await caFor(p, hub, env);
      const tokenFile = flag(p, "token-file");
      let session: HubSession;
      if (tokenFile) {
        const token = firstLine(readFileFlag(tokenFile, "--token-file")).trim();
        const me = await connectAdmin({ hub, ca, token }).whoAmI({});
        session = { hub, ca, token, username: me.user?.username ?? "", expiresAt: dateOf(me.expiresAt)?.toISOString() ?? "" };
      } else {
        const api = ctx.io.api ?? connectAdmin({ hub, ca, token: "" });
        const result = p.flags.has("sso") ? await ssoSignIn(api, { client: client(), openBrowser: !p.flags.has("no-browser"), say: ctx.io.err }) : await passwordSignIn(api, p, env);
        if (!result.sessionToken) throw new DcaError("unauthenticated", "the hub gave no session; sign in again");
        session = { hub, ca, token: result.sessionToken, username: result.user?.username ?? "", expiresAt: dateOf(result.expiresAt)?.toISOString() ?? "" };
        if (result.enrolRequired) {
          ctx.io.err(`this hub requires two-factor sign-in: enrol now with "dca-hub account totp-enrol", then sign in again\n`);
        }
      }
      const path = sessionPath(env);
      writeSession(path, session);
      const until = session.expiresAt ? ` until ${formatTime(new Date(session.expiresAt))}` : "";
      ctx.io.out(`signed in to ${hub} as ${session.username}${until} (session kept in ${path})\n`);
      return 0;
    },
  },

  logout: {
    usage: "logout",
    standalone: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const path = sessionPath(ctx.io.env ?? process.env);
      const session = readSession(path);
      if (!session) {
        ctx.io.out("not signed in\n");
        return 0;
      }
      // The hub forgets the session too; an API token stays valid (revoke it with "account tokens revoke").
      if (session.token.startsWith("dcas_")) {
        await (ctx.io.api ?? connectAdmin(session)).signOut({}).catch((e) => ctx.io.err(`dca-hub logout: the hub did not confirm (${DcaError.from(e).message}); the local session is removed anyway\n`));
      }
      removeSession(path);
      ctx.io.out(`signed out of ${session.hub}\n`);
      return 0;
    },
  },
};
