/**
 * Store values as AdminService messages. The proto is the API's model; the
 * CLI turns them back (src/hub/admin/from-proto.ts) to print what it always printed.
 */
import { create } from "@bufbuild/protobuf";
import { type Timestamp, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type Site as SiteMessage, SiteSchema, type UpdatePolicy as UpdatePolicyMessage, UpdatePolicySchema } from "../../gen/dca/v1/admin_sites_pb.ts";
import type { Site, UpdatePolicy } from "../store/index.ts";

/** A Date as a Timestamp; undefined stays undefined (an unset field). */
export const ts = (d: Date | undefined): Timestamp | undefined => (d ? timestampFromDate(d) : undefined);

export const siteToProto = (s: Site): SiteMessage => create(SiteSchema, { id: s.id, name: s.name, createdAt: ts(s.createdAt) });

export const updatePolicyToProto = (u: UpdatePolicy): UpdatePolicyMessage => create(UpdatePolicySchema, { ...u });
