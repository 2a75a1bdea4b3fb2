/**
 * AdminService: single sign-on through the hub's OpenID Connect provider.
 *
 * StartSsoSignIn keeps the sign-in (state, nonce, PKCE verifier towards the
 * provider; the client's return_to, state and code challenge) and answers
 * the provider's URL, whose redirect URI is the hub's own /sso/callback
 * (sso-callback.ts): the provider only ever talks to the hub, whose client
 * secret never leaves it. The callback finishes with the provider and sends
 * the browser to return_to with a one-time ticket; FinishSsoSignIn redeems
 * the ticket with the client's code verifier for a session.
 *
 * Two-factor: the provider's own (it is where MFA is set up for SSO users),
 * so the hub's require2fa does not apply to OIDC sign-ins and OIDC users do
 * not enrol TOTP here.
 */
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { startOidc } from "../sso/index.ts";
import { CALL_ADDRESS, note } from "./admin-call.ts";
import { type HubSignIn, noteDetail, withAuditReason } from "./hub-sign-in.ts";
import { SSO_CALLBACK_PATH, type SsoPending } from "./sso-callback.ts";
import { CODE_CHALLENGE } from "./sso-tickets.ts";
import { type SsoUserFacts, ssoUserFor } from "./sso-users.ts";

const CLIENT_STATE = /^[A-Za-z0-9._~-]{0,256}$/;

/**
 * Checks where the browser may be sent at the end: a loopback URL of this machine's client
 * (http://127.0.0.1:PORT/... or http://[::1]:PORT/..., port given) or a path on the hub itself.
 * Anything else would let a link hand someone's ticket to another site.
 */
export function checkReturnTo(raw: string): string {
  const refuse = () =>
    new DcaError("invalid-argument", "return_to must be http://127.0.0.1:PORT/..., http://[::1]:PORT/... or a path on this hub (/...)", { reason: "return-to" });
  if (raw.length === 0 || raw.length > 2048 || /[\u0000-\u0020\u007f\\]/.test(raw)) throw refuse();
  if (raw.startsWith("/")) {
    if (raw.startsWith("//")) throw refuse();
    return raw;
  }
  const u = URL.canParse(raw) ? new URL(raw) : undefined;
  const loopback = u?.hostname === "127.0.0.1" || u?.hostname === "[::1]";
  if (!u || u.protocol !== "http:" || !loopback || u.port === "" || u.username || u.password || u.hash) throw refuse();
  return raw;
}

/** The hub's origin as browsers reach it: the configured public URL, or the one this request came to. */
function publicOrigin(hub: HubSignIn, ctx: HandlerContext): string {
  return hub.publicUrl ? new URL(hub.publicUrl).origin : new URL(ctx.url).origin;
}

/** The single sign-on methods. */
export function createSsoHandlers(hub: HubSignIn): Pick<ServiceImpl<typeof AdminService>, "startSsoSignIn" | "finishSsoSignIn"> {
  return {
    async startSsoSignIn(req, ctx) {
      const returnTo = checkReturnTo(req.returnTo);
      if (!CLIENT_STATE.test(req.state)) throw new DcaError("invalid-argument", "state must be at most 256 characters of A-Z a-z 0-9 . _ ~ -");
      if (!CODE_CHALLENGE.test(req.codeChallenge)) {
        throw new DcaError("invalid-argument", "code_challenge must be the base64url SHA-256 of a PKCE code verifier (43 characters)");
      }
      const config = hub.sso.oidc();
      if (!config) throw new DcaError("failed-precondition", "this hub has no single sign-on (OIDC) configured; sign in with a password, or ask an owner to set it up");
      // Each start makes the hub ask the provider: bounded per address like password attempts.
      const address = ctx.values.get(CALL_ADDRESS);
      const limit = hub.limiter.take({ account: `sso-start ${address}`, address });
      if (!limit.ok) throw new DcaError("resource-exhausted", "single sign-on refused: too many sign-ins started; wait a minute", { retryAfterMs: limit.retryAfterMs });
      const redirectUri = `${publicOrigin(hub, ctx)}${SSO_CALLBACK_PATH}`;
      const start = await startOidc(config, redirectUri);
      hub.oidcPending.put<SsoPending>({
        state: start.state,
        nonce: start.nonce,
        codeVerifier: start.codeVerifier,
        redirectUri,
        returnTo,
        clientState: req.state,
        codeChallenge: req.codeChallenge,
      });
      return { authorizationUrl: start.url };
    },

    async finishSsoSignIn(req, ctx) {
      note(ctx, { actor: "(single sign-on)" });
      return withAuditReason(ctx, async () => {
        const identity = hub.tickets.redeem(req.ticket, req.codeVerifier);
        note(ctx, { actor: identity.username });
        noteDetail(ctx, { source: identity.source, externalId: identity.externalId });
        const facts: SsoUserFacts = {};
        try {
          const user = ssoUserFor(hub, identity, hub.sso.roleMapping(), facts);
          return { result: hub.open(ctx, hub.store.recordSignIn(user.id), "oidc", req.client) };
        } finally {
          if (facts.userId) note(ctx, { actorUserId: facts.userId });
          if (facts.missing) noteDetail(ctx, { missing: facts.missing });
        }
      });
    },
  };
}
