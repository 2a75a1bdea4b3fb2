/**
 * AdminService for the portal's sign-in side (open methods: no credential):
 * what the sign-in page may offer, the first owner of a hub that has no
 * user (with the one-time setup code `dca-hub serve` printed), and one-time
 * sign-in links (minted by `dca-hub admin-local ... owner sign-in-link`).
 * Both codes are single use and kept hashed (src/hub/store/portal-codes.ts);
 * attempts are rate limited per address like password sign-ins, and the
 * door records each one.
 */
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { checkPasswordPolicy, hashPassword } from "../accounts/index.ts";
import { checkUsername } from "../store/index.ts";
import { CALL_ADDRESS, note } from "./admin-call.ts";
import { type HubSignIn, noteDetail, withAuditReason } from "./hub-sign-in.ts";
import { typedName } from "./sign-in-handlers.ts";

type PortalMethods = "getSignInOptions" | "setUpFirstOwner" | "redeemSignInLink";

const LINK_REFUSED = "sign-in refused: this sign-in link is unknown, used or expired; ask for a new one (dca-hub admin-local --data DIR owner sign-in-link NAME)";

/** The portal's open methods. */
export function createPortalHandlers(hub: HubSignIn): Pick<ServiceImpl<typeof AdminService>, PortalMethods> {
  const { store } = hub;
  /** One attempt of `what` from the call's address, or resource-exhausted. */
  const limit = (ctx: HandlerContext, what: string) => {
    const address = ctx.values.get(CALL_ADDRESS);
    const r = hub.limiter.take({ account: `${what} ${address}`, address });
    if (!r.ok) throw new DcaError("resource-exhausted", `${what} refused: too many attempts from this address; wait a minute`, { retryAfterMs: r.retryAfterMs });
  };
  return {
    getSignInOptions() {
      return { sso: hub.sso.oidc() !== undefined, setupRequired: !store.hasUsers() };
    },

    async setUpFirstOwner(req, ctx) {
      note(ctx, { actor: typedName(req.username) });
      return withAuditReason(ctx, async () => {
        limit(ctx, "setup");
        // Before the slow password hash: a hub with an owner says so at once.
        if (store.hasUsers()) throw new DcaError("failed-precondition", "this hub already has its owner; sign in instead");
        checkUsername(req.username);
        await checkPasswordPolicy(req.password, req.username);
        const passwordHash = await hashPassword(req.password);
        const user = store.claimFirstOwner(req.code, {
          username: req.username,
          displayName: req.displayName || undefined,
          email: req.email || undefined,
          source: "local",
          passwordHash,
          createdBy: "first-run setup",
        });
        note(ctx, { actorUserId: user.id });
        noteDetail(ctx, { firstOwner: user.username });
        return { result: hub.open(ctx, store.recordSignIn(user.id), "password", req.client) };
      });
    },

    async redeemSignInLink(req, ctx) {
      note(ctx, { actor: "(sign-in link)" });
      return withAuditReason(ctx, async () => {
        limit(ctx, "sign-in link");
        const userId = store.takeSignInLink(req.code);
        const user = userId === undefined ? undefined : store.getUser(userId);
        if (!user) throw new DcaError("unauthenticated", LINK_REFUSED, { reason: "sign-in-link" });
        note(ctx, { actor: user.username, actorUserId: user.id });
        if (user.disabledAt) throw new DcaError("permission-denied", "sign-in refused: this account is disabled; an owner can enable it", { reason: "disabled" });
        // The hub's 2FA rule still holds: a user without a second factor may only enrol one.
        const enrolOnly = hub.settings().require2fa && user.source === "local" && !user.totpEnabledAt;
        return { result: hub.open(ctx, store.recordSignIn(user.id), enrolOnly ? "password" : "sign-in-link", req.client, enrolOnly) };
      });
    },
  };
}
