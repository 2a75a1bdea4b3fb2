/**
 * The sites pages through the portal app in-process (real store, door
 * rules, audit log): a site made from the portal, its targets, credentials,
 * schedule and SNMP settings changed through CSRF-checked forms, a
 * credential's secrets never in any page the browser gets (nor in the audit
 * log), an activation code shown once (and it activates an agent), agents
 * with their outbox and state, and refusals shown with the RPC's words.
 */
import { describe, expect, test } from "bun:test";
import { portalBrowser } from "../../../../test/support/portal-fixture.ts";
import { signInAs, siteWithAgent } from "../../../../test/support/portal-sites-fixture.ts";

const COMMUNITY = "very-secret-community-7781";
const AUTH_PASS = "auth-pass-never-shown-4410";
const PRIV_PASS = "priv-pass-never-shown-9022";

describe("the sites pages", () => {
  test("an owner makes a site, sets its targets, credentials, schedule and SNMP; secrets never come back", async () => {
    const b = portalBrowser();
    await signInAs(b, "olive", "owner");
    const pages: string[] = [];
    const read = async (r: Response) => {
      const t = await b.text(r);
      pages.push(t);
      return t;
    };
    expect(await read(await b.get("/sites"))).toContain("No sites yet.");
    const made = await b.post("/sites", { name: "Acme Dental" });
    expect(made.status).toBe(303);
    const path = new URL(made.headers.get("location")!, "https://x").pathname;
    const site = await read(await b.get(`${path}?created=1`));
    expect(site).toContain("<h1>Acme Dental</h1>");
    expect(site).toContain("Site created.");

    // A form without the token is refused before anything changes.
    expect((await b.post(`${path}/targets`, { targets: "10.0.0.0/24", _csrf: "" })).status).toBe(403);
    const targets = await read(await b.post(`${path}/targets`, { targets: "127.44.0.0/28\n127.44.0.100", exclude: "127.44.0.3" }));
    expect(targets).toContain("config version 2");
    expect(targets).toMatch(/<textarea id="targets"[^>]*>127\.44\.0\.0\/28\n127\.44\.0\.100<\/textarea>/);

    const v2 = await read(await b.post(`${path}/credentials`, { name: "office", version: "v2c", community: COMMUNITY }));
    expect(v2).toContain("office (v2c, community &lt;secret&gt;)");
    const v3 = await read(await b.post(`${path}/credentials`, { name: "ops", version: "v3", user: "opsuser", auth_protocol: "sha256", auth_password: AUTH_PASS, priv_protocol: "aes128", priv_password: PRIV_PASS }));
    expect(v3).toContain("ops (v3 user opsuser, authPriv sha256/aes128)");
    // Refusals (a name taken; a password too short) in the hub's words, without the secret typed.
    const taken = await b.post(`${path}/credentials`, { name: "office", version: "v2c", community: `${COMMUNITY}-2` });
    expect(taken.status).toBe(409);
    expect(await read(taken)).toContain('credential &quot;office&quot; already exists');
    const short = await b.post(`${path}/credentials`, { name: "short", version: "v3", user: "u", auth_protocol: "sha256", auth_password: "abc12" });
    expect(short.status).toBe(400);
    expect(await read(short)).toMatch(/notice error[^>]*>[^<]*auth/);
    expect(await read(await b.post(`${path}/credentials/remove`, { name: "office" }))).toContain("credential &quot;office&quot; removed");

    const sched = await read(await b.post(`${path}/schedule`, { discovery: "8h", read: "30m", poll: "" }));
    expect(sched).toMatch(/id="sched-discovery" name="discovery" type="text" value="8h"/);
    expect(sched).toMatch(/id="sched-read" name="read" type="text" value="30m"/);
    const badSched = await b.post(`${path}/schedule`, { poll: "soon" });
    expect(badSched.status).toBe(400);
    expect(await read(badSched)).toContain("Agents poll every must be a duration");
    const snmp = await read(await b.post(`${path}/snmp`, { port: "1161", timeout: "1500ms", retries: "2" }));
    expect(snmp).toMatch(/id="snmp-port" name="port" type="text" value="1161"/);
    expect(snmp).toMatch(/id="snmp-timeout" name="timeout" type="text" value="1500ms"/);

    // The list shows the site; no page, no Set-Cookie and no audit entry holds a secret.
    expect(await read(await b.get("/sites"))).toContain(">Acme Dental</a>");
    const all = pages.join("\n") + JSON.stringify(b.h.store.listAudit({ limit: 1000 }));
    for (const secret of [COMMUNITY, AUTH_PASS, PRIV_PASS, "abc12"]) expect(all).not.toContain(secret);
  });

  test("an activation code is shown once, with the command that uses it, and activates an agent", async () => {
    const b = portalBrowser();
    const s = siteWithAgent(b.h, "Acme", "127.45.0");
    await signInAs(b, "tom", "technician", s);
    const page = await b.text(await b.get(`/sites/${s.id}`));
    expect(page).toContain("pc-acme");
    expect(page).toMatch(/1 reading\(s\)|0 reading\(s\)/);
    const made = await b.text(await b.post(`/sites/${s.id}/codes`, { ttl: "3600" }));
    const code = /<code class="activation-code">([A-Z0-9-]+)<\/code>/.exec(made)![1]!;
    expect(made).toContain(`dca activate --hub https://hub.test:8443 --code ${code}`);
    // Not shown again, and it works once.
    expect(await b.text(await b.get(`/sites/${s.id}`))).not.toContain(code);
    const r = b.h.store.activate({ code, installId: "x".repeat(32), hostname: "pc-two", agentVersion: "0.1.1", platform: "linux-x64" });
    expect(r.ok).toBe(true);
    const after = await b.text(await b.get(`/sites/${s.id}`));
    expect(after).toContain("pc-two");
    expect(after).toContain("never");
  });

  test("a viewer of one site sees it and changes nothing; another site's page is refused", async () => {
    const b = portalBrowser();
    const a = siteWithAgent(b.h, "A", "127.46.0");
    const other = siteWithAgent(b.h, "B", "127.46.1");
    await signInAs(b, "vera", "viewer", a);
    const list = await b.text(await b.get("/sites"));
    expect(list).toContain(">A</a>");
    expect(list).not.toContain(">B</a>");
    const page = await b.text(await b.get(`/sites/${a.id}`));
    expect(page).toContain("pc-a");
    // The web-access part she may not use says so in the RPC's words; the page still opens.
    expect(page).toMatch(/Open sessions are not shown: permission denied: vera may not use Device Web Access/);
    const refused = await b.post(`/sites/${a.id}/targets`, { targets: "127.46.0.0/25" });
    expect(refused.status).toBe(403);
    expect(await b.text(refused)).toMatch(/permission denied: vera may not change the config of site &quot;A&quot;|permission denied: vera may not/);
    expect(b.h.store.getSiteConfig(a.id).targets).toEqual(["127.46.0.0/24"]);
    const code = await b.post(`/sites/${a.id}/codes`, { ttl: "3600" });
    expect(code.status).toBe(403);
    const theirs = await b.get(`/sites/${other.id}`);
    expect(theirs.status).toBe(403);
    expect(await b.text(theirs)).not.toContain("pc-b");
    expect((await b.post("/sites", { name: "Mine" })).status).toBe(403);
  });

  test("an agent's page shows its facts, and an admin disables it", async () => {
    const b = portalBrowser();
    const s = siteWithAgent(b.h, "Acme", "127.47.0");
    await signInAs(b, "ada", "admin");
    const page = await b.text(await b.get(`/agents/${s.agentId}`));
    expect(page).toContain("pc-acme");
    expect(page).toContain("0.1.0 (linux-x64)");
    expect(page).toContain("<dt>Wake line</dt><dd>unknown</dd>");
    const off = await b.text(await b.post(`/agents/${s.agentId}/disabled`, { disabled: "1" }));
    expect(off).toContain("Agent disabled");
    expect(b.h.store.getAgent(s.agentId)?.disabled).toBe(true);
    expect(await b.text(await b.get(`/sites/${s.id}`))).toContain("<td>disabled</td>");
  });
});
