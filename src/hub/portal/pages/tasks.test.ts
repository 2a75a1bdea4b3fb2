/**
 * Tasks through the portal app in-process: each kind created from the site
 * page's forms becomes the request `dca-hub task create` would send (checked
 * on the stored task); a mistake or an address outside the site's targets is
 * refused in the forms' or the RPC's words; the task page shows its result
 * readably and follows it live (its /events stream renders the same part);
 * cancel; the tasks list by site and state; a viewer may look, not create.
 */
import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { TaskResultSchema, ZebraAction, ZebraTransport } from "../../../gen/dca/v1/agent_service_pb.ts";
import { portalBrowser } from "../../../../test/support/portal-fixture.ts";
import { agentReports, signInAs, siteWithAgent } from "../../../../test/support/portal-sites-fixture.ts";

async function setUp(role = "technician") {
  const b = portalBrowser();
  const s = siteWithAgent(b.h, "Acme", "127.48.0");
  await signInAs(b, "tina", role, s);
  await b.text(await b.get(`/sites/${s.id}`));
  return { b, s };
}

/** Posts a task form; the new task's id (from the redirect to its page). */
async function made(b: Awaited<ReturnType<typeof setUp>>["b"], form: Record<string, string>): Promise<string> {
  const r = await b.post("/tasks", form);
  expect(r.status).toBe(303);
  return /^\/tasks\/([^/]+)$/.exec(r.headers.get("location")!)![1]!;
}

describe("tasks in the portal", () => {
  test("every kind from the site page's forms becomes the right request", async () => {
    const { b, s } = await setUp();
    const page = await b.text(await b.get(`/sites/${s.id}`));
    for (const kind of ["ping", "traceroute", "read", "snmp-test", "web", "zebra", "scan"]) expect(page).toContain(`data-kind="${kind}"`);
    const site = s.id;
    const task = (id: string) => b.h.store.getTask(id)!.task.kind;
    expect(task(await made(b, { site, kind: "ping", address: "127.48.0.9", count: "3", interval_ms: "50", timeout_ms: "" }))).toEqual({ case: "ping", value: expect.objectContaining({ address: "127.48.0.9", count: 3, intervalMs: 50, timeoutMs: 0 }) });
    expect(task(await made(b, { site, kind: "traceroute", address: "127.48.0.9", max_hops: "4" }))).toEqual({ case: "traceroute", value: expect.objectContaining({ address: "127.48.0.9", maxHops: 4 }) });
    expect(task(await made(b, { site, kind: "read", address: s.deviceAddress }))).toEqual({ case: "readDevice", value: expect.objectContaining({ address: s.deviceAddress }) });
    expect(task(await made(b, { site, kind: "snmp-test", address: s.deviceAddress }))).toEqual({ case: "snmpTest", value: expect.objectContaining({ address: s.deviceAddress }) });
    expect(task(await made(b, { site, kind: "web", address: s.deviceAddress, ports: "80,8080", tls_ports: "8443", ledm: "1" }))).toEqual({
      case: "webProbe",
      value: expect.objectContaining({ address: s.deviceAddress, ports: [80, 8080, 8443], tlsPorts: [8443], ledm: true }),
    });
    expect(task(await made(b, { site, kind: "zebra", address: "127.48.0.2", action: "setvar", name: "device.friendly_name", value: "front desk" }))).toEqual({
      case: "zebra",
      value: expect.objectContaining({ address: "127.48.0.2", action: ZebraAction.SETVAR, name: "device.friendly_name", value: "front desk", transport: ZebraTransport.RAW }),
    });
    const zpl = await made(b, { site, kind: "zebra", address: "127.48.0.2", action: "send", text: "^XA^FDhello^FS^XZ", lpr: "1", queue: "labels" });
    expect(task(zpl)).toEqual({ case: "zebra", value: expect.objectContaining({ action: ZebraAction.SEND, transport: ZebraTransport.LPR, queue: "labels", data: new TextEncoder().encode("^XA^FDhello^FS^XZ") }) });
    expect(task(await made(b, { site, kind: "scan", targets: "127.48.0.1-127.48.0.5, 127.48.0.9" }))).toEqual({ case: "scan", value: expect.objectContaining({ targets: ["127.48.0.1-127.48.0.5", "127.48.0.9"] }) });
    // The list shows them all, and by state.
    const list = await b.text(await b.get(`/tasks?site=${s.id}`));
    expect(list.match(/<a href="\/tasks\/[^"]+">/g)).toHaveLength(8);
    expect(await b.text(await b.get("/tasks?state=done"))).toContain("<p>No tasks.</p>");
    expect((await b.text(await b.get("/tasks?state=pending"))).match(/<a href="\/tasks\/[^"]+">/g)).toHaveLength(8);
  });

  test("mistakes are refused in the forms' words, an address outside the targets in the RPC's", async () => {
    const { b, s } = await setUp();
    const many = await b.post("/tasks", { site: s.id, kind: "ping", address: "127.48.0.9", count: "1000" });
    expect(many.status).toBe(400);
    expect(await b.text(many)).toContain("Count must be from 1 to 100");
    const outside = await b.post("/tasks", { site: s.id, kind: "ping", address: "192.0.2.1" });
    expect(outside.status).toBeGreaterThanOrEqual(400);
    expect(await b.text(outside)).toMatch(/notice error[^>]*>[^<]*192\.0\.2\.1/);
    const zebra = await b.post("/tasks", { site: s.id, kind: "zebra", address: "127.48.0.2", action: "send" });
    expect(await b.text(zebra)).toContain("zebra send takes one of Text");
    expect(b.h.store.listTasks({ siteId: s.id })).toHaveLength(0);
  });

  test("the task page follows the task: pending, then its result readably, through the live stream too", async () => {
    const { b, s } = await setUp();
    const id = await made(b, { site: s.id, kind: "ping", address: "127.48.0.9", count: "3" });
    const pending = await b.text(await b.get(`/tasks/${id}`));
    expect(pending).toContain(`data-sse="/tasks/${id}/events"`);
    expect(pending).toContain('class="state state-pending"');
    expect(pending).toContain(`<a href="/devices?site=${s.id}&amp;q=127.48.0.9">The site&#39;s devices at 127.48.0.9</a>`);
    const result = create(TaskResultSchema, {
      kind: { case: "ping", value: { address: "127.48.0.9", socket: "raw", sent: 3, received: 3, lossPercent: 0, rtt: { minMs: 0.03, avgMs: 0.05, maxMs: 0.08 }, repliesMs: [0.03, 0.05, 0.08] } },
    });
    agentReports(b.h, s, id, result, "3/3 replies, 0% loss");
    const events = await b.get(`/tasks/${id}/events`);
    expect(events.headers.get("content-type")).toContain("text/event-stream");
    const stream = await events.text();
    expect(stream).toContain("event: task");
    expect(stream).toContain("3 of 3, 0% loss");
    expect(stream).toContain("min 0.03 ms, average 0.05 ms, max 0.08 ms");
    expect(stream).toContain("event: end");
    const done = await b.text(await b.get(`/tasks/${id}`));
    expect(done).toContain('class="state state-done"');
    expect(done).toContain("0.03 ms, 0.05 ms, 0.08 ms");
    expect(done).not.toContain("data-sse");
    expect(done).not.toContain("Cancel this task");
  });

  test("results of traceroute, SNMP test, Zebra and web probe read as tables and facts, escaped", async () => {
    const { b, s } = await setUp();
    const show = async (kind: string, form: Record<string, string>, result: Parameters<typeof create<typeof TaskResultSchema>>[1]) => {
      const id = await made(b, { site: s.id, kind, ...form });
      agentReports(b.h, s, id, create(TaskResultSchema, result));
      return b.text(await b.get(`/tasks/${id}`));
    };
    const trace = await show("traceroute", { address: "127.48.0.9" }, { kind: { case: "traceroute", value: { address: "127.48.0.9", socket: "raw", reached: true, hops: [{ ttl: 1, address: "127.48.0.9", rttMs: [0.1, 0.2] }, { ttl: 2, address: "" }] } } });
    expect(trace).toContain("<strong>reached</strong>");
    expect(trace).toContain("* (no answer)");
    const snmp = await show("snmp-test", { address: s.deviceAddress }, { kind: { case: "snmpTest", value: { address: s.deviceAddress, credentials: [{ name: "main", version: 2, ok: true, sysDescr: "<b>Example</b> printer", rttMs: 1.5 }, { name: "wrong", version: 2, ok: false, error: "no answer (timeout)" }] } } });
    expect(snmp).toContain("&lt;b&gt;Example&lt;/b&gt; printer");
    expect(snmp).toContain("no answer (timeout)");
    const zebra = await show("zebra", { address: "127.48.0.2", action: "read" }, { kind: { case: "zebra", value: { address: "127.48.0.2", transport: "raw", port: 9100, status: { paperOut: true, printMode: "tear-off" }, counters: [{ kind: 9, value: 8560n, unit: 5 }] } } });
    expect(zebra).toContain('<dd class="bad">paper out</dd>');
    expect(zebra).toContain("8560");
    const web = await show("web", { address: s.deviceAddress }, {
      kind: { case: "webProbe", value: { address: s.deviceAddress, ports: [{ port: 80, scheme: "http", statusCode: 200, title: "HP LaserJet", server: "HP HTTP Server" }, { port: 443, scheme: "https", error: "connection refused" }], ledm: { found: true, consumables: [{ color: "K", type: "toner", percentRemaining: 42, state: "ok" }] } } },
    });
    expect(web).toContain("HTTP 200");
    expect(web).toContain("no answer: connection refused");
    expect(web).toContain("42 %");
  });

  test("cancel while pending; a viewer sees tasks but may not create or cancel", async () => {
    const { b, s } = await setUp();
    const id = await made(b, { site: s.id, kind: "read", address: s.deviceAddress });
    await b.text(await b.get(`/tasks/${id}`));
    const canceled = await b.text(await b.post(`/tasks/${id}/cancel`, {}));
    expect(canceled).toContain("Task canceled.");
    expect(b.h.store.getTask(id)?.state).toBe("canceled");
    const again = await b.post(`/tasks/${id}/cancel`, {});
    expect(again.status).toBe(409);

    const v = portalBrowser();
    const vs = siteWithAgent(v.h, "Acme", "127.48.0");
    await signInAs(v, "vic", "viewer", vs);
    const t = v.h.store.createTask(vs.id, b.h.store.getTask(id)!.task);
    expect(await v.text(await v.get(`/tasks/${t.id}`))).toContain("Read now task");
    await v.text(await v.get(`/sites/${vs.id}`));
    const refused = await v.post("/tasks", { site: vs.id, kind: "ping", address: "127.48.0.9" });
    expect(refused.status).toBe(403);
    expect(await v.text(refused)).toContain("permission denied: vic may not create or cancel tasks");
    expect((await v.post(`/tasks/${t.id}/cancel`, {})).status).toBe(403);
  });
});
