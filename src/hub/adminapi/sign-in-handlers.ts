/**
 * AdminService: signing in with a password (local, or the directory's when
 * LDAP is configured) and the second factor. Open methods: the door records
 * each attempt; these handlers name in the record who tried and, for a
 * refusal, why (the reason stays in the audit log; the answer is the one
 * uniform refusal, with the refusal's code, so it tells no username apart).
 */
import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import { cleanText } from "../../common/text.ts";
import { SignInResultSchema } from "../../gen/dca/v1/admin_people_pb.ts";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import type { PasswordOutcome, SignInRefused } from "../accounts/index.ts";
import { CALL_ADDRESS, note } from "./admin-call.ts";
import { type HubSignIn, noteDetail, withAuditReason } from "./hub-sign-in.ts";
import { type LdapStepFacts, ldapPasswordStep } from "./ldap-password-step.ts";

/** A username as the audit record names it: what was typed, without control characters, bounded. */
export const typedName = (username: string): string => cleanText(username, 100) || "(empty)";

/** The refusal as the error answered: its code and message only (the reason goes to the audit note). */
function refusal(ctx: HandlerContext, r: SignInRefused): DcaError {
  note(ctx, { outcome: "failed", ...(r.userId && { actorUserId: r.userId }) });
  noteDetail(ctx, { reason: r.reason });
  return new DcaError(r.code, r.message, r.retryAfterMs === undefined ? {} : { retryAfterMs: r.retryAfterMs });
}

/** The sign-in methods. */
export function createSignInHandlers(hub: HubSignIn): Pick<ServiceImpl<typeof AdminService>, "signIn" | "signInSecondFactor"> {
  const { store } = hub;
  return {
    async signIn(req, ctx) {
      note(ctx, { actor: typedName(req.username) });
      const address = ctx.values.get(CALL_ADDRESS);
      const attempt = { username: req.username, password: req.password, address };
      const facts: LdapStepFacts = {};
      return withAuditReason(ctx, async () => {
        try {
          const ldap = await ldapPasswordStep(hub, attempt, facts);
          const r: PasswordOutcome = ldap ?? (await hub.signIn.checkPassword(attempt));
          if (r.outcome === "refused") throw refusal(ctx, r);
          note(ctx, { actorUserId: r.user.id });
          if (r.outcome === "second-factor") {
            noteDetail(ctx, { step: "password ok; second factor asked" });
            return { result: create(SignInResultSchema, { challenge: r.challenge }) };
          }
          return { result: hub.open(ctx, r.user, ldap ? "ldap" : "password", req.client, r.outcome === "enrol-2fa") };
        } finally {
          // Through the directory: say so, and whom it found, whatever the outcome.
          if (facts.source) {
            const { userId, ...rest } = facts;
            if (userId) note(ctx, { actorUserId: userId });
            noteDetail(ctx, rest);
          }
        }
      });
    },

    async signInSecondFactor(req, ctx) {
      const holder = hub.challenges.peek(req.challenge);
      const named = holder === undefined ? undefined : store.getUser(holder);
      note(ctx, { actor: named?.username ?? "(unknown sign-in challenge)", ...(named && { actorUserId: named.id }) });
      return withAuditReason(ctx, async () => {
        const r = hub.signIn.checkSecondFactor({ challenge: req.challenge, code: req.code, address: ctx.values.get(CALL_ADDRESS) });
        if (r.outcome === "refused") throw refusal(ctx, r);
        noteDetail(ctx, { factor: r.factor, ...(r.factor === "recovery-code" && { recoveryCodesLeft: store.recoveryCodesLeft(r.user.id) }) });
        return { result: hub.open(ctx, r.user, r.factor === "totp" ? "password+totp" : "recovery-code", req.client) };
      });
    },
  };
}
