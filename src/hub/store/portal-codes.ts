/**
 * The portal's one-time codes, kept hashed in hub_settings (no table of
 * their own: there are few, and they live minutes): the first-run setup
 * code `dca-hub serve` prints while the hub has no user, and the sign-in
 * links `dca-hub admin-local ... owner sign-in-link` mints. A code is a
 * 32-byte random secret; only its SHA-256 is kept, and taking one removes
 * it in the same transaction that checks it, so it works once.
 */
import { hashSecret, newSecret } from "./ids.ts";
import type { StoreContext } from "./store-context.ts";
import { StoreError } from "./store-error.ts";
import type { NewUser, User } from "./users.ts";

/** The hub_settings keys. */
const SETUP_KEY = "portal.setup_code";
const LINKS_KEY = "portal.sign_in_links";
/** Most sign-in links held at once (minting another drops the oldest). */
export const MAX_SIGN_IN_LINKS = 20;

interface HeldCode {
  /** SHA-256 of the code, hex. */
  hash: string;
  expiresAt: number;
  userId?: string;
}

/** A code minted: the secret (shown once) and when it stops working. */
export interface MintedCode {
  code: string;
  expiresAt: Date;
}

const hashOf = (code: string) => Buffer.from(hashSecret(code)).toString("hex");
/** Codes are base64url of 32 bytes: anything else is refused before it is hashed. */
const CODE = /^[A-Za-z0-9_-]{43}$/;

/** What the part needs of the others: the settings, and making the owner. */
export interface PortalCodeDeps {
  getSetting(key: string): unknown;
  setSetting(key: string, value: unknown): void;
  createUser(u: NewUser): User;
  grantRole(g: { userId: string; role: string }): unknown;
}

const heldList = (v: unknown): HeldCode[] =>
  Array.isArray(v) ? v.filter((c): c is HeldCode => typeof c?.hash === "string" && typeof c?.expiresAt === "number") : [];

/** The one-time code methods of the store. */
export function createPortalCodes(ctx: StoreContext, deps: PortalCodeDeps) {
  const { db } = ctx;
  const hasUsers = () => db.query<{ n: number }, []>("SELECT EXISTS (SELECT 1 FROM users) AS n").get()!.n === 1;
  return {
    /** Whether the hub has any user (the first-run setup is only for a hub with none). */
    hasUsers(): boolean {
      return ctx.read(hasUsers);
    },

    /** A new setup code, valid for `ttlMs`; it replaces any earlier one. */
    mintSetupCode(ttlMs: number): MintedCode {
      const code = newSecret();
      const expiresAt = ctx.now().getTime() + ttlMs;
      deps.setSetting(SETUP_KEY, { hash: hashOf(code), expiresAt } satisfies HeldCode);
      return { code, expiresAt: new Date(expiresAt) };
    },

    /**
     * Makes the first owner with the setup code, in one transaction: refused (`failed-precondition`)
     * once the hub has a user, `unauthenticated` for a wrong or expired code. The code is used up.
     */
    claimFirstOwner(code: string, user: NewUser): User {
      return ctx.write(() => {
        if (hasUsers()) throw new StoreError("failed-precondition", "this hub already has its owner; sign in instead");
        const held = deps.getSetting(SETUP_KEY) as HeldCode | undefined;
        if (!held || !CODE.test(code) || held.hash !== hashOf(code) || held.expiresAt <= ctx.now().getTime()) {
          throw new StoreError("unauthenticated", "setup refused: the setup code is wrong or expired; restart dca-hub serve for a new setup URL");
        }
        deps.setSetting(SETUP_KEY, undefined);
        const created = deps.createUser(user);
        deps.grantRole({ userId: created.id, role: "owner" });
        return created;
      });
    },

    /** A new single-use sign-in link code for `userId`, valid for `ttlMs`. */
    mintSignInLink(userId: string, ttlMs: number): MintedCode {
      const code = newSecret();
      const now = ctx.now().getTime();
      const expiresAt = now + ttlMs;
      ctx.write(() => {
        const kept = heldList(deps.getSetting(LINKS_KEY)).filter((c) => c.expiresAt > now);
        kept.push({ hash: hashOf(code), expiresAt, userId });
        deps.setSetting(LINKS_KEY, kept.slice(-MAX_SIGN_IN_LINKS));
      });
      return { code, expiresAt: new Date(expiresAt) };
    },

    /** The user a sign-in link code is for, taken once; undefined when unknown, used or expired. */
    takeSignInLink(code: string): string | undefined {
      if (!CODE.test(code)) return undefined;
      const hash = hashOf(code);
      return ctx.write(() => {
        const now = ctx.now().getTime();
        const held = heldList(deps.getSetting(LINKS_KEY));
        const found = held.find((c) => c.hash === hash);
        const kept = held.filter((c) => c !== found && c.expiresAt > now);
        if (found || kept.length !== held.length) deps.setSetting(LINKS_KEY, kept.length ? kept : undefined);
        return found && found.expiresAt > now ? found.userId : undefined;
      });
    },
  };
}

/** The part's methods, as HubStore mixes them in. */
export type PortalCodeStore = ReturnType<typeof createPortalCodes>;
