/**
 * People for the sign-in and own-account tests over the in-process admin
 * harness: local users with a password (one Argon2id hash of PASSWORD made
 * once, as in accounts-fixture.ts), signing in through the API, and the
 * refusal a call ends with.
 */
import { expect } from "bun:test";
import { DcaError } from "../../src/common/errors.ts";
import { hashPassword, totpCodeAt } from "../../src/hub/accounts/index.ts";
import type { AdminClient } from "../../src/hub/admin/admin-client.ts";
import type { User } from "../../src/hub/store/index.ts";
import type { AdminHarness } from "./admin-harness.ts";

/** The password of every `person`. */
export const PASSWORD = "tulip orbit canvas 42";

let sharedHash: Promise<string> | undefined;

/** A local user with PASSWORD, holding `role` globally if given. */
export async function person(h: AdminHarness, username: string, role?: string): Promise<User> {
  sharedHash ??= hashPassword(PASSWORD);
  const user = h.store.createUser({ username, passwordHash: await sharedHash, createdBy: "test" });
  if (role) h.store.grantRole({ userId: user.id, role });
  return user;
}

/** The error a call failed with (fails the test when it succeeds). */
export async function failure(call: Promise<unknown>): Promise<DcaError> {
  const e = await call.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DcaError);
  return e as DcaError;
}

/** Signs in with a password (no second factor expected); the API as that session, and its token. */
export async function signedIn(h: AdminHarness, username: string, password = PASSWORD): Promise<{ api: AdminClient; token: string }> {
  const { result } = await h.withBearer(undefined).signIn({ username, password, client: "test" });
  expect(result?.challenge).toBe("");
  return { api: h.withBearer(result!.sessionToken), token: result!.sessionToken };
}

/** Turns TOTP on for a signed-in user (confirmed by PASSWORD); the secret and recovery codes. The clock then moves one step on. */
export async function enrolTotp(h: AdminHarness, api: AdminClient): Promise<{ secret: string; recoveryCodes: string[]; sessionToken: string }> {
  const begun = await api.beginTotpEnrolment({ confirm: { password: PASSWORD } });
  const done = await api.confirmTotpEnrolment({ code: totpCodeAt(begun.secret, h.clock.now()) });
  // The code just used may not be used again (replay guard): later codes come from the next step.
  h.clock.advance(30_000);
  return { secret: begun.secret, recoveryCodes: done.recoveryCodes, sessionToken: done.sessionToken };
}
