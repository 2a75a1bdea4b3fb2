/**
 * The rules that keep the hub's owners in charge: only an owner makes or
 * unmakes owners or acts on an owner's account (an admin could otherwise take
 * an owner's account over by resetting its password, or lock the owners out),
 * and the hub always keeps at least one enabled global owner, so nobody can
 * leave it without someone able to change its security settings.
 */
import type { HandlerContext } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import type { AccountStore, RoleGrantStore, SiteAdminStore, StoredGrant, User } from "../store/index.ts";
import { StoreError } from "../store/index.ts";
import { callerOf } from "./admin-call.ts";

/** What the people handlers read and change. */
export type PeopleStore = AccountStore & RoleGrantStore & Pick<SiteAdminStore, "getSite">;

/** The user named by id or username; not-found points at the list. */
export function userNamed(store: Pick<AccountStore, "getUser" | "getUserByUsername">, idOrName: string): User {
  if (!idOrName) throw new DcaError("invalid-argument", "which user? give a username or id");
  const u = idOrName.startsWith("usr_") ? store.getUser(idOrName) : store.getUserByUsername(idOrName);
  if (!u) throw new StoreError("not-found", `unknown user "${idOrName}"; see "dca-hub user list"`);
  return u;
}

/** Whether the user holds the owner role anywhere (globally, on a site or on a group). */
export const holdsOwner = (grants: readonly StoredGrant[]): boolean => grants.some((g) => g.role === "owner");

/** Whether a grant is the global owner role. */
export const isGlobalOwnerGrant = (g: Pick<StoredGrant, "role" | "siteId" | "groupId">): boolean => g.role === "owner" && !g.siteId && !g.groupId;

/** The owner rules over one store. */
export function createOwnerRules(store: PeopleStore) {
  /** Ids of the enabled users holding the owner role globally. */
  const enabledOwners = (): string[] =>
    store.globalHolders("owner").filter((id) => {
      const u = store.getUser(id);
      return u !== undefined && u.disabledAt === undefined;
    });

  return {
    /** Refuses unless the caller is an owner or `user` holds no owner role; `what` says what was asked ("disable"). */
    requireOwnerToActOn(ctx: HandlerContext, user: User, what: string): void {
      const caller = callerOf(ctx);
      if (caller.isOwner || !holdsOwner(store.listGrants(user.id))) return;
      throw new DcaError("permission-denied", `permission denied: ${user.username} is an owner; only an owner may ${what} an owner's account`);
    },

    /** Refuses unless the caller is an owner (granting or revoking the owner role). */
    requireOwnerForRole(ctx: HandlerContext, role: string, what: "grant" | "revoke"): void {
      if (role !== "owner" || callerOf(ctx).isOwner) return;
      throw new DcaError("permission-denied", `permission denied: only an owner may ${what} the owner role`);
    },

    /**
     * Refuses when taking `userId` away from the enabled global owners would leave none.
     * Call it with no await before the change: the check and the change then happen in one turn.
     */
    keepAnOwner(userId: string, what: string): void {
      const owners = enabledOwners();
      if (owners.includes(userId) && owners.length <= 1) {
        throw new DcaError("failed-precondition", `refused: this would ${what} the hub's last enabled owner; grant another user the owner role first (dca-hub role grant USER owner)`);
      }
    },
  };
}

/** The owner rules (see createOwnerRules). */
export type OwnerRules = ReturnType<typeof createOwnerRules>;
