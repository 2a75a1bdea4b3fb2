import { describe, expect, test } from "bun:test";
import { parseBrokerUrl } from "./broker-url.ts";

describe("broker URLs", () => {
  test.each([
    ["wss://hub.example/mqtt", { protocol: "wss", host: "hub.example", port: 443, path: "/mqtt", label: "wss://hub.example:443/mqtt" }],
    ["wss://hub.example:8443/mqtt", { protocol: "wss", host: "hub.example", port: 8443, path: "/mqtt", label: "wss://hub.example:8443/mqtt" }],
    ["mqtts://hub.example", { protocol: "mqtts", host: "hub.example", port: 8883, path: "", label: "mqtts://hub.example:8883" }],
    ["mqtts://[::1]:1884", { protocol: "mqtts", host: "::1", port: 1884, path: "", label: "mqtts://[::1]:1884" }],
    ["wss://127.0.0.1:9/mqtt?x=1", { protocol: "wss", host: "127.0.0.1", port: 9, path: "/mqtt", label: "wss://127.0.0.1:9/mqtt" }],
  ])("%s", (url, want) => {
    expect(parseBrokerUrl(url)).toEqual(want as ReturnType<typeof parseBrokerUrl>);
  });

  test.each([
    ["mqtt://hub.example:1883", "must be wss:// or mqtts://"],
    ["ws://hub.example/mqtt", "must be wss:// or mqtts://"],
    ["wss://agent:secret@hub.example/mqtt", "must not carry a user or password"],
    ["hub.example:8883", "wss:// or mqtts://"],
    ["not a url", "is not a URL"],
  ])("refuses %s", (url, why) => {
    expect(() => parseBrokerUrl(url)).toThrow(why);
  });
});
