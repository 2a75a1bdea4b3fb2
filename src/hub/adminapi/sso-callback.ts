/**
 * The hub's OIDC redirect URI, GET /sso/callback: where the provider sends
 * the browser back. It takes the sign-in its state names (once), finishes
 * it with the provider (code exchange with the PKCE verifier, ID token
 * checks: src/hub/sso finishOidc), and sends the browser on to the client's
 * return_to with a one-time ticket and the client's state, or with an
 * error and its description. Nothing secret goes to the browser but the
 * ticket, which only the client holding the code verifier can redeem.
 * Refusals go to the audit log as "SsoCallback" (no AdminService call
 * carries them); a success is recorded when the ticket is redeemed.
 */
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { DcaError } from "../../common/errors.ts";
import { type OidcPending, finishOidc } from "../sso/index.ts";
import type { HubSignIn } from "./hub-sign-in.ts";

/** The path of the callback (the redirect URI registered at the provider is https://<hub>/sso/callback). */
export const SSO_CALLBACK_PATH = "/sso/callback";

/** What StartSsoSignIn keeps for the callback. */
export interface SsoPending extends OidcPending {
  /** The redirect URI the authorization request named (the token request must repeat it). */
  redirectUri: string;
  /** Where the browser goes at the end (checked by StartSsoSignIn). */
  returnTo: string;
  /** The client's own state, handed back. */
  clientState: string;
  /** The client's PKCE challenge the ticket is bound to. */
  codeChallenge: string;
}

/** `returnTo` with these query parameters added (an absolute loopback URL or a path on the hub). */
export function withParams(returnTo: string, params: Record<string, string>): string {
  const u = new URL(returnTo, "https://hub.invalid");
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return returnTo.startsWith("/") ? `${u.pathname}${u.search}` : u.href;
}

type Request = Pick<Http2ServerRequest, "method" | "url"> & { socket?: { remoteAddress?: string } | null };
type Response = Pick<Http2ServerResponse, "writeHead" | "end">;

const NO_STORE = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

function answer(res: Response, status: number, text: string): void {
  res.writeHead(status, { ...NO_STORE, "content-type": "text/plain; charset=utf-8" });
  res.end(`${text}\n`);
}

/** The callback's request handler (start-hub.ts routes SSO_CALLBACK_PATH here). */
export function createSsoCallback(hub: HubSignIn): (req: Request, res: Response) => void {
  const refused = (address: string, reason: string, error: string) => {
    try {
      hub.audit({ actor: "(single sign-on)", via: "", address, action: "SsoCallback", outcome: "failed", detail: { reason, error } });
    } catch (e) {
      hub.log(`audit log: could not record SsoCallback: ${DcaError.from(e).message}`);
    }
  };

  async function handle(req: Request, res: Response): Promise<void> {
    const address = req.socket?.remoteAddress ?? "unknown";
    if (req.method !== "GET") return answer(res, 405, "the single sign-on callback takes GET only");
    const query = new URL(req.url ?? "/", "https://hub.invalid").search;
    const state = new URLSearchParams(query).get("state") ?? "";
    const pending = state.length <= 512 ? hub.oidcPending.take<SsoPending>(state) : undefined;
    if (!pending) {
      refused(address, "oidc-state", "no sign-in in progress with this state");
      return answer(res, 400, "sign-in refused: this sign-in is unknown, was already finished, or took longer than 10 minutes; start it again");
    }
    try {
      const config = hub.sso.oidc();
      if (!config) throw new DcaError("failed-precondition", "this hub no longer has single sign-on (OIDC) configured; ask an owner");
      const identity = await finishOidc(config, pending.redirectUri, `${pending.redirectUri}${query}`, pending);
      const ticket = hub.tickets.issue(identity, pending.codeChallenge);
      res.writeHead(303, { ...NO_STORE, location: withParams(pending.returnTo, { ticket, state: pending.clientState }) });
      res.end();
    } catch (e) {
      const err = DcaError.from(e);
      const said = err.code === "internal" ? "internal error" : err.message;
      if (err.code === "internal") hub.log(`single sign-on callback failed: ${err.message}`);
      refused(address, err.reason ?? err.code, err.message);
      res.writeHead(303, { ...NO_STORE, location: withParams(pending.returnTo, { error: err.code, error_description: said, state: pending.clientState }) });
      res.end();
    }
  }

  return (req, res) => {
    handle(req, res).catch((e) => {
      hub.log(`single sign-on callback failed: ${DcaError.from(e).message}`);
      try {
        answer(res, 500, "internal error");
      } catch {
        // The answer was already under way.
      }
    });
  };
}
