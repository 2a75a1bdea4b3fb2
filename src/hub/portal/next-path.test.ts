/** `?next=`: only a path on this hub survives; everything a browser could read as elsewhere becomes "/". */
import { describe, expect, test } from "bun:test";
import { safeNextPath, signInUrl } from "./next-path.ts";

describe("safeNextPath", () => {
  test("paths on the hub are kept with their query", () => {
    expect(safeNextPath("/")).toBe("/");
    expect(safeNextPath("/account/security")).toBe("/account/security");
    expect(safeNextPath("/devices?site=A&page=2")).toBe("/devices?site=A&page=2");
    expect(safeNextPath("/a/../b")).toBe("/b");
  });

  test("other hosts, schemes, odd slashes, control characters, the sign-in pages and long values go home", () => {
    for (const bad of [
      undefined,
      null,
      "",
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "\\\\evil.example",
      "javascript:alert(1)",
      "evil.example",
      "/ok\nSet-Cookie: x",
      "/\tx",
      "/login",
      "/login/sso?ticket=x",
      "/logout",
      `/${"a".repeat(2000)}`,
    ]) {
      expect(safeNextPath(bad)).toBe("/");
    }
  });

  test("the sign-in URL carries next only when it is not home", () => {
    expect(signInUrl("/")).toBe("/login");
    expect(signInUrl("/account/security?x=1")).toBe("/login?next=%2Faccount%2Fsecurity%3Fx%3D1");
    expect(signInUrl("//evil.example")).toBe("/login");
  });
});
