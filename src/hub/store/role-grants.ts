/**
 * Who may do what where: role grants (global, per site or per site group)
 * and the site groups themselves. What a role allows is src/hub/access's;
 * this part only keeps the grants.
 */
import { newId } from "./ids.ts";
import { type StoreContext } from "./store-context.ts";
import { StoreError } from "./store-error.ts";

/** One grant as stored, with the names of its site or group. */
export interface StoredGrant {
  id: string;
  userId: string;
  role: string;
  siteId?: string;
  siteName?: string;
  groupId?: string;
  groupName?: string;
  /** "manual", or "sso" (replaced at each single sign-on from the identity provider's groups). */
  source: string;
  createdAt: Date;
}

/** A group of sites (a customer with several offices), granted as one. */
export interface StoredSiteGroup {
  id: string;
  name: string;
  sites: { id: string; name: string }[];
}

interface GrantRow {
  id: string;
  user_id: string;
  role: string;
  site_id: string | null;
  site_name: string | null;
  group_id: string | null;
  group_name: string | null;
  source: string;
  created_at: number;
}

const GRANT_SELECT = `SELECT g.id, g.user_id, g.role, g.site_id, s.name AS site_name, g.group_id, sg.name AS group_name, g.source, g.created_at
  FROM role_grants g LEFT JOIN sites s ON s.id = g.site_id LEFT JOIN site_groups sg ON sg.id = g.group_id`;

const toGrant = (r: GrantRow): StoredGrant => ({
  id: r.id,
  userId: r.user_id,
  role: r.role,
  ...(r.site_id ? { siteId: r.site_id, siteName: r.site_name ?? "" } : {}),
  ...(r.group_id ? { groupId: r.group_id, groupName: r.group_name ?? "" } : {}),
  source: r.source,
  createdAt: new Date(r.created_at),
});

/** Longest site group name. */
export const MAX_GROUP_NAME = 100;

/** The grant and site group methods of the store. */
export function createRoleGrants(ctx: StoreContext) {
  const { db } = ctx;

  function getSiteGroup(idOrName: string): StoredSiteGroup | undefined {
    return ctx.read(() => {
      const g = db.query<{ id: string; name: string }, [string, string]>("SELECT id, name FROM site_groups WHERE id = ? OR name = ? LIMIT 1").get(idOrName, idOrName.trim());
      if (!g) return undefined;
      const sites = db
        .query<{ id: string; name: string }, [string]>("SELECT s.id, s.name FROM site_group_members m JOIN sites s ON s.id = m.site_id WHERE m.group_id = ? ORDER BY s.name")
        .all(g.id);
      return { ...g, sites };
    });
  }

  function getGrant(id: string): StoredGrant | undefined {
    return ctx.read(() => {
      const r = db.query<GrantRow, [string]>(`${GRANT_SELECT} WHERE g.id = ?`).get(id);
      return r ? toGrant(r) : undefined;
    });
  }

  return {
    /** A user's grants, global ones first. */
    listGrants(userId: string): StoredGrant[] {
      return ctx.read(() => db.query<GrantRow, [string]>(`${GRANT_SELECT} WHERE g.user_id = ? ORDER BY g.site_id IS NOT NULL, g.group_id IS NOT NULL, g.created_at`).all(userId).map(toGrant));
    },

    /** Every grant of every user (the role matrix of docs, the users listing). */
    listAllGrants(): StoredGrant[] {
      return ctx.read(() => db.query<GrantRow, []>(`${GRANT_SELECT} ORDER BY g.user_id, g.created_at`).all().map(toGrant));
    },

    getGrant,

    /** Grants `role` to the user (on a site or a group, or globally); the same grant twice is one. */
    grantRole(g: { userId: string; role: string; siteId?: string; groupId?: string; source?: string }): StoredGrant {
      if (g.siteId && g.groupId) throw new StoreError("invalid-argument", "a role is granted on a site or on a site group, not both");
      const id = ctx.write(() => {
        const same = db
          .query<{ id: string }, [string, string, string | null, string | null]>(
            "SELECT id FROM role_grants WHERE user_id = ? AND role = ? AND site_id IS ? AND group_id IS ?",
          )
          .get(g.userId, g.role, g.siteId ?? null, g.groupId ?? null);
        if (same) return same.id;
        const id = newId("rg");
        db.run("INSERT INTO role_grants (id, user_id, role, site_id, group_id, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [
          id,
          g.userId,
          g.role,
          g.siteId ?? null,
          g.groupId ?? null,
          g.source ?? "manual",
          ctx.now().getTime(),
        ]);
        return id;
      });
      return getGrant(id)!;
    },

    /** Takes a grant back; false if there was none. */
    revokeGrant(id: string): boolean {
      return ctx.write(() => db.run("DELETE FROM role_grants WHERE id = ?", [id]).changes > 0);
    },

    /** Replaces the user's grants of one source (SSO sign-in keeps them in step with the provider's groups). */
    replaceGrants(userId: string, source: string, grants: { role: string; siteId?: string; groupId?: string }[]): void {
      ctx.write(() => {
        db.run("DELETE FROM role_grants WHERE user_id = ? AND source = ?", [userId, source]);
        for (const g of grants) {
          db.run("INSERT INTO role_grants (id, user_id, role, site_id, group_id, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [
            newId("rg"),
            userId,
            g.role,
            g.siteId ?? null,
            g.groupId ?? null,
            source,
            ctx.now().getTime(),
          ]);
        }
      });
    },

    /** Ids of the users holding `role` globally (there must always be one owner). */
    globalHolders(role: string): string[] {
      return ctx.read(() =>
        db.query<{ user_id: string }, [string]>("SELECT DISTINCT user_id FROM role_grants WHERE role = ? AND site_id IS NULL AND group_id IS NULL").all(role).map((r) => r.user_id),
      );
    },

    createSiteGroup(name: string): StoredSiteGroup {
      const clean = name.trim();
      if (clean.length < 1 || clean.length > MAX_GROUP_NAME || /[\u0000-\u001f\u007f]/.test(clean)) {
        throw new StoreError("invalid-argument", `a site group name must have 1 to ${MAX_GROUP_NAME} characters and no control characters`);
      }
      if (clean.startsWith("grp_")) throw new StoreError("invalid-argument", `a site group name must not start with "grp_"`);
      const id = newId("grp");
      ctx.write(() => {
        if (db.query("SELECT 1 FROM site_groups WHERE name = ?").get(clean)) throw new StoreError("already-exists", `a site group named "${clean}" already exists`);
        db.run("INSERT INTO site_groups (id, name, created_at) VALUES (?, ?, ?)", [id, clean, ctx.now().getTime()]);
      });
      return { id, name: clean, sites: [] };
    },

    getSiteGroup,

    listSiteGroups(): StoredSiteGroup[] {
      const ids = ctx.read(() => db.query<{ id: string }, []>("SELECT id FROM site_groups ORDER BY name").all());
      return ids.map((r) => getSiteGroup(r.id)!);
    },

    /** Puts a site into a group or takes it out. */
    setSiteGroupMember(groupId: string, siteId: string, member: boolean): void {
      ctx.write(() => {
        if (member) db.run("INSERT OR IGNORE INTO site_group_members (group_id, site_id) VALUES (?, ?)", [groupId, siteId]);
        else db.run("DELETE FROM site_group_members WHERE group_id = ? AND site_id = ?", [groupId, siteId]);
      });
    },

    /** The sites of each group the given ids name, as one set. */
    sitesOfGroups(groupIds: string[]): Set<string> {
      if (groupIds.length === 0) return new Set();
      return ctx.read(() => {
        const marks = groupIds.map(() => "?").join(",");
        return new Set(db.query<{ site_id: string }, string[]>(`SELECT site_id FROM site_group_members WHERE group_id IN (${marks})`).all(...groupIds).map((r) => r.site_id));
      });
    },
  };
}

/** Role grants and site groups, for the access rules and the people commands. */
export type RoleGrantStore = ReturnType<typeof createRoleGrants>;
