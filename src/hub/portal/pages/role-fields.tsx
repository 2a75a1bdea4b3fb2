/** @jsxImportSource hono/jsx */
/**
 * The "Role" and "Where" selects of a grant: a user's grant (sites and
 * groups by id) and single sign-on's group mapping (by name) use the same
 * fields, with the roles the hub has (src/hub/access), not a list of our own.
 */
import type { SiteGroup } from "../../../gen/dca/v1/admin_people_pb.ts";
import type { SiteSummary } from "../../../gen/dca/v1/admin_sites_pb.ts";
import { ROLES } from "../../access/index.ts";

/** Role and place fields; `by` says whether sites and groups are named by id or by name in the values. */
export function RoleFields(p: { idPrefix: string; sites: SiteSummary[]; groups: SiteGroup[]; by: "id" | "name" }) {
  const siteKey = (s: SiteSummary) => (p.by === "id" ? s.site?.id : s.site?.name);
  const groupKey = (g: SiteGroup) => (p.by === "id" ? g.id : g.name);
  return (
    <>
      <div>
        <label for={`${p.idPrefix}-role`}>Role</label>
        <select id={`${p.idPrefix}-role`} name="role">
          {ROLES.map((r) => (
            <option value={r}>{r}</option>
          ))}
        </select>
      </div>
      <div>
        <label for={`${p.idPrefix}-where`}>Where</label>
        <select id={`${p.idPrefix}-where`} name="where">
          <option value="">everywhere</option>
          {p.sites.map((s) => (
            <option value={`site:${siteKey(s)}`}>{`site ${s.site?.name}`}</option>
          ))}
          {p.groups.map((g) => (
            <option value={`group:${groupKey(g)}`}>{`group ${g.name}`}</option>
          ))}
        </select>
      </div>
    </>
  );
}
