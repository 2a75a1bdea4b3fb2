/**
 * The planned JSON writer against protobuf-es's toJson: for every message
 * type dca has, random messages (zeros, unset optionals, oneof cases, lists,
 * unknown enum numbers, NaN and huge 64-bit values) must give the same JSON
 * string, byte for byte and in the same key order.
 */
import { expect, test } from "bun:test";
import { type DescField, type DescMessage, ScalarType, create, toJsonString } from "@bufbuild/protobuf";
import { file_dca_v1_agent_service } from "../gen/dca/v1/agent_service_pb.ts";
import { DeviceReadingSchema, file_dca_v1_reading } from "../gen/dca/v1/reading_pb.ts";
import { messageToJson, messageToJsonString } from "./message-json.ts";

/** A small deterministic generator (the same cases on every run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 0x100000000);
}

function allMessages(): DescMessage[] {
  const out: DescMessage[] = [];
  const add = (m: DescMessage) => {
    out.push(m);
    m.nestedMessages.forEach(add);
  };
  for (const file of [file_dca_v1_reading, file_dca_v1_agent_service]) file.messages.forEach(add);
  return out;
}

function scalar(type: ScalarType, r: () => number): unknown {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  switch (type) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return pick([0, -0, 1.5, -2.25, 1e21, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1]);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return pick([0n, -1n, 9007199254740993n, -9223372036854775808n]);
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return pick([0n, 1n, 18446744073709551615n]);
    case ScalarType.STRING:
      return pick(["", "a", 'quote " and \\ and \n', "é😀", "\u0000\u2028"]);
    case ScalarType.BOOL:
      return r() < 0.5;
    case ScalarType.BYTES:
      return pick([new Uint8Array(), Uint8Array.of(0, 255, 7), new TextEncoder().encode("hello")]);
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return pick([0, 1, 4294967295]);
    default:
      return pick([0, -1, 2147483647, -2147483648, 42]);
  }
}

function value(f: DescField, r: () => number, depth: number): unknown {
  const one = (kind: "scalar" | "enum" | "message"): unknown => {
    if (kind === "scalar") return scalar((f as { scalar: ScalarType }).scalar, r);
    if (kind === "enum") {
      const values = (f as DescField & { enum: { values: { number: number }[] } }).enum.values;
      return r() < 0.1 ? 99 : values[Math.floor(r() * values.length)]!.number;
    }
    return randomMessage((f as { message: DescMessage }).message, r, depth + 1);
  };
  if (f.fieldKind === "list") return depth > 2 ? [] : Array.from({ length: Math.floor(r() * 4) }, () => one(f.listKind));
  if (f.fieldKind === "map") return {};
  return one(f.fieldKind);
}

function randomMessage(desc: DescMessage, r: () => number, depth = 0) {
  const init: Record<string, unknown> = {};
  for (const f of desc.fields) {
    if (f.fieldKind === "message" && depth > 2) continue;
    if (f.oneof) {
      if (r() < 0.5) init[f.oneof.localName] = { case: f.localName, value: value(f, r, depth) };
      continue;
    }
    if (r() < 0.3) continue; // unset: an optional stays absent, an implicit one keeps its zero value
    init[f.localName] = value(f, r, depth);
  }
  return create(desc, init);
}

function outcome(f: () => string): { json: string } | { error: string } {
  try {
    return { json: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

test("every message type gives toJson's string (alwaysEmitImplicit), over 200 random messages each", () => {
  const types = allMessages();
  expect(types.length).toBeGreaterThan(10);
  const r = rng(10);
  let compared = 0;
  let failures = 0;
  for (const desc of types) {
    for (let i = 0; i < 200; i++) {
      const m = randomMessage(desc, r);
      // Out-of-range timestamps and durations fail: with the same message.
      expect(outcome(() => messageToJsonString(desc, m))).toEqual(outcome(() => toJsonString(desc, m, { alwaysEmitImplicit: true })));
      compared++;
      if ("error" in outcome(() => toJsonString(desc, m))) failures++;
    }
  }
  expect(compared).toBe(types.length * 200);
  expect(failures).toBeGreaterThan(0); // the error path was compared too
});

test("zeros are written; an unset optional is absent", () => {
  const json = messageToJson(DeviceReadingSchema, create(DeviceReadingSchema, { supplies: [{ level: 0 }, {}] })) as {
    requestCount: number;
    supplies: Record<string, unknown>[];
  };
  expect(json.requestCount).toBe(0);
  expect(json.supplies[0]).toMatchObject({ level: 0, index: 0, color: "" });
  expect("maxCapacity" in json.supplies[0]!).toBe(false);
  expect("level" in json.supplies[1]!).toBe(false);
});

test("a value of the wrong type fails as toJson fails", () => {
  const m = create(DeviceReadingSchema, {});
  (m as unknown as { requestCount: string }).requestCount = "x";
  expect(() => messageToJsonString(DeviceReadingSchema, m)).toThrow(/cannot encode field dca.v1.DeviceReading.request_count to JSON/);
});
