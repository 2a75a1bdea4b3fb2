/**
 * API tokens through the in-process harness: made with a confirmation, used
 * as a bearer with the scope's limits, ending at their expiry or when
 * revoked; listings of one's own, and everyone's with user.read.
 */
import { describe, expect, test } from "bun:test";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { PASSWORD, failure, person, signedIn } from "../../../test/support/sign-in-fixture.ts";

const DAY_S = 86_400n;

describe("API tokens", () => {
  test("made with the password; its secret is shown once; it acts within its scope until it expires", async () => {
    const h = adminHarness();
    await person(h, "alice", "admin");
    h.store.createSite("Acme");
    const { api } = await signedIn(h, "alice");
    const made = await api.createApiToken({ confirm: { password: PASSWORD }, name: "billing export", scope: "meters", ttlSeconds: DAY_S });
    expect(made.secret).toMatch(/^dcat_/);
    expect(made.token).toMatchObject({ name: "billing export", scope: "meters", username: "alice", revoked: false });
    const token = h.withBearer(made.secret);
    expect((await token.whoAmI({})).scope).toBe("meters");
    expect((await token.listSites({})).sites.map((s) => s.site!.name)).toEqual(["Acme"]);
    // The user may create sites; the meters scope may not.
    expect((await failure(token.createSite({ name: "Other" }))).code).toBe("permission-denied");
    const listed = (await api.listApiTokens({})).tokens;
    expect(listed.map((t) => t.id)).toEqual([made.token!.id]);
    expect(JSON.stringify(listed, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(made.secret);
    const rec = h.store.listAudit({ action: "CreateApiToken" })[0]!;
    expect(rec).toMatchObject({ actor: "alice", target: `token ${made.token!.id}`, outcome: "ok" });
    expect(rec.detail).toMatchObject({ name: "billing export", scope: "meters", confirmedBy: "password" });
    expect(JSON.stringify(rec)).not.toContain(made.secret);
    h.clock.advance(86_400_000);
    expect((await failure(token.whoAmI({}))).code).toBe("unauthenticated");
    // (The session ended too, after its idle hour: sign in again.)
    const later = (await signedIn(h, "alice")).api;
    expect((await later.listApiTokens({})).tokens).toEqual([]);
    expect((await later.listApiTokens({ includeEnded: true })).tokens).toHaveLength(1);
  });

  test("a request that cannot be made is refused before the confirmation: scope, lifetime, name", async () => {
    const h = adminHarness();
    await person(h, "alice", "admin");
    const { api } = await signedIn(h, "alice");
    const ask = (more: { scope?: string; ttlSeconds?: bigint; name?: string; password?: string }) =>
      failure(api.createApiToken({ confirm: { password: more.password ?? PASSWORD }, name: more.name ?? "x", scope: more.scope ?? "tasks", ttlSeconds: more.ttlSeconds ?? DAY_S }));
    expect((await ask({ scope: "admin" })).message).toBe('a token\'s scope must be one of meters, tasks, relay, broker, metrics, full; got "admin"');
    expect((await ask({ ttlSeconds: 0n })).code).toBe("invalid-argument");
    expect((await ask({ ttlSeconds: 366n * DAY_S })).code).toBe("invalid-argument");
    expect((await ask({ name: " " })).code).toBe("invalid-argument");
    expect((await ask({ password: "wrong password here" })).code).toBe("unauthenticated");
    expect((await failure(api.createApiToken({ name: "x", scope: "tasks", ttlSeconds: DAY_S }))).code).toBe("unauthenticated");
    expect((await api.listApiTokens({ includeEnded: true })).tokens).toEqual([]);
    expect((await api.createApiToken({ confirm: { password: PASSWORD }, name: "year", scope: "full", ttlSeconds: 365n * DAY_S })).token!.scope).toBe("full");
  });

  test("revoked by its user it stops at once; others' tokens: listed with user.read, revoked with user.write, else not found", async () => {
    const h = adminHarness();
    await person(h, "alice", "viewer");
    await person(h, "bob", "technician");
    const alice = (await signedIn(h, "alice")).api;
    const bob = (await signedIn(h, "bob")).api;
    const a = await alice.createApiToken({ confirm: { password: PASSWORD }, name: "a", scope: "meters", ttlSeconds: DAY_S });
    const b = await bob.createApiToken({ confirm: { password: PASSWORD }, name: "b", scope: "tasks", ttlSeconds: DAY_S });
    expect((await failure(alice.listApiTokens({ allUsers: true }))).code).toBe("permission-denied");
    expect((await failure(alice.revokeApiToken({ tokenId: b.token!.id }))).code).toBe("not-found");
    // Someone else's token and no token at all get the same answer.
    const unknown = await failure(alice.revokeApiToken({ tokenId: "tok_nonexistent" }));
    const others = await failure(alice.revokeApiToken({ tokenId: b.token!.id }));
    expect(others.message.replace(b.token!.id, "tok_nonexistent")).toBe(unknown.message);
    const revoked = await alice.revokeApiToken({ tokenId: a.token!.id });
    expect(revoked.token!.revoked).toBe(true);
    expect((await failure(h.withBearer(a.secret).whoAmI({}))).code).toBe("unauthenticated");
    // The harness owner reads and revokes everyone's.
    const all = (await h.api.listApiTokens({ allUsers: true, includeEnded: true })).tokens;
    expect(all.map((t) => [t.username, t.name, t.revoked]).sort()).toEqual([
      ["alice", "a", true],
      ["bob", "b", false],
    ]);
    await h.api.revokeApiToken({ tokenId: b.token!.id });
    expect((await failure(h.withBearer(b.secret).whoAmI({}))).code).toBe("unauthenticated");
    expect(h.store.listAudit({ action: "RevokeApiToken" })[0]!.detail.ownerUserId).toBe(h.store.getUserByUsername("bob")!.id);
  });
});
