/**
 * The JSON form of every message dca prints and the hub shows. The proto3
 * JSON mapping leaves out each field that holds its zero value, which hides
 * facts: an empty supply (level 0), a capacity of 0, a counter at 0, tray 0.
 * Here every implicit-presence field is written; fields with explicit
 * presence (`optional` in proto/) stay absent while unknown, so in the output
 * "absent" means "not known" and 0 means 0.
 *
 * protobuf-es's toJson walks each message through its reflection API; `dca
 * scan --json` prints hundreds of readings, where that was a tenth of the
 * agent's own CPU. So the messages are written by a plan per message type
 * (fields in number order, as toJson writes them) that gives the same JSON
 * value. Whatever the plan does not cover (well-known types, maps, proto2
 * required fields, a value of the wrong type) goes to toJson itself, so the
 * output and the errors stay protobuf-es's.
 */
import { type DescField, type DescMessage, type JsonObject, type JsonValue, type MessageShape, ScalarType, toJson } from "@bufbuild/protobuf";
import { base64Encode } from "@bufbuild/protobuf/wire";

const WRITE_OPTIONS = { alwaysEmitImplicit: true } as const;

/** google.protobuf.FeatureSet.FieldPresence.IMPLICIT (what unsafeIsSet compares with). */
const IMPLICIT = 2;

/** Thrown inside the plan for anything it leaves to toJson. */
class NotPlanned extends Error {}
const notPlanned = new NotPlanned();

type Message = Record<string, unknown> & { $typeName?: string };

const plans = new WeakMap<DescMessage, readonly DescField[] | null>();

/** The fields to write in order, or null when the type goes to toJson as a whole. */
function planFor(desc: DescMessage): readonly DescField[] | null {
  let plan = plans.get(desc);
  if (plan !== undefined) return plan;
  const custom = desc.typeName.startsWith("google.protobuf.");
  const fields = [...desc.fields].sort((a, b) => a.number - b.number);
  const unplanned = fields.some((f) => f.fieldKind === "map" || f.presence === 3 /* LEGACY_REQUIRED */);
  plan = custom || unplanned ? null : fields;
  plans.set(desc, plan);
  return plan;
}

function scalarJson(type: ScalarType, v: unknown): JsonValue {
  switch (type) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      if (typeof v !== "number") throw notPlanned;
      if (Number.isNaN(v)) return "NaN";
      if (v === Number.POSITIVE_INFINITY) return "Infinity";
      if (v === Number.NEGATIVE_INFINITY) return "-Infinity";
      return v;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.SINT64:
      if (typeof v === "bigint" || typeof v === "string" || (typeof v === "number" && Number.isInteger(v))) return v.toString();
      throw notPlanned;
    case ScalarType.STRING:
      if (typeof v !== "string") throw notPlanned;
      return v;
    case ScalarType.BOOL:
      if (typeof v !== "boolean") throw notPlanned;
      return v;
    case ScalarType.BYTES:
      if (!(v instanceof Uint8Array)) throw notPlanned;
      return base64Encode(v);
    default:
      if (typeof v !== "number") throw notPlanned;
      return v;
  }
}

function enumJson(f: DescField & { enum: NonNullable<DescField["enum"]> }, v: unknown): JsonValue {
  if (typeof v !== "number") throw notPlanned;
  if (f.enum.typeName === "google.protobuf.NullValue") return null;
  return f.enum.value[v]?.name ?? v;
}

function messageJson(desc: DescMessage, msg: unknown): JsonValue {
  const m = msg as Message;
  if (typeof m !== "object" || m === null || m.$typeName !== desc.typeName) throw notPlanned;
  const plan = planFor(desc);
  if (!plan) return toJson(desc, m as MessageShape<DescMessage>, WRITE_OPTIONS);
  const json: JsonObject = {};
  for (const f of plan) {
    let v: unknown;
    if (f.oneof) {
      const o = m[f.oneof.localName] as { case?: string; value?: unknown } | undefined;
      if (!o || o.case !== f.localName) continue;
      v = o.value;
    } else {
      v = m[f.localName];
      if (f.presence !== IMPLICIT && (v === undefined || !Object.prototype.hasOwnProperty.call(m, f.localName))) continue;
    }
    switch (f.fieldKind) {
      case "scalar":
        json[f.jsonName] = scalarJson(f.scalar, v);
        break;
      case "enum":
        json[f.jsonName] = enumJson(f, v);
        break;
      case "message":
        json[f.jsonName] = messageJson(f.message, v);
        break;
      case "list": {
        if (!Array.isArray(v)) throw notPlanned;
        const out: JsonValue[] = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const item: unknown = v[i];
          out[i] = f.listKind === "scalar" ? scalarJson(f.scalar, item) : f.listKind === "enum" ? enumJson(f, item) : messageJson(f.message, item);
        }
        json[f.jsonName] = out;
        break;
      }
      default:
        throw notPlanned;
    }
  }
  return json;
}

/** `message` as a JSON value with every implicit field present (what toJson with alwaysEmitImplicit gives). */
export function messageToJson<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): JsonValue {
  try {
    return messageJson(schema, message);
  } catch (e) {
    if (e !== notPlanned) throw e;
    return toJson(schema, message, WRITE_OPTIONS);
  }
}

/** `message` as one line of JSON with every implicit field present. */
export function messageToJsonString<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): string {
  return JSON.stringify(messageToJson(schema, message));
}
