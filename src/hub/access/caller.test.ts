import { describe, expect, test } from "bun:test";
import { DcaError } from "../../common/errors.ts";
import type { StoredGrant } from "../store/index.ts";
import { type CallerInput, createCaller } from "./caller.ts";
import { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { parseRoleTable, roleTableMarkdown } from "./role-table.ts";

const grant = (role: string, where: { siteId?: string; groupId?: string } = {}): StoredGrant => ({ id: `rg_${role}`, userId: "usr_1", role, source: "manual", createdAt: new Date(0), ...where });
const groups: Record<string, string[]> = { grp_north: ["site_a", "site_c"] };
const caller = (grants: StoredGrant[], more: Partial<CallerInput> = {}) =>
  createCaller({
    userId: "usr_1",
    username: "pat",
    via: "session",
    credentialId: "ses_1",
    address: "127.0.0.1",
    grants,
    sitesOfGroups: (ids) => new Set(ids.flatMap((id) => groups[id] ?? [])),
    ...more,
  });

describe("Caller", () => {
  test("a site grant gives its role's site permissions there only, never the hub-wide ones", () => {
    const c = caller([grant("admin", { siteId: "site_a" })]);
    expect(c.can("site.write", "site_a")).toBe(true);
    expect(c.can("site.write", "site_b")).toBe(false);
    expect(c.hasGlobal("user.write")).toBe(false);
    expect(c.hasGlobal("site.write")).toBe(false);
    expect(c.sitesWith("task.write")).toEqual(new Set(["site_a"]));
    expect(c.isOwner).toBe(false);
  });

  test("a group grant covers every site of the group", () => {
    const c = caller([grant("technician", { groupId: "grp_north" })]);
    expect(c.can("task.write", "site_a") && c.can("task.write", "site_c")).toBe(true);
    expect(c.can("task.write", "site_b")).toBe(false);
    expect(c.can("site.write", "site_a")).toBe(false);
  });

  test("a global grant reaches every site and the hub-wide permissions of the role", () => {
    const viewer = caller([grant("viewer")]);
    expect(viewer.sitesWith("device.read")).toBe("all");
    expect(viewer.can("task.write", "site_z")).toBe(false);
    expect(viewer.hasGlobal("user.read")).toBe(false);
    const admin = caller([grant("admin")]);
    expect(admin.hasGlobal("user.write")).toBe(true);
    expect(admin.hasGlobal("owner.manage")).toBe(false);
    expect(admin.hasGlobal("hub.ca")).toBe(false);
    expect(caller([grant("owner")]).isOwner).toBe(true);
  });

  test("a token does no more than its scope and its user: meters of an owner reads, changes nothing", () => {
    const c = caller([grant("owner")], { via: "token", scope: "meters" });
    expect(c.sitesWith("meter.read")).toBe("all");
    expect(c.can("task.write", "site_a")).toBe(false);
    expect(c.hasGlobal("user.read")).toBe(false);
    expect(c.isOwner).toBe(false);
    // The scope never adds: a viewer's "tasks" token still cannot create tasks.
    expect(caller([grant("viewer")], { via: "token", scope: "tasks" }).can("task.write", "site_a")).toBe(false);
  });

  test("the refusal names who, what and where, and what to do", () => {
    const c = caller([grant("viewer", { siteId: "site_a" })]);
    let e: unknown;
    try {
      c.requireSite("task.write", "site_b", "Beta");
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(DcaError);
    expect((e as DcaError).code).toBe("permission-denied");
    expect((e as DcaError).message).toBe('permission denied: pat may not create or cancel tasks on site "Beta" (task.write); an owner or admin can grant a role that allows it');
  });

  test("an unknown role gives nothing", () => {
    const c = caller([grant("superuser")]);
    expect(c.sitesWith("site.read")).toEqual(new Set());
  });
});

describe("the role table", () => {
  test("reads back what it writes, for every method and role", () => {
    const table = parseRoleTable(roleTableMarkdown(AdminService.methods));
    expect(table.size).toBe(AdminService.methods.length);
    expect(table.get("CreateTask")?.get("technician")).toBe("sites");
    expect(table.get("CreateTask")?.get("viewer")).toBe("no");
    expect(table.get("CreateUser")?.get("admin")).toBe("hub");
    expect(table.get("IssueBrokerCert")?.get("admin")).toBe("no");
    expect(table.get("SignIn")?.get("billing")).toBe("anyone");
  });
});
