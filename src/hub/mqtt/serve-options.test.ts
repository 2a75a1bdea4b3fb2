import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "../../common/args.ts";
import { MQTT_BOOLEAN_FLAGS, MQTT_VALUED_FLAGS, mqttOptionsFrom } from "./serve-options.ts";

const parse = (...argv: string[]) => mqttOptionsFrom(parseArgs(argv, MQTT_VALUED_FLAGS, MQTT_BOOLEAN_FLAGS), "10.0.0.5");

describe("serve MQTT options", () => {
  test("default: the embedded broker, MQTT over TLS on the hub's host at 8883 (may fall back when taken)", () => {
    expect(parse()).toEqual({ mode: "embedded", listen: { host: "10.0.0.5", port: 8883 }, listenIsDefault: true, publicUrls: [] });
    expect(parse("--mqtt-listen", "[::1]:0", "--mqtt-public-url", "wss://hub.example/mqtt", "--mqtt-public-url", "mqtts://hub.example")).toEqual({
      mode: "embedded",
      listen: { host: "::1", port: 0 },
      listenIsDefault: false,
      publicUrls: ["wss://hub.example:443/mqtt", "mqtts://hub.example:8883"],
    });
    expect(parse("--no-mqtt")).toEqual({ mode: "off" });
  });

  test("an external broker reads its password file (without the trailing newline)", () => {
    const dir = mkdtempSync(join(tmpdir(), "dca-mqtt-opts-"));
    try {
      writeFileSync(join(dir, "pw"), "s3cret pass\n");
      expect(parse("--mqtt-broker", "mqtts://mq.example", "--mqtt-user", "dca-hub", "--mqtt-password-file", join(dir, "pw"), "--mqtt-public-url", "wss://mq.example/mqtt")).toEqual({
        mode: "external",
        brokerUrl: "mqtts://mq.example",
        user: "dca-hub",
        password: "s3cret pass",
        caPem: undefined,
        publicUrls: ["wss://mq.example:443/mqtt"],
      });
      writeFileSync(join(dir, "empty"), "\n");
      expect(() => parse("--mqtt-broker", "mqtts://mq.example", "--mqtt-user", "u", "--mqtt-password-file", join(dir, "empty"), "--mqtt-public-url", "mqtts://mq.example")).toThrow("is empty");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [["--no-mqtt", "--mqtt-listen", "0.0.0.0:1"], "do not go together"],
    [["--mqtt-user", "u"], "needs --mqtt-broker"],
    [["--mqtt-broker", "mqtts://mq.example"], "needs --mqtt-user"],
    [["--mqtt-broker", "mqtts://mq.example", "--mqtt-user", "u", "--mqtt-password-file", "/nonexistent"], "needs --mqtt-public-url"],
    [["--mqtt-broker", "mqtt://mq.example"], "wss:// or mqtts://"],
    [["--mqtt-broker", "mqtts://mq.example", "--mqtt-listen", "0.0.0.0:1"], "runs none"],
    [["--mqtt-public-url", "ws://hub/mqtt"], "wss:// or mqtts://"],
    [["--mqtt-listen", "8883"], "HOST:PORT"],
    [["--mqtt-listen", "h:70000"], "HOST:PORT"],
  ])("%j is refused", (argv, why) => {
    expect(() => parse(...(argv as string[]))).toThrow(why as string);
  });
});
