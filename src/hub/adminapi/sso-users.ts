/**
 * People an identity provider vouches for (OIDC, LDAP) as hub users: found
 * by where they come from and the provider's stable id (OIDC "iss sub", the
 * LDAP DN), never by username, which another provider or a local account
 * may hold; created at their first sign-in; and their "sso" grants replaced
 * from the provider's groups at every sign-in, so taking someone out of a
 * group at the provider takes the role away at their next sign-in. Nobody
 * in no mapped group gets an account, and one who was in one loses the
 * grants it gave. Manual grants an admin gave stay.
 */
import { DcaError } from "../../common/errors.ts";
import { isInactive, isLocked } from "../accounts/index.ts";
import { inactiveReason } from "../accounts/sign-in-settings.ts";
import { type ExternalIdentity, type RoleMapping, requireGrants } from "../sso/index.ts";
import type { HubStore, User } from "../store/index.ts";
import type { HubSignIn } from "./hub-sign-in.ts";

type SsoUserStore = Pick<
  HubStore,
  "getUserByExternalId" | "getUserByUsername" | "createUser" | "replaceGrants" | "getSite" | "getSiteGroup" | "setUserDisabled"
>;

const USERNAME_MAX = 56;

/** The usernames to try for a new SSO user: the provider's, tidied to what the hub allows, then with ".<source>" added. */
export function usernameCandidates(identity: ExternalIdentity): string[] {
  let base = identity.username.replace(/[^A-Za-z0-9._@-]+/g, "-").slice(0, USERNAME_MAX) || identity.source;
  if (base.toLowerCase().startsWith("usr_")) base = `u-${base.slice(4)}`;
  return [base, `${base}.${identity.source}`, ...Array.from({ length: 8 }, (_, i) => `${base}.${identity.source}${i + 2}`)];
}

/** Creates the hub user of an identity, under the first free username. */
function createSsoUser(store: SsoUserStore, identity: ExternalIdentity): User {
  for (const username of usernameCandidates(identity)) {
    try {
      return store.createUser({
        username,
        displayName: identity.displayName.slice(0, 256),
        email: identity.email.length <= 256 ? identity.email : "",
        source: identity.source,
        externalId: identity.externalId,
        createdBy: identity.source,
      });
    } catch (e) {
      // A first sign-in racing this one may have created the user meanwhile (unique source + external id).
      const raced = store.getUserByExternalId(identity.source, identity.externalId);
      if (raced) return raced;
      if (DcaError.from(e).code !== "already-exists") throw e;
    }
  }
  throw new DcaError("already-exists", `sign-in refused: no free username for ${identity.username} at this hub; ask an admin to rename the accounts using it`, {
    reason: "username-taken",
  });
}

/** The mapped grants with their site and site group names resolved to ids; those naming nothing at this hub are left out. */
function resolveGrants(store: SsoUserStore, identity: ExternalIdentity, mapping: RoleMapping) {
  const grants: { role: string; siteId?: string; groupId?: string }[] = [];
  const missing: string[] = [];
  for (const g of requireGrants(identity, mapping)) {
    if (g.site !== undefined) {
      const site = store.getSite(g.site);
      if (site) grants.push({ role: g.role, siteId: site.id });
      else missing.push(`site "${g.site}"`);
    } else if (g.siteGroup !== undefined) {
      const group = store.getSiteGroup(g.siteGroup);
      if (group) grants.push({ role: g.role, groupId: group.id });
      else missing.push(`site group "${g.siteGroup}"`);
    } else grants.push({ role: g.role });
  }
  return { grants, missing };
}

/** What ssoUserFor found out, for the audit record, also when it refuses. */
export interface SsoUserFacts {
  /** The hub user the identity is (when there is one). */
  userId?: string;
  /** Mapped sites or site groups this hub does not have. */
  missing?: string[];
}

/**
 * The hub user of a provider-vouched identity, found or created, with their "sso" grants in step
 * with the mapping. Refuses (DcaError with a reason for the audit) someone in no mapped group, a
 * disabled, idle or locked account: the provider proved who they are, so the refusal may say why.
 */
export function ssoUserFor(hub: Pick<HubSignIn, "store" | "clock" | "settings">, identity: ExternalIdentity, mapping: RoleMapping, facts: SsoUserFacts): User {
  const store: SsoUserStore = hub.store;
  const existing = store.getUserByExternalId(identity.source, identity.externalId);
  if (existing) facts.userId = existing.id;
  let resolved: ReturnType<typeof resolveGrants>;
  try {
    resolved = resolveGrants(store, identity, mapping);
    if (resolved.grants.length === 0) {
      throw new DcaError(
        "permission-denied",
        `sign-in refused: the role mapping gives ${identity.username} roles only on ${resolved.missing.join(", ")}, which this hub does not have; ask an admin to correct the SSO role mapping`,
        { reason: "mapped-target-missing" },
      );
    }
  } catch (e) {
    if (existing) store.replaceGrants(existing.id, "sso", []);
    throw e;
  }
  if (resolved.missing.length) facts.missing = resolved.missing;
  const user = existing ?? createSsoUser(store, identity);
  facts.userId = user.id;
  store.replaceGrants(user.id, "sso", resolved.grants);
  const now = hub.clock.now();
  if (user.disabledAt) {
    throw new DcaError("permission-denied", "sign-in refused: your account at this hub is disabled; ask an admin", { reason: "disabled" });
  }
  if (isInactive(user, now, hub.settings().inactivityDays)) {
    store.setUserDisabled(user.id, true, inactiveReason(user, now));
    throw new DcaError("permission-denied", "sign-in refused: your account at this hub was disabled after a long time unused; ask an admin to enable it", {
      reason: "inactive",
    });
  }
  if (isLocked(user, now)) {
    const until = user.lockedUntil ? `until ${user.lockedUntil.toISOString().slice(0, 16).replace("T", " ")} UTC; wait, or ask an admin to unlock it` : "until an admin unlocks it";
    throw new DcaError("failed-precondition", `sign-in refused: the account is locked after too many failed attempts ${until}`, { reason: "locked" });
  }
  return user;
}
