/**
 * AdminService messages back into the shapes the admin commands always
 * printed (plain objects with Dates), so `--json` output stays what scripts expect.
 */
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import type { Site as SiteMessage, UpdatePolicy as UpdatePolicyMessage } from "../../gen/dca/v1/admin_sites_pb.ts";
import type { Site, UpdateChannel, UpdatePolicy } from "../store/index.ts";

/** A Timestamp as a Date (undefined when unset). */
export const dateOf = (t: Timestamp | undefined): Date | undefined => (t ? timestampDate(t) : undefined);

export const siteOf = (s: SiteMessage | undefined): Site => ({ id: s?.id ?? "", name: s?.name ?? "", createdAt: dateOf(s?.createdAt) ?? new Date(0) });

export const updatePolicyOf = (u: UpdatePolicyMessage | undefined): UpdatePolicy => ({
  channel: (u?.channel ?? "stable") as UpdateChannel,
  window: u?.window ?? "",
  hold: u?.hold ?? false,
  healthSeconds: u?.healthSeconds ?? 0,
});
