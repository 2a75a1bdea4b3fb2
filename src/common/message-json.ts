/**
 * The JSON form of every message dca prints and the hub shows. The proto3
 * JSON mapping leaves out each field that holds its zero value, which hides
 * facts: an empty supply (level 0), a capacity of 0, a counter at 0, tray 0.
 * Here every implicit-presence field is written; fields with explicit
 * presence (`optional` in proto/) stay absent while unknown, so in the output
 * "absent" means "not known" and 0 means 0.
 */
import { type DescMessage, type JsonValue, type MessageShape, toJson, toJsonString } from "@bufbuild/protobuf";

const WRITE_OPTIONS = { alwaysEmitImplicit: true } as const;

/** `message` as a JSON value with every implicit field present. */
export function messageToJson<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): JsonValue {
  return toJson(schema, message, WRITE_OPTIONS);
}

/** `message` as one line of JSON with every implicit field present. */
export function messageToJsonString<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): string {
  return toJsonString(schema, message, WRITE_OPTIONS);
}
