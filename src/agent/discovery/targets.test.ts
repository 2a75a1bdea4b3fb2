import { describe, expect, test } from "bun:test";
import { formatIpv6, parseIp, parseIpv6 } from "../../common/ip-address.ts";
import { type Resolver, TargetError, resolveTargets } from "./targets.ts";

const list = async (inc: string[], opts = {}) => [...(await resolveTargets(inc, opts))].map((t) => `${t.address}:${t.port}`);
const noDns: Resolver = async (name) => {
  throw new Error(`unexpected lookup of ${name}`);
};

describe("addresses", () => {
  test.each([
    ["::", "::"],
    ["::1", "::1"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
    ["fe80::", "fe80::"],
  ])("IPv6 %s formats as %s", (input, out) => {
    expect(formatIpv6(parseIpv6(input)!)).toBe(out);
  });

  test.each(["1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "::1%eth0", ":1::", "1.2.3.4::"])("rejects IPv6 %s", (s) => {
    expect(parseIpv6(s)).toBeNull();
  });

  test("an IPv4-mapped IPv6 address is the IPv4 address", () => {
    expect(parseIp("::ffff:10.1.2.3")).toEqual({ family: 4, value: BigInt(0x0a010203) });
  });
});

describe("resolveTargets", () => {
  test("single addresses, ports, IPv6 in brackets; grouped by family and port in first-seen order, ascending within", async () => {
    expect(await list(["10.0.0.1", "10.0.0.2:1161", "[2001:db8::1]:1162", "2001:db8::2", "[::1]"])).toEqual([
      "10.0.0.1:161",
      "10.0.0.2:1161",
      "2001:db8::1:1162",
      "::1:161",
      "2001:db8::2:161",
    ]);
  });

  test("a /24 skips network and broadcast; /31 and /32 keep everything", async () => {
    const t = await resolveTargets(["10.0.0.0/24"]);
    const all = [...t].map((x) => x.address);
    expect(t.count).toBe(254);
    expect(all[0]).toBe("10.0.0.1");
    expect(all.at(-1)).toBe("10.0.0.254");
    expect(await list(["10.0.1.0/31", "10.0.2.7/32"])).toEqual(["10.0.1.0:161", "10.0.1.1:161", "10.0.2.7:161"]);
    expect(await list(["10.0.3.0/30"])).toEqual(["10.0.3.1:161", "10.0.3.2:161"]);
    // Host bits set: the prefix that contains the address.
    expect((await resolveTargets(["10.0.4.77/24"])).count).toBe(254);
  });

  test("ranges, long and short", async () => {
    expect((await resolveTargets(["10.0.1.10-10.0.1.50"])).count).toBe(41);
    expect(await list(["10.0.1.10-12"])).toEqual(["10.0.1.10:161", "10.0.1.11:161", "10.0.1.12:161"]);
    expect(await list(["10.0.1.254-10.0.2.1"])).toEqual(["10.0.1.254:161", "10.0.1.255:161", "10.0.2.0:161", "10.0.2.1:161"]);
    expect(await list(["[2001:db8::fe-101]:1161"])).toEqual(["2001:db8::fe:1161", "2001:db8::ff:1161", "2001:db8::100:1161", "2001:db8::101:1161"]);
    expect((await resolveTargets(["2001:db8::/120"])).count).toBe(256);
  });

  test("deduplicates overlaps, keeps distinct ports apart", async () => {
    const t = await resolveTargets(["10.0.0.0/24", "10.0.0.5", "10.0.0.100-10.0.1.3", "10.0.0.5:1161"]);
    expect(t.count).toBe(254 + 5 + 1); // .255 and 10.0.1.0-3 are new
    const seen = [...t].map((x) => `${x.address}:${x.port}`);
    expect(new Set(seen).size).toBe(seen.length);
  });

  test("exclusions use the same syntax; without a port they cover every port", async () => {
    const t = await resolveTargets(["10.0.0.0/24", "10.0.0.7:1161", "10.0.0.8:1161"], {
      exclude: ["10.0.0.0/25", "10.0.0.200-254", "10.0.0.8:1161"],
    });
    expect([...t].map((x) => `${x.address}:${x.port}`)).toEqual([
      ...Array.from({ length: 200 - 128 }, (_, i) => `10.0.0.${128 + i}:161`),
    ]);
    expect(t.count).toBe(72);
    expect(t.has("10.0.0.128", 161)).toBe(true);
    expect(t.has("10.0.0.7", 161)).toBe(false);
    expect(t.has("10.0.0.128", 1161)).toBe(false);
    expect(t.has("::ffff:10.0.0.130", 161)).toBe(true);
  });

  test("a /8 is counted without being expanded, and iterates lazily", async () => {
    const t = await resolveTargets(["10.0.0.0/8"], { exclude: ["10.0.0.0/16"] });
    expect(t.count).toBe(2 ** 24 - 1 - 65536); // the exclusion takes the whole /16, .0.0 included
    const before = process.memoryUsage().heapUsed;
    const it = t[Symbol.iterator]();
    expect(it.next().value?.address).toBe("10.1.0.0");
    expect(it.next().value?.address).toBe("10.1.0.1");
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 * 1024 * 1024);
  });

  test("host names resolve through the injected resolver; failures are recorded, not thrown", async () => {
    const resolver: Resolver = async (name) => {
      if (name === "printer.example.com") return ["10.0.0.9", "2001:db8::9"];
      if (name === "gone.example.com") throw new Error("ENOTFOUND");
      return [];
    };
    const t = await resolveTargets(["printer.example.com:1161", "gone.example.com", "empty.example.com", "10.0.0.9:1161"], {
      resolver,
    });
    expect([...t].map((x) => `${x.address}:${x.port}`)).toEqual(["10.0.0.9:1161", "2001:db8::9:1161"]);
    expect(t.errors.map((e) => e.name)).toEqual(["gone.example.com", "empty.example.com"]);
    expect(t.errors[0].message).toContain("ENOTFOUND");
  });

  test("the default resolver resolves localhost", async () => {
    const t = await resolveTargets(["localhost"]);
    expect(t.errors).toEqual([]);
    expect([...t].some((x) => x.address === "127.0.0.1" || x.address === "::1")).toBe(true);
  });

  test.each([
    ["10.0.0.300", "not an IPv4 address"],
    ["10.0.0.0/33", "prefix length"],
    ["10.0.0.0/7", "at most a /8"],
    ["2001:db8::/64", "at most 65536"],
    ["10.0.1.50-10", "ends before it starts"],
    ["10.0.1.10-300", "range end"],
    ["10.0.0.1:0", "port"],
    ["10.0.0.1:99999", "port"],
    ["10.0.0.1-::1", "mix IPv4 and IPv6"],
    ["2001:db8::g", "not an IPv6 address"],
    ["[2001:db8::1", "missing ']'"],
    ["[10.0.0.1]:161", "only for IPv6"],
    ["bad_host!", "neither an address nor a valid host name"],
    ["010.0.0.1", "not an IPv4 address"],
    ["", "empty"],
  ])("rejects %p naming it (%s)", async (token, why) => {
    const err = await resolveTargets(["10.0.0.1", token], { resolver: noDns }).catch((e) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect(err.message).toContain(why);
    expect(err.message).toContain(`"${token}"`);
    expect(err.message).toContain("10.0.1.10-50");
  });

  test("a bad exclusion is rejected the same way", async () => {
    const err = await resolveTargets(["10.0.0.0/24"], { exclude: ["10.0.0.0/40"] }).catch((e) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect(err.token).toBe("10.0.0.0/40");
  });
});
