/**
 * AdminService: role grants and site groups (the `role` and `group`
 * commands). A role is granted globally, on one site or on a group of
 * sites; what each role allows is src/hub/access's. Only an owner grants or
 * revokes the owner role, and the last enabled global owner keeps it.
 */
import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { ROLES, isRole } from "../access/index.ts";
import type { Site, StoredGrant, StoredSiteGroup } from "../store/index.ts";
import { StoreError } from "../store/index.ts";
import { callerOf, note } from "./admin-call.ts";
import { type PeopleStore, createOwnerRules, isGlobalOwnerGrant, userNamed } from "./owner-rules.ts";
import { grantToProto, siteGroupToProto } from "./people-to-proto.ts";

type RoleMethods = "grantRole" | "revokeRole" | "createSiteGroup" | "listSiteGroups" | "setSiteGroupMember";

/** Where a grant applies, in words ("globally", "on site \"Acme\"", "on site group \"North\""). */
export function grantScope(g: Pick<StoredGrant, "siteId" | "siteName" | "groupId" | "groupName">): string {
  if (g.siteId) return `on site "${g.siteName || g.siteId}"`;
  if (g.groupId) return `on site group "${g.groupName || g.groupId}"`;
  return "globally";
}

/** The grant and site group methods over the store. */
export function createRoleHandlers(store: PeopleStore): Pick<ServiceImpl<typeof AdminService>, RoleMethods> {
  const owners = createOwnerRules(store);
  const siteNamed = (idOrName: string): Site => {
    const s = store.getSite(idOrName);
    if (!s) throw new StoreError("not-found", `unknown site "${idOrName}"; see "dca-hub site list"`);
    return s;
  };
  const groupNamed = (idOrName: string): StoredSiteGroup => {
    if (!idOrName) throw new DcaError("invalid-argument", "which site group? give its name or id");
    const g = store.getSiteGroup(idOrName);
    if (!g) throw new StoreError("not-found", `unknown site group "${idOrName}"; see "dca-hub group list"`);
    return g;
  };

  return {
    grantRole(req, ctx) {
      callerOf(ctx);
      const u = userNamed(store, req.user);
      note(ctx, { target: `user ${u.username}` });
      if (!isRole(req.role)) throw new DcaError("invalid-argument", `unknown role "${req.role}"; the roles are ${ROLES.join(", ")}`);
      owners.requireOwnerForRole(ctx, req.role, "grant");
      if (req.site && req.siteGroup) throw new DcaError("invalid-argument", "a role is granted on a site or on a site group, not both");
      const site = req.site ? siteNamed(req.site) : undefined;
      const group = req.siteGroup ? groupNamed(req.siteGroup) : undefined;
      const g = store.grantRole({ userId: u.id, role: req.role, siteId: site?.id, groupId: group?.id });
      note(ctx, { ...(site && { siteId: site.id }), detail: { grantId: g.id, role: g.role, where: grantScope(g) } });
      return { grant: grantToProto(g, u.username) };
    },

    revokeRole(req, ctx) {
      callerOf(ctx);
      const g = req.grantId ? store.getGrant(req.grantId) : undefined;
      if (!g) throw new StoreError("not-found", `unknown grant "${req.grantId}"; see "dca-hub role list"`);
      const username = store.getUser(g.userId)?.username ?? g.userId;
      note(ctx, { target: `user ${username}`, ...(g.siteId && { siteId: g.siteId }), detail: { grantId: g.id, role: g.role, where: grantScope(g), source: g.source } });
      owners.requireOwnerForRole(ctx, g.role, "revoke");
      // No await from the check to the change: they happen in one turn.
      if (isGlobalOwnerGrant(g)) owners.keepAnOwner(g.userId, "take the owner role from");
      store.revokeGrant(g.id);
      return { grant: grantToProto(g, username) };
    },

    createSiteGroup(req, ctx) {
      callerOf(ctx);
      const g = store.createSiteGroup(req.name);
      note(ctx, { target: `site group ${g.name}`, detail: { groupId: g.id } });
      return { group: siteGroupToProto(g) };
    },

    listSiteGroups() {
      return { groups: store.listSiteGroups().map(siteGroupToProto) };
    },

    setSiteGroupMember(req, ctx) {
      callerOf(ctx);
      const g = groupNamed(req.siteGroup);
      if (!req.site) throw new DcaError("invalid-argument", "which site? give its name or id");
      const site = siteNamed(req.site);
      note(ctx, { target: `site group ${g.name}`, siteId: site.id, detail: { member: req.member } });
      store.setSiteGroupMember(g.id, site.id, req.member);
      return { group: siteGroupToProto(groupNamed(g.id)) };
    },
  };
}
