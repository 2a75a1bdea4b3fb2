import { describe, expect, test } from "bun:test";
import { checkTaskTarget } from "./task-scope.ts";

const scope = {
  targets: ["10.1.0.0/24", "10.2.0.10-10.2.0.20", "printer.example.com", "2001:db8::/120"],
  exclude: ["10.1.0.128/25"],
  known: ["10.9.9.9:1161", "lobby-printer"],
};
const ok = (t: string) => checkTaskTarget(t, scope).ok;
const reason = (t: string) => {
  const v = checkTaskTarget(t, scope);
  return v.ok ? "" : v.reason;
};

describe("task scope", () => {
  test("addresses inside a target are allowed, with or without a port", () => {
    expect(ok("10.1.0.7")).toBe(true);
    expect(ok("10.1.0.7:9100")).toBe(true);
    expect(ok("10.2.0.15")).toBe(true);
    expect(ok("2001:db8::42")).toBe(true);
    expect(ok("[2001:db8::42]:161")).toBe(true);
  });

  test("anything else is refused, naming the address and what to do", () => {
    expect(ok("10.1.1.7")).toBe(false);
    expect(ok("10.2.0.21")).toBe(false);
    expect(ok("192.168.1.1")).toBe(false);
    expect(ok("2001:db8::1:0")).toBe(false);
    expect(reason("8.8.8.8")).toContain('"8.8.8.8" is outside this site\'s targets');
    expect(reason("8.8.8.8")).toContain("set-targets");
  });

  test("excluded addresses are refused even inside a target", () => {
    expect(ok("10.1.0.200")).toBe(false);
    expect(reason("10.1.0.200")).toContain("excluded");
  });

  test("known devices are allowed, by host whatever the port", () => {
    expect(ok("10.9.9.9")).toBe(true);
    expect(ok("10.9.9.9:9100")).toBe(true);
    expect(ok("LOBBY-PRINTER")).toBe(true);
    expect(ok("10.9.9.8")).toBe(false);
  });

  test("host names only when listed or known; never by a look-alike", () => {
    expect(ok("printer.example.com")).toBe(true);
    expect(ok("printer.example.com.")).toBe(true);
    expect(ok("evil.example.com")).toBe(false);
    expect(ok("printer.example.com.evil.net")).toBe(false);
  });

  test("a scan range must lie wholly inside one target (the scan itself skips exclusions)", () => {
    expect(ok("10.1.0.0/26")).toBe(true);
    expect(ok("10.2.0.10-15")).toBe(true);
    expect(ok("10.1.0.100-10.1.0.130")).toBe(true);
    expect(ok("10.1.0.0/23")).toBe(false);
    expect(ok("10.2.0.5-15")).toBe(false);
  });

  test("garbage is refused with the parser's message", () => {
    expect(reason("10.1.0.7; rm -rf /")).toContain("bad target");
    expect(ok("")).toBe(false);
  });
});
