/**
 * The portal app in-process (test/support/portal-fixture.ts): the security
 * headers on every kind of answer, the session cookie's flags, the CSRF and
 * origin checks, the sign-in redirect with ?next=, enrolment-only sessions
 * kept to the own-security page, the 403 page with the RPC's own words, and
 * a 500 that shows no detail.
 */
import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { TaskSchema } from "../../gen/dca/v1/agent_service_pb.ts";
import { PASSWORD, person } from "../../../test/support/sign-in-fixture.ts";
import { PORTAL_ORIGIN, type PortalBrowser, portalBrowser } from "../../../test/support/portal-fixture.ts";
import { CONTENT_SECURITY_POLICY } from "./security-headers.ts";
import { ASSETS } from "./assets.ts";
import { SESSION_COOKIE } from "./cookies.ts";

/** Signs `username` in through the sign-in form. */
async function signIn(b: PortalBrowser, username: string): Promise<Response> {
  await b.text(await b.get("/login"));
  return b.post("/login", { username, password: PASSWORD, next: "/" });
}

const expectHeaders = (r: Response) => {
  expect(r.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
  expect(r.headers.get("x-content-type-options")).toBe("nosniff");
  expect(r.headers.get("referrer-policy")).toBe("same-origin");
  expect(r.headers.get("x-frame-options")).toBe("DENY");
};

describe("the portal app", () => {
  test("every answer has the CSP and the other security headers; pages are not cached, assets are", async () => {
    const b = portalBrowser();
    await person(b.h, "alice", "owner");
    const anonymous = [await b.get("/login"), await b.get("/"), await b.get("/setup"), await b.post("/login", {}, { origin: "https://evil.example" })];
    await signIn(b, "alice");
    const signedIn = [await b.get("/"), await b.get("/account/security"), await b.get("/no/such/page"), await b.get(ASSETS["portal.css"].path), await b.get("/assets/nope-0.js")];
    for (const r of [...anonymous, ...signedIn]) expectHeaders(r);
    for (const r of [...anonymous, ...signedIn.slice(0, 3)]) expect(r.headers.get("cache-control")).toBe("no-store");
    expect(signedIn[2]!.status).toBe(404);
    expect(signedIn[3]!.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(signedIn[4]!.status).toBe(404);
    // No inline script or style in a page.
    const page = await b.text(await b.get("/account/security"));
    expect(page).toStartWith("<!DOCTYPE html>");
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|<style/);
  });

  test("signing in sets the session cookie Secure, HttpOnly, SameSite=Strict, Path=/, and goes to next", async () => {
    const b = portalBrowser();
    await person(b.h, "alice", "owner");
    await b.text(await b.get("/login?next=%2Faccount%2Fsecurity"));
    const r = await b.post("/login", { username: "alice", password: PASSWORD, next: "/account/security" });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/account/security");
    const cookie = b.lastSetCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
    expect(cookie).toMatch(/^__Host-dca_session=dcas_[^;]+;/);
    for (const flag of ["Path=/", "HttpOnly", "Secure", "SameSite=Strict", "Expires="]) expect(cookie).toContain(flag);
    expect(cookie).not.toContain("Domain");
    expect(await b.text(await b.get("/"))).toContain("Signed in as <strong>alice</strong>");
  });

  test("a foreign next= goes home instead", async () => {
    const b = portalBrowser();
    await person(b.h, "alice", "owner");
    await b.text(await b.get("/login"));
    const r = await b.post("/login", { username: "alice", password: PASSWORD, next: "//evil.example/x" });
    expect(r.headers.get("location")).toBe("/");
  });

  test("a POST without the CSRF token, with a wrong one, from another origin or from nowhere is refused", async () => {
    const b = portalBrowser();
    await person(b.h, "alice", "owner");
    await b.text(await b.get("/login"));
    const good = b.csrf;
    const tries = [
      await b.post("/login", { username: "alice", password: PASSWORD, _csrf: "" }),
      await b.post("/login", { username: "alice", password: PASSWORD, _csrf: `${good.slice(0, -2)}xx` }),
      await b.post("/login", { username: "alice", password: PASSWORD }, { origin: "https://evil.example" }),
      await b.post("/login", { username: "alice", password: PASSWORD }, { origin: "", "sec-fetch-site": "cross-site" }),
    ];
    for (const r of tries) {
      expect(r.status).toBe(403);
      expect(b.jar.has(SESSION_COOKIE)).toBe(false);
    }
    expect(await tries[0]!.text()).toContain("security token is missing or out of date");
    expect(await tries[2]!.text()).toContain("comes from https://evil.example");
    // The same form with its token, from the portal's origin (or a Referer of it), works.
    expect((await b.post("/login", { username: "alice", password: PASSWORD }, { origin: "", referer: `${PORTAL_ORIGIN}/login` })).status).toBe(303);
    // Signed in, the token is bound to the session: the pre-session's no longer works for htmx calls either.
    expect((await b.post("/logout", { _csrf: good }, {})).status).toBe(403);
    await b.text(await b.get("/"));
    expect((await b.post("/logout", {}, { "x-csrf-token": b.csrf })).status).toBe(303);
  });

  test("single sign-on refusals are shown on the sign-in page, not carried in its URL", async () => {
    const b = portalBrowser();
    const start = await b.get("/login/sso/start?next=%2Faccount%2Fsecurity");
    expect(start.status).toBe(400);
    expect(await start.text()).toContain("Single sign-on: this hub has no single sign-on (OIDC) configured");
    const back = await b.get("/login/sso?ticket=stolen&state=guess");
    expect(back.status).toBe(401);
    expect(await back.text()).toContain("this browser did not start this sign-in");
    expect(await (await b.get("/login?error_description=call%20555")).text()).not.toContain("call 555");
  });

  test("a form body over 64 KiB is refused before it is read", async () => {
    const b = portalBrowser();
    await b.text(await b.get("/login"));
    const r = await b.post("/login", { username: "alice", password: "x".repeat(70 * 1024) });
    expect(r.status).toBe(413);
    expectHeaders(r);
  });

  test("without a session a page sends the browser to sign in, with next= back to it; a stale cookie is forgotten", async () => {
    const b = portalBrowser();
    const r = await b.get("/account/security?tab=1");
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/login?next=%2Faccount%2Fsecurity%3Ftab%3D1");
    b.jar.set(SESSION_COOKIE, "dcas_notavalidsessiontokenatall");
    const stale = await b.get("/");
    expect(stale.headers.get("location")).toBe("/login");
    expect(b.jar.has(SESSION_COOKIE)).toBe(false);
  });

  test("the lockout and other refusals read as the RPC words them", async () => {
    const b = portalBrowser();
    await person(b.h, "alice", "owner");
    await b.text(await b.get("/login"));
    for (let i = 0; i < 5; i++) await b.text(await b.post("/login", { username: "alice", password: "not the password at all" }));
    const r = await b.post("/login", { username: "alice", password: PASSWORD });
    expect(r.status).toBe(409);
    expect(await b.text(r)).toContain("the account is locked after too many failed attempts");
  });

  test("a refused RPC is a 403 page with its message; an enrolment-only session only reaches its security page", async () => {
    const b = portalBrowser();
    const bob = await person(b.h, "bob");
    const siteA = b.h.store.createSite("A");
    b.h.store.grantRole({ userId: bob.id, role: "viewer", siteId: siteA.id });
    const siteB = b.h.store.createSite("B");
    b.h.store.updateSiteConfig(siteB.id, (c) => void (c.targets = ["127.0.9.0/24"]));
    const task = b.h.store.createTask(siteB.id, create(TaskSchema, { kind: { case: "ping", value: { address: "127.0.9.7" } } }));
    await signIn(b, "bob");
    const r = await b.get(`/tasks/${task.id}/events`);
    expect(r.status).toBe(403);
    expect(await r.text()).toContain("permission denied: bob may not see the tasks of site");

    const c = portalBrowser();
    await person(c.h, "carol", "owner");
    c.h.store.setSecuritySettings({ require2fa: true });
    const signedIn = await signIn(c, "carol");
    expect(signedIn.headers.get("location")).toBe("/account/security?enrol=1");
    expect((await c.get("/")).headers.get("location")).toBe("/account/security");
    const page = await c.text(await c.get("/account/security?enrol=1"));
    expect(page).toContain("Set up two-factor sign-in");
  });

  test("/tasks/ID/events streams the task as server-sent events until it has finished", async () => {
    const b = portalBrowser();
    await person(b.h, "olga", "owner");
    const site = b.h.store.createSite("A");
    b.h.store.updateSiteConfig(site.id, (c) => void (c.targets = ["127.0.8.0/24"]));
    const task = b.h.store.createTask(site.id, create(TaskSchema, { kind: { case: "ping", value: { address: "127.0.8.7" } } }));
    await signIn(b, "olga");
    const r = await b.get(`/tasks/${task.id}/events`);
    expect(r.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expectHeaders(r);
    const reader = r.body!.getReader();
    let text = "";
    const until = async (s: string) => {
      while (!text.includes(s)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return text;
    };
    expect(await until("event: task")).toContain('data-state="pending"');
    // Canceled through the same service: its task event wakes the watch at once.
    await b.adminFor(b.jar.get(SESSION_COOKIE), "127.0.0.1", PORTAL_ORIGIN).cancelTask({ id: task.id });
    expect(await until("event: end")).toContain('data-state="canceled"');
    expect((await reader.read()).done).toBe(true);
  });

  test("a failure nobody planned for is a 500 page that shows nothing of it", async () => {
    const b = portalBrowser({
      wrap: (f) => (bearer, address, origin) => {
        const api = f(bearer, address, origin);
        return { ...api, getSignInOptions: () => Promise.reject(new Error("database exploded at /secret/path.ts:12")) };
      },
    });
    const r = await b.get("/login");
    expect(r.status).toBe(500);
    const text = await r.text();
    expect(text).toContain("Something went wrong");
    expect(text).not.toContain("exploded");
    expect(text).not.toContain("/secret/path.ts");
    expectHeaders(r);
    // Also when it happens before the page's context exists (WhoAmI itself failing).
    const c = portalBrowser({
      wrap: (f) => (bearer, address, origin) => ({ ...f(bearer, address, origin), whoAmI: () => Promise.reject(new Error("store gone at /secret/x.ts")) }),
    });
    c.jar.set(SESSION_COOKIE, "dcas_abcdefghijklmnopqrstuvwxyz");
    const early = await c.get("/");
    expect(early.status).toBe(500);
    expect(await early.text()).not.toContain("/secret/x.ts");
    expectHeaders(early);
  });
});
