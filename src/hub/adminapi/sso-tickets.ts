/**
 * One-time tickets of single sign-on: what the hub's OIDC callback hands
 * the browser (in the redirect to the client's return_to) and the client
 * redeems with FinishSsoSignIn. A ticket is a random string held in memory,
 * valid for TICKET_TTL_MS, taken at the first redemption whatever its
 * outcome, and bound to the client's PKCE code challenge (RFC 7636, S256):
 * a ticket read from a browser history or a log is useless without the
 * code verifier only the client that started the sign-in holds.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";
import type { ExternalIdentity } from "../sso/index.ts";

/** How long a ticket may wait for its redemption. */
export const TICKET_TTL_MS = 2 * 60_000;
/** Most tickets held at once (the oldest go first). */
export const MAX_TICKETS = 1000;

/** A PKCE code challenge (base64url of a SHA-256) and a code verifier (RFC 7636: 43-128 unreserved characters). */
export const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** The S256 challenge of a verifier. */
export const codeChallengeOf = (verifier: string): string => createHash("sha256").update(verifier, "ascii").digest("base64url");

const EXPIRED = "sign-in refused: the single sign-on ticket is unknown, used or expired; start the sign-in again";

/** The tickets of one hub process. */
export function createSsoTickets(clock: Pick<Clock, "monotonic">) {
  const held = new Map<string, { identity: ExternalIdentity; codeChallenge: string; until: number }>();
  return {
    /** A new ticket for an identity the provider vouched for, redeemable with the verifier of `codeChallenge`. */
    issue(identity: ExternalIdentity, codeChallenge: string): string {
      const now = clock.monotonic();
      for (const [k, t] of held) if (t.until <= now) held.delete(k);
      while (held.size >= MAX_TICKETS) held.delete(held.keys().next().value!);
      const ticket = randomBytes(32).toString("base64url");
      held.set(ticket, { identity, codeChallenge, until: now + TICKET_TTL_MS });
      return ticket;
    },

    /** The identity of a ticket, taken once; unauthenticated when unknown, used, expired, or the verifier does not match. */
    redeem(ticket: string, codeVerifier: string): ExternalIdentity {
      const t = held.get(ticket);
      held.delete(ticket);
      if (!t || t.until <= clock.monotonic()) throw new DcaError("unauthenticated", EXPIRED, { reason: "sso-ticket" });
      const given = Buffer.from(CODE_VERIFIER.test(codeVerifier) ? codeChallengeOf(codeVerifier) : "");
      const wanted = Buffer.from(t.codeChallenge);
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
        throw new DcaError("unauthenticated", "sign-in refused: the code verifier does not match the sign-in this ticket is for; start the sign-in again", {
          reason: "sso-pkce",
        });
      }
      return t.identity;
    },

    /** Tickets held now (for tests). */
    size: () => held.size,
  };
}
