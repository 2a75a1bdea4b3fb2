/**
 * What the sign-in, SSO and own-account handlers share, made once per hub
 * process: the accounts library over the store and the clock, the sign-in
 * rate limiter, the open second-factor challenges, the OIDC sign-ins in
 * flight and their one-time tickets (all in memory: a hub restart only
 * means signing in again), and how a finished sign-in becomes a session.
 */
import type { HandlerContext } from "@connectrpc/connect";
import { type Clock, systemClock } from "../../common/clock.ts";
import { DcaError } from "../../common/errors.ts";
import { cleanText } from "../../common/text.ts";
import type { SignInResult, User as UserMessage } from "../../gen/dca/v1/admin_people_pb.ts";
import {
  type SignInSettings,
  createSignIn,
  createSignInChallenges,
  createSignInLimiter,
  createTotpEnrolment,
  createUserAccounts,
} from "../accounts/index.ts";
import { createOidcPendingStore, ssoSettingsOf } from "../sso/index.ts";
import type { HubStore, SecuritySettings, SessionMethod, User } from "../store/index.ts";
import { AUDIT_NOTE, CALL_ADDRESS, note } from "./admin-call.ts";
import type { AuditEntry } from "./admin-door.ts";
import { sessionResult, userToProto } from "./account-to-proto.ts";
import { createConfirmIdentity } from "./confirm-identity.ts";
import { createSsoTickets } from "./sso-tickets.ts";

/** How long a session limited to enrolling a second factor lasts. */
export const ENROL_SESSION_MS = 15 * 60_000;

/** What the handlers need besides the store (AdminServiceDeps passes them on). */
export interface HubSignInDeps {
  store: HubStore;
  /** Wall time (locks, TOTP) and monotonic time (rate limits, challenges, tickets); default the system clock. */
  clock?: Pick<Clock, "now" | "monotonic">;
  /** The sign-in rules in force; default the store's security settings at each use. */
  settings?: () => SignInSettings;
  /** Where records of the SSO callback go (it is no AdminService call); default the store's audit log. */
  audit?: (entry: AuditEntry) => void;
  /** The hub's URL as browsers reach it ("https://hub.example:8443"), for the OIDC redirect URI; default the request's own. */
  publicUrl?: string;
  log?: (line: string) => void;
}

/** The sign-in rules out of the hub's security settings. */
export const signInSettingsOf = (s: SecuritySettings): SignInSettings => ({
  require2fa: s.require2fa,
  lockoutAttempts: s.lockoutAttempts,
  lockoutMinutes: s.lockoutMinutes,
  inactivityDays: s.inactivityDays,
});

/** Adds facts to the call's audit detail (note() replaces the detail; this merges). */
export function noteDetail(ctx: HandlerContext, detail: Record<string, unknown>): void {
  note(ctx, { detail: { ...ctx.values.get(AUDIT_NOTE)?.detail, ...detail } });
}

/** Runs a handler's body; a failure it throws gets its reason (if any) into the audit note before it goes out. */
export async function withAuditReason<T>(ctx: HandlerContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const reason = DcaError.from(e).reason;
    if (reason) noteDetail(ctx, { reason });
    throw e;
  }
}

/** Every method of `handlers` behind withAuditReason. */
export function withAuditReasons<T extends object>(handlers: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, impl] of Object.entries(handlers) as [string, (req: unknown, ctx: HandlerContext) => unknown][]) {
    out[name] = (req: unknown, ctx: HandlerContext) => withAuditReason(ctx, async () => impl(req, ctx));
  }
  return out as T;
}

/** The shared state and helpers of one hub process. */
export function createHubSignIn(deps: HubSignInDeps) {
  const { store } = deps;
  const clock = deps.clock ?? systemClock;
  const settings = deps.settings ?? (() => signInSettingsOf(store.getSecuritySettings()));
  const base = { store, clock, settings };
  const limiter = createSignInLimiter({ clock });
  const challenges = createSignInChallenges(clock);
  const accounts = createUserAccounts(base);
  const sso = ssoSettingsOf(store);
  const confirm = createConfirmIdentity({ store, clock, settings, accounts, sso });

  const userMessage = (user: User): UserMessage =>
    userToProto(user, { grants: store.listGrants(user.id), recoveryCodesLeft: store.recoveryCodesLeft(user.id), nowMs: clock.now() });

  return {
    store,
    clock,
    settings,
    limiter,
    challenges,
    accounts,
    sso,
    confirm,
    signIn: createSignIn({ ...base, limiter, challenges }),
    totp: createTotpEnrolment({ ...base, issuer: "dca-hub", confirmIdentity: confirm.proof }),
    oidcPending: createOidcPendingStore({ clock }),
    tickets: createSsoTickets(clock),
    audit: deps.audit ?? ((e: AuditEntry) => void store.appendAudit(e)),
    publicUrl: deps.publicUrl,
    log: deps.log ?? (() => {}),
    userMessage,

    /**
     * Opens a session for a user who has just signed in (every step passed) and answers with
     * it; `enrolOnly` makes it a short session that may only enrol a second factor.
     */
    open(ctx: HandlerContext, user: User, method: SessionMethod, client: string, enrolOnly = false): SignInResult {
      const opened = store.createSession({
        userId: user.id,
        method,
        address: ctx.values.get(CALL_ADDRESS),
        client: cleanText(client, 200),
        ...(enrolOnly && { limitedTo: "enrol-2fa" as const, lifetimeMs: ENROL_SESSION_MS }),
      });
      note(ctx, { actor: user.username, actorUserId: user.id, target: `session ${opened.session.id}` });
      noteDetail(ctx, { method: opened.session.method });
      return sessionResult(opened, userMessage(user));
    },
  };
}

/** The shared sign-in state of one hub (see createHubSignIn). */
export type HubSignIn = ReturnType<typeof createHubSignIn>;
