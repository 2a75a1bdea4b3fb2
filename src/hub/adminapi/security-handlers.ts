/**
 * AdminService: the hub's security settings and single sign-on settings
 * (the `security` and `sso` commands). Admins may read the security
 * settings; only owners change them or touch SSO (src/hub/access rules).
 */
import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { DcaError } from "../../common/errors.ts";
import type { HubSettingsStore } from "../store/index.ts";
import { callerOf, note } from "./admin-call.ts";
import { securityChange, securityToProto } from "./people-to-proto.ts";
import { SSO_KEYS, type SsoPart, type SsoSettingsStore, nextSsoPart, shownSsoPart, ssoChangeNote } from "./sso-settings.ts";

type SecurityMethods = "getSecuritySettings" | "setSecuritySettings" | "getSsoConfig" | "setSsoConfig";

/** The settings methods over the store. */
export function createSecurityHandlers(store: HubSettingsStore & SsoSettingsStore): Pick<ServiceImpl<typeof AdminService>, SecurityMethods> {
  return {
    getSecuritySettings() {
      return { settings: securityToProto(store.getSecuritySettings()) };
    },

    setSecuritySettings(req, ctx) {
      callerOf(ctx);
      const change = securityChange(req.settings, req.fields);
      note(ctx, { target: "security settings", detail: { change } });
      return { settings: securityToProto(store.setSecuritySettings(change)) };
    },

    getSsoConfig() {
      return { oidcJson: shownSsoPart(store, "oidc"), ldapJson: shownSsoPart(store, "ldap"), roleMappingJson: shownSsoPart(store, "roleMapping") };
    },

    setSsoConfig(req, ctx) {
      callerOf(ctx);
      const given: [SsoPart, string][] = (
        [
          ["oidc", req.oidcJson],
          ["ldap", req.ldapJson],
          ["roleMapping", req.roleMappingJson],
        ] as [SsoPart, string][]
      ).filter(([, json]) => json !== "");
      if (given.length === 0) throw new DcaError("usage", "say what to change: an OIDC configuration, an LDAP configuration or the role mapping");
      note(ctx, { target: "sso settings" });
      // Every part is checked before any is kept: a refusal changes nothing.
      const next = given.map(([part, json]) => [part, nextSsoPart(store, part, json)] as const);
      for (const [part, value] of next) store.setSetting(SSO_KEYS[part], value);
      note(ctx, { detail: Object.fromEntries(next.map(([part, value]) => [part, ssoChangeNote(part, value)])) });
      return {};
    },
  };
}
