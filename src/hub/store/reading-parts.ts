/**
 * One repeated field of a stored reading without decoding the rest: the
 * overview asks every device's newest reading for its supplies, the meter
 * series a year of readings for their counters, and a full decode of each
 * (identity, trays, alerts, console, problems) would be most of the cost.
 * The reading is walked at the wire level and only the wanted field's
 * messages are decoded, with the same schema as a full decode.
 */
import { type DescMessage, type MessageShape, fromBinary } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { type Counter, CounterSchema, DeviceReadingSchema, type Supply, SupplySchema } from "../../gen/dca/v1/reading_pb.ts";

/** The field numbers, from the schema (not written twice). */
const fieldNo = (name: string): number => {
  const f = DeviceReadingSchema.fields.find((x) => x.localName === name);
  if (!f) throw new Error(`DeviceReading has no field ${name}`);
  return f.number;
};
const COUNTERS = fieldNo("counters");
const SUPPLIES = fieldNo("supplies");

function repeatedOf<D extends DescMessage>(data: Uint8Array, field: number, schema: D): MessageShape<D>[] {
  const out: MessageShape<D>[] = [];
  const reader = new BinaryReader(data);
  while (reader.pos < reader.len) {
    const [no, wire] = reader.tag();
    if (no === field && wire === WireType.LengthDelimited) out.push(fromBinary(schema, reader.bytes()));
    else reader.skip(wire, no);
  }
  return out;
}

/** The supplies of a stored reading (its protobuf binary). */
export const suppliesOf = (data: Uint8Array): Supply[] => repeatedOf(data, SUPPLIES, SupplySchema);

/** The counters of a stored reading (its protobuf binary). */
export const countersOf = (data: Uint8Array): Counter[] => repeatedOf(data, COUNTERS, CounterSchema);
