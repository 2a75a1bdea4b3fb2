/**
 * Sites, agents and devices for the portal's site and task page tests, on
 * the portal fixture's store: a site with targets, an activated agent and
 * one known device; a person signed in to the portal with a role (on one
 * site, or everywhere); and an agent's side of a task (taken, then its
 * result reported), as the agent API would store it.
 */
import { create } from "@bufbuild/protobuf";
import { type ReportTaskResultRequest, ReportTaskResultRequestSchema, type TaskResult, TaskStatus } from "../../src/gen/dca/v1/agent_service_pb.ts";
import type { AdminHarness } from "./admin-harness.ts";
import { makeReading, outbox } from "./hub-store-fixtures.ts";
import type { PortalBrowser } from "./portal-fixture.ts";
import { PASSWORD, person } from "./sign-in-fixture.ts";

/** A site made by `siteWithAgent`. */
export interface PortalSite {
  id: string;
  name: string;
  agentId: string;
  deviceId: string;
  deviceAddress: string;
}

/** Site `name` over `${net}.0/24` with an agent and a device at `${net}.7`. */
export function siteWithAgent(h: AdminHarness, name: string, net: string): PortalSite {
  const s = h.store.createSite(name);
  h.store.updateSiteConfig(s.id, (c) => void (c.targets = [`${net}.0/24`]));
  const r = h.store.activate({ code: h.store.createActivationCode(s.id).code, installId: name.repeat(32).slice(0, 32), hostname: `pc-${name.toLowerCase()}`, agentVersion: "0.1.0", platform: "linux-x64" });
  if (!r.ok) throw new Error(r.reason);
  const deviceAddress = `${net}.7`;
  h.store.storeReadings(r.agent, [outbox(`r-${name}`, makeReading({ address: deviceAddress, serial: `SN-${name}`, model: `Model ${name}`, readAt: h.clock.ms - 60_000, total: 1000n }))]);
  const device = h.store.listDevices({ siteId: s.id })[0]!;
  return { id: s.id, name, agentId: r.agent.id, deviceId: device.id, deviceAddress };
}

/** Makes `username` with `role` (on `site` when given) and signs them in to the portal; the landing page's answer. */
export async function signInAs(b: PortalBrowser, username: string, role: string, site?: PortalSite): Promise<Response> {
  const user = await person(b.h, username);
  b.h.store.grantRole({ userId: user.id, role, siteId: site?.id });
  await b.text(await b.get("/login"));
  return b.post("/login", { username, password: PASSWORD, next: "/" });
}

/** The agent of `site` takes its pending tasks and reports `result` for `taskId`. */
export function agentReports(h: AdminHarness, site: PortalSite, taskId: string, result: TaskResult, message = "done", status = TaskStatus.DONE): void {
  const agent = h.store.getAgent(site.agentId)!;
  h.store.takePendingTasks(agent);
  const r: ReportTaskResultRequest = create(ReportTaskResultRequestSchema, { taskId, status, message, result });
  h.store.reportTaskResult(agent, r);
}
