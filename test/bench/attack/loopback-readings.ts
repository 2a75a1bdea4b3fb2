/**
 * Readings to upload in the attack bench: the sample A3 colour MFP
 * (src/agent/outbox/testdata/sample-reading.ts, about 2.6 KB), each with a
 * new id, from one of `devices` devices at loopback addresses, read later
 * than the one before, as an agent's outbox would hold them.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { sampleReading } from "../../../src/agent/outbox/testdata/sample-reading.ts";
import { type OutboxReading, OutboxReadingSchema } from "../../../src/gen/dca/v1/agent_service_pb.ts";

/** A source of readings; `next(n)` returns the next n, ids `<prefix>-<k>`. */
export function loopbackReadings(prefix: string, devices: number): (n: number) => OutboxReading[] {
  let k = 0;
  const start = Date.now() - 3600_000;
  return (n) =>
    Array.from({ length: n }, () => {
      const device = k % devices;
      const reading = sampleReading(device);
      reading.address = `127.26.${Math.floor(device / 250)}.${(device % 250) + 1}`;
      reading.readAt = timestampFromMs(start + k);
      k++;
      return create(OutboxReadingSchema, { id: `${prefix}-${k}`, seq: BigInt(k), reading });
    });
}
