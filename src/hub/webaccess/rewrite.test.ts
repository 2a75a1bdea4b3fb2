import { describe, expect, test } from "bun:test";
import { printerHost, rewriteBody, rewriteLocation, rewriteSetCookie, rewriteToPrinter } from "./rewrite.ts";

const S = "https://wa-abc.wa.hub.test:8443";
const http80 = { address: "10.1.2.7", port: 80, tls: false };
const https443 = { address: "10.1.2.7", port: 443, tls: true };
const v6 = { address: "fd00::7", port: 8000, tls: false };

describe("rewriting what names the printer", () => {
  test.each([
    [http80, "http://10.1.2.7/login", `${S}/login`],
    [http80, "http://10.1.2.7:80/a?b=1", `${S}/a?b=1`],
    [http80, "https://10.1.2.7/secure", "https://10.1.2.7/secure"], // another service of the printer
    [http80, "http://10.1.2.70/x", "http://10.1.2.70/x"], // another address that starts the same
    [http80, "/relative", "/relative"],
    [https443, "https://10.1.2.7/x", `${S}/x`],
    [https443, "https://10.1.2.7:443", S],
    [v6, "http://[fd00::7]:8000/p", `${S}/p`],
    [v6, "http://[fd00::7]/p", "http://[fd00::7]/p"],
  ])("Location %o %s", (p, value, want) => expect(rewriteLocation(value, p, S)).toBe(want));

  test("bodies: absolute and protocol-relative self-links only, bytes kept", () => {
    const body = Buffer.from('<a href="http://10.1.2.7/a">é</a><img src="//10.1.2.7/i.png"><a href="http://10.1.2.7:8080/">x</a> url(http://10.1.2.7:80/c.css)', "latin1");
    expect(rewriteBody(body, http80, S).toString("latin1")).toBe(
      `<a href="${S}/a">é</a><img src="//wa-abc.wa.hub.test:8443/i.png"><a href="http://10.1.2.7:8080/">x</a> url(${S}/c.css)`,
    );
  });

  test("Set-Cookie loses its Domain only; Origin and Referer point back at the printer; Host", () => {
    expect(rewriteSetCookie("sid=1; Domain=10.1.2.7; Path=/; HttpOnly")).toBe("sid=1; Path=/; HttpOnly");
    expect(rewriteToPrinter(`${S}/form`, http80, S)).toBe("http://10.1.2.7/form");
    expect(rewriteToPrinter("https://elsewhere/", http80, S)).toBe("https://elsewhere/");
    expect([printerHost(http80), printerHost(https443), printerHost(v6)]).toEqual(["10.1.2.7", "10.1.2.7", "[fd00::7]:8000"]);
  });
});
