import { describe, expect, test } from "bun:test";
import { CounterKind, CounterUnit } from "../../gen/dca/v1/reading_pb.ts";
import { type MeterRow, meterRowToProto } from "./index.ts";
import { METER_CSV_COLUMNS, csvField, meterRowsToCsv } from "./meter-csv.ts";
import { meterRowsToJson } from "./meter-json.ts";

const PERIOD = { start: new Date("2026-03-01T00:00:00Z"), end: new Date("2026-04-01T00:00:00Z") };

/** A row with a reset and an estimated end, as meter-rows.ts makes them. */
const ROW: MeterRow = {
  siteId: "site_1",
  siteName: "Acme, Dental",
  deviceId: "dev_1",
  vendor: "HP",
  model: '=HYPERLINK("http://evil.example")',
  serialNumber: "SN-1",
  address: "10.0.0.7",
  kind: CounterKind.PRINT_MONO,
  counterName: "",
  oid: "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.6",
  unit: CounterUnit.IMPRESSIONS,
  start: { value: 20_000n, estimated: false, method: "read at 2026-03-01 00:00:00Z", sources: [{ readingId: "r-0", readAt: new Date("2026-03-01T00:00:00Z"), value: 20_000n }] },
  end: {
    value: 1240n,
    estimated: true,
    method: "interpolated between readings of 2026-03-31 00:00:00Z and 2026-04-02 00:00:00Z",
    sources: [
      { readingId: "r-30", readAt: new Date("2026-03-31T00:00:00Z"), value: 1200n },
      { readingId: "r-31", readAt: new Date("2026-04-02T00:00:00Z"), value: 1280n },
    ],
  },
  difference: 2190n,
  resets: [{ readingId: "r-12", readAt: new Date("2026-03-13T00:00:00Z"), value: 150n, previous: 21_100n }],
  beganAt: undefined,
  endedAt: undefined,
  replaces: "",
  replacedBy: "",
  readingsInPeriod: 31,
  notes: ["end: interpolated between readings", 'a "quoted" note\nover two lines'],
};

describe("CSV cells", () => {
  test("RFC 4180: commas, quotes and line breaks are quoted, quotes doubled; plain cells as they are", () => {
    expect(csvField("plain text 10.0.0.7")).toBe("plain text 10.0.0.7");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\rhere")).toBe('"cr\rhere"');
    expect(csvField("")).toBe("");
  });

  test("a cell a spreadsheet would run as a formula gets a leading apostrophe", () => {
    for (const c of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]) expect(csvField(c).replace(/^"/, "")).toStartWith(`'${c[0]}`);
    expect(csvField('=HYPERLINK("http://evil.example")')).toBe(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(csvField("a=b")).toBe("a=b");
  });
});

describe("meter files", () => {
  const row = meterRowToProto(ROW);

  test("CSV: one header line, one CRLF-ended line per row, in the documented columns", () => {
    const csv = meterRowsToCsv([row, row]);
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(METER_CSV_COLUMNS.join(","));
    expect(lines[0]).toStartWith("site,site_id,device_id,serial_number,vendor,model,address,counter,counter_name,oid,unit,start,start_estimated,start_method,start_readings,end,");
    expect(csv).toEndWith("\r\n");
    expect(csv.split("\r\n")).toHaveLength(4);
    expect(lines[1]).toBe(
      [
        '"Acme, Dental"',
        "site_1",
        "dev_1",
        "SN-1",
        "HP",
        `"'=HYPERLINK(""http://evil.example"")"`,
        "10.0.0.7",
        "print_mono",
        "",
        "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.6",
        "impressions",
        "20000",
        "false",
        "read at 2026-03-01 00:00:00Z",
        "r-0@2026-03-01T00:00:00Z=20000",
        "1240",
        "true",
        "interpolated between readings of 2026-03-31 00:00:00Z and 2026-04-02 00:00:00Z",
        "r-30@2026-03-31T00:00:00Z=1200; r-31@2026-04-02T00:00:00Z=1280",
        "2190",
        "r-12@2026-03-13T00:00:00Z: 21100 to 150",
        "",
        "",
        "",
        "",
        "31",
        '"end: interpolated between readings | a ""quoted"" note\nover two lines"',
      ].join(","),
    );
  });

  test("JSON: the period and the rows in the API's JSON form, zero values written", () => {
    const doc = JSON.parse(meterRowsToJson(PERIOD, [row]));
    expect(doc.period).toEqual({ start: "2026-03-01T00:00:00.000Z", end: "2026-04-01T00:00:00.000Z" });
    expect(doc.rows).toHaveLength(1);
    expect(doc.rows[0]).toMatchObject({
      siteName: "Acme, Dental",
      kind: "COUNTER_KIND_PRINT_MONO",
      unit: "COUNTER_UNIT_IMPRESSIONS",
      start: { value: "20000", estimated: false, readings: [{ readingId: "r-0", readAt: "2026-03-01T00:00:00Z", value: "20000" }] },
      end: { value: "1240", estimated: true },
      difference: "2190",
      resets: [{ readingId: "r-12", readAt: "2026-03-13T00:00:00Z", value: "150", previous: "21100" }],
      replaces: "",
      readingsInPeriod: 31,
    });
    expect(doc.rows[0]).not.toHaveProperty("beganAt");
  });
});
