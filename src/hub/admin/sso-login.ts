/**
 * `dca-hub login --sso`: single sign-on in the browser, ending at a loopback
 * address this command listens on (RFC 8252). The hub does the OpenID
 * Connect part and redirects the browser here with a one-time ticket, which
 * only this process can redeem (it holds the PKCE verifier).
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { DcaError } from "../../common/errors.ts";
import type { SignInResult } from "../../gen/dca/v1/admin_people_pb.ts";
import type { AdminClient } from "./admin-client.ts";

/** How long the browser has to come back. */
const SSO_WAIT_MS = 5 * 60_000;

const b64url = (b: Buffer) => b.toString("base64url");

/** Opens `url` in the desktop's browser, quietly; the URL is printed too, for a machine without one. */
function openBrowser(url: string): void {
  const [cmd, args] = process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  try {
    spawn(cmd as string, args as string[], { stdio: "ignore", detached: true }).on("error", () => {}).unref();
  } catch {
    // No browser here: the printed URL is the way.
  }
}

export interface SsoLoginOptions {
  client: string;
  openBrowser: boolean;
  say: (line: string) => void;
  /** Tests: called with the provider's URL instead of a browser. */
  visit?: (url: string) => void;
}

/** Signs in through the hub's identity provider; the session's result. */
export async function ssoSignIn(api: AdminClient, opts: SsoLoginOptions): Promise<SignInResult> {
  const state = b64url(randomBytes(16));
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash("sha256").update(verifier).digest());
  let done!: (ticket: string) => void;
  let fail!: (e: Error) => void;
  const ticketP = new Promise<string>((resolve, reject) => ((done = resolve), (fail = reject)));
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    if (u.pathname !== "/callback") return void res.writeHead(404).end();
    const ticket = u.searchParams.get("ticket");
    const ok = u.searchParams.get("state") === state && !!ticket;
    res.writeHead(ok ? 200 : 400, { "content-type": "text/plain; charset=utf-8" });
    res.end(ok ? "Signed in to the hub. You can close this tab.\n" : `Sign-in failed: ${u.searchParams.get("error") ?? "the answer does not match this sign-in"}\n`);
    if (ok) done(ticket!);
    else fail(new DcaError("unauthenticated", `single sign-on failed: ${u.searchParams.get("error") ?? "the browser came back with another sign-in's answer"}; try again`));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const timer = setTimeout(() => fail(new DcaError("deadline-exceeded", "nobody finished the sign-in in the browser within 5 minutes; run dca-hub login --sso again")), SSO_WAIT_MS);
  try {
    const { authorizationUrl } = await api.startSsoSignIn({ returnTo: `http://127.0.0.1:${port}/callback`, state, codeChallenge: challenge });
    opts.say(`open this address in a browser to sign in:\n  ${authorizationUrl}\n`);
    if (opts.visit) opts.visit(authorizationUrl);
    else if (opts.openBrowser) openBrowser(authorizationUrl);
    const ticket = await ticketP;
    return (await api.finishSsoSignIn({ ticket, codeVerifier: verifier, client: opts.client })).result!;
  } finally {
    clearTimeout(timer);
    server.close();
  }
}
