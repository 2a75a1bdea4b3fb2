/**
 * The people pages through the portal app in-process: an owner lists
 * accounts, adds one, grants and takes back a role on a site, disables,
 * enables and unlocks, sets a password, makes a site group; a viewer is
 * refused with the RPC's own words; no password ever comes back in a page.
 */
import { describe, expect, test } from "bun:test";
import { PASSWORD, person } from "../../../../test/support/sign-in-fixture.ts";
import { portalBrowser } from "../../../../test/support/portal-fixture.ts";
import { noticeOf, signIn } from "../../../../test/support/portal-admin-fixture.ts";

const NEW_PASSWORD = "granite willow forty 77";

describe("the people pages", () => {
  test("an owner adds a person, grants a role on a site and takes it back, disables and enables them", async () => {
    const b = portalBrowser();
    await person(b.h, "olive", "owner");
    b.h.store.createSite("Acme");
    await signIn(b, "olive");
    const list = await b.text(await b.get("/users"));
    expect(list).toContain('<a href="/users/');
    expect(list).toContain(">olive</a>");
    const made = await b.text(await b.post("/users", { username: "nina", display_name: "Nina N", email: "nina@example.test", password: NEW_PASSWORD, password2: NEW_PASSWORD }));
    expect(noticeOf(made, "ok")).toBe("nina added. Without a role they may do nothing: grant one on their page.");
    expect(made).not.toContain(NEW_PASSWORD);
    const nina = b.h.store.getUserByUsername("nina")!;
    const path = `/users/${nina.id}`;
    const page = await b.text(await b.get(path));
    expect(page).toContain("<h1>nina</h1>");
    expect(page).toContain("None: they may do nothing yet.");
    const site = b.h.store.getSite("Acme")!;
    const granted = await b.text(await b.post(`${path}/grant-role`, { role: "technician", where: `site:${site.id}` }));
    expect(noticeOf(granted, "ok")).toBe("nina is now technician on site Acme.");
    const grantId = /name="grant_id" value="([^"]+)"/.exec(granted)![1]!;
    const taken = await b.text(await b.post(`${path}/revoke-role`, { grant_id: grantId }));
    expect(noticeOf(taken, "ok")).toBe("nina is no longer technician on site Acme.");
    const off = await b.text(await b.post(`${path}/disable`, {}));
    expect(noticeOf(off, "ok")).toBe("nina is disabled: they cannot sign in; 0 sessions and 0 API tokens revoked.");
    expect(off).toContain('action="' + path + '/enable"');
    const on = await b.text(await b.post(`${path}/enable`, {}));
    expect(noticeOf(on, "ok")).toBe("nina is enabled again.");
  });

  test("a locked account is unlocked; a password is set (twice typed) and never shown back", async () => {
    const b = portalBrowser();
    await person(b.h, "olive", "owner");
    const pat = await person(b.h, "pat", "viewer");
    for (let i = 0; i < 5; i++) await b.h.withBearer(undefined).signIn({ username: "pat", password: "wrong wrong wrong", client: "t" }).catch(() => {});
    await signIn(b, "olive");
    const path = `/users/${pat.id}`;
    const page = await b.text(await b.get(path));
    expect(page).toMatch(/locked until/);
    const unlocked = await b.text(await b.post(`${path}/unlock`, {}));
    expect(noticeOf(unlocked, "ok")).toBe("pat is unlocked; their failed sign-ins are forgotten.");
    const differ = await b.post(`${path}/reset-password`, { new_password: NEW_PASSWORD, new_password2: "something else entirely" });
    expect(differ.status).toBe(400);
    expect(noticeOf(await b.text(differ), "error")).toBe("The two passwords differ; type them again.");
    const set = await b.text(await b.post(`${path}/reset-password`, { new_password: NEW_PASSWORD, new_password2: NEW_PASSWORD }));
    expect(noticeOf(set, "ok")).toBe("Password set; 0 sessions signed out. Tell them the new password by another channel.");
    expect(set).not.toContain(NEW_PASSWORD);
    expect((await b.h.withBearer(undefined).signIn({ username: "pat", password: NEW_PASSWORD, client: "t" })).result?.sessionToken).toStartWith("dcas_");
  });

  test("site groups are made and given sites", async () => {
    const b = portalBrowser();
    await person(b.h, "olive", "owner");
    const site = b.h.store.createSite("Depot");
    await signIn(b, "olive");
    await b.text(await b.get("/users"));
    const made = await b.text(await b.post("/users/groups", { name: "North" }));
    expect(noticeOf(made, "ok")).toBe("Site group North created. Add its sites below.");
    const group = /<option value="(sg_[^"]+|[^"]+)">North<\/option>/.exec(made)![1]!;
    const added = await b.text(await b.post("/users/groups/member", { group, site: site.id, member: "1" }));
    expect(noticeOf(added, "ok")).toBe("Site group North now has Depot.");
    expect(added).toContain("<td>North</td><td>Depot</td>");
  });

  test("a viewer is refused: the people page and adding a person answer 403 with the RPC's words", async () => {
    const b = portalBrowser();
    await person(b.h, "vera", "viewer");
    await signIn(b, "vera");
    const list = await b.get("/users");
    expect(list.status).toBe(403);
    expect(noticeOf(await b.text(list), "error")).toBe("permission denied: vera may not see people and roles (user.read); an owner or admin can grant a role that allows it");
    await b.text(await b.get("/"));
    const create = await b.post("/users", { username: "x", password: NEW_PASSWORD, password2: NEW_PASSWORD });
    expect(create.status).toBe(403);
    expect(noticeOf(await b.text(create), "error")).toBe("permission denied: vera may not manage people and roles (user.write); an owner or admin can grant a role that allows it");
    expect(b.h.store.getUserByUsername("x")).toBeUndefined();
  });
});
