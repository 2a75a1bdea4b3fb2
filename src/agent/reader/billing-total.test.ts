import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { CounterKind, CounterSchema } from "../../gen/dca/v1/reading_pb.ts";
import { electBillingTotal } from "./billing-total.ts";

const c = (kind: CounterKind, oid: string, value: number, name: string) => create(CounterSchema, { kind, oid, value: BigInt(value), name });
const mib = c(CounterKind.TOTAL, "1.3.6.1.2.1.43.10.2.1.4.1.1", 1000, "prtMarkerLifeCount");
const pwg = c(CounterKind.TOTAL, "1.3.6.1.4.1.2699.1.3.1.2.3.1.7.1.1", 990, "pwg total");
const vendor = c(CounterKind.TOTAL, "1.3.6.1.4.1.1347.43.10.1.1.12.1.1", 980, "printed-total");
const mono = c(CounterKind.MONO, "1.3.6.1.4.1.1347.1", 500, "mono");

const summary = (cs: ReturnType<typeof electBillingTotal>) => cs.map((x) => `${CounterKind[x.kind]} ${x.name} ${x.value}`);

test("the vendor's total wins, then PWG, then prtMarkerLifeCount; the others stay as OTHER", () => {
  expect(summary(electBillingTotal([mib, pwg, vendor, mono]))).toEqual(["OTHER prtMarkerLifeCount 1000", "OTHER pwg total 990", "TOTAL printed-total 980", "MONO mono 500"]);
  expect(summary(electBillingTotal([mib, pwg]))).toEqual(["OTHER prtMarkerLifeCount 1000", "TOTAL pwg total 990"]);
  expect(summary(electBillingTotal([mib, mono]))).toEqual(["TOTAL prtMarkerLifeCount 1000", "MONO mono 500"]);
  expect(electBillingTotal([])).toEqual([]);
});

test("a jam count is a service counter: never elected, never relabelled, even as the only or largest meter", () => {
  const jams = c(CounterKind.JAM, "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.34.0", 5000, "print-engine-jam-count");
  expect(summary(electBillingTotal([jams]))).toEqual(["JAM print-engine-jam-count 5000"]);
  expect(summary(electBillingTotal([mib, jams, pwg]))).toEqual(["OTHER prtMarkerLifeCount 1000", "JAM print-engine-jam-count 5000", "TOTAL pwg total 990"]);
});
