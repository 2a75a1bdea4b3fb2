/**
 * A hub store in a temp folder with src/hub/accounts on top, all on one
 * manual clock, for the accounts tests. Argon2id costs a few hundred
 * milliseconds a hash on a busy machine, so users made with `userWithPassword`
 * share one hash of PASSWORD made once; tests of the hashing itself hash
 * for real.
 */
import { afterEach } from "bun:test";
import { join } from "node:path";
import {
  type SignInSettings,
  DEFAULT_SIGN_IN_SETTINGS,
  createSignIn,
  createSignInLimiter,
  createTotpEnrolment,
  createUserAccounts,
  hashPassword,
  totpCodeAt,
} from "../../src/hub/accounts/index.ts";
import { type SqliteHubStore, type User, openHubStore } from "../../src/hub/store/index.ts";
import { type ManualClock, manualClock } from "./manual-clock.ts";
import { tempDir } from "./temp-dir.ts";

/** The password every `userWithPassword` user has. */
export const PASSWORD = "tulip orbit canvas 42";

let sharedHash: Promise<string> | undefined;

const opened: SqliteHubStore[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/** One test's world: store, clock, settings (changeable), and the accounts functions over them. */
export function accountsWorld(opts: { limits?: { perAccountPerMinute?: number; perAddressPerMinute?: number } } = {}) {
  const clock: ManualClock = manualClock();
  const store = openHubStore(join(tempDir("dca-accounts-"), "data"), { clock });
  opened.push(store);
  let settings: SignInSettings = { ...DEFAULT_SIGN_IN_SETTINGS };
  // Generous limits unless a test is about them, so lockout tests are not cut short by the limiter.
  const limiter = createSignInLimiter({ clock, perAccountPerMinute: 1000, perAddressPerMinute: 1000, ...opts.limits });
  const base = { store, clock, settings: () => settings };
  const world = {
    store,
    clock,
    accounts: createUserAccounts(base),
    totp: createTotpEnrolment({ ...base, issuer: "dca test hub" }),
    signIn: createSignIn({ ...base, limiter }),
    /** Changes the settings in force. */
    set(change: Partial<SignInSettings>) {
      settings = { ...settings, ...change };
    },
    /** A local user whose password is PASSWORD. */
    async userWithPassword(username: string): Promise<User> {
      sharedHash ??= hashPassword(PASSWORD);
      return store.createUser({ username, passwordHash: await sharedHash });
    },
    /** A user with PASSWORD and TOTP on; its secret and recovery codes. */
    async userWithTotp(username: string): Promise<{ user: User; secret: string; recoveryCodes: string[] }> {
      const u = await world.userWithPassword(username);
      const { secret } = await world.totp.beginTotpEnrolment(u.id, { password: PASSWORD });
      const { user, recoveryCodes } = world.totp.confirmTotpEnrolment(u.id, totpCodeAt(secret, clock.now()));
      return { user, secret, recoveryCodes };
    },
    /** The TOTP code of `secret` now, or `steps` 30-second steps away. */
    code(secret: string, steps = 0): string {
      return totpCodeAt(secret, clock.now() + steps * 30_000);
    },
  };
  return world;
}

/** One test's world (see accountsWorld). */
export type AccountsWorld = ReturnType<typeof accountsWorld>;

/** A password attempt from the test address. */
export function attempt(username: string, password = PASSWORD, address = "192.0.2.10") {
  return { username, password, address };
}
