import { describe, expect, test } from "bun:test";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { TEXT_LIMITS } from "../../common/wire-limits.ts";
import { manualClock } from "../../../test/support/manual-clock.ts";
import { type AgentStatus, describePollFailure, pollHub } from "./poll-hub.ts";
import { createFakeHub } from "./testdata/fake-hub.ts";

const status = (over: Partial<AgentStatus> = {}): AgentStatus => ({
  configVersion: 3n,
  outbox: { depth: 12, bytes: 34_567, droppedTotal: 2n },
  agentVersion: "1.2.3",
  hostname: "print-room",
  lastDiscoveryAt: Date.parse("2026-03-01T06:00:00Z"),
  lastError: "",
  knownDevices: 5,
  ...over,
});

describe("one poll", () => {
  test("the heartbeat says what the agent runs and holds", async () => {
    const hub = createFakeHub(manualClock());
    await pollHub(hub, status());
    const req = hub.polls[0]!.req;
    expect(req).toMatchObject({ configVersion: 3n, outboxDepth: 12n, outboxBytes: 34_567n, droppedReadings: 2n, agentVersion: "1.2.3", hostname: "print-room", knownDevices: 5 });
    expect(timestampMs(req.lastDiscovery!)).toBe(Date.parse("2026-03-01T06:00:00Z"));
    expect(req.lastRead).toBeUndefined();
  });

  test("last_error is cut to the wire's limit, so a long error cannot fail every poll", async () => {
    const hub = createFakeHub(manualClock());
    const long = `upload failed: ${"x".repeat(3 * TEXT_LIMITS.lastError)}`;
    await pollHub(hub, status({ lastError: long }));
    await pollHub(hub, status({ lastError: "poll failed: short" }));
    await pollHub(hub, status({ lastError: "y".repeat(TEXT_LIMITS.lastError) }));
    const sent = hub.polls.map((p) => p.req.lastError);
    expect(sent[0]).toHaveLength(TEXT_LIMITS.lastError);
    expect(sent[0]).toBe(long.slice(0, TEXT_LIMITS.lastError));
    expect(sent[1]).toBe("poll failed: short");
    expect(sent[2]).toHaveLength(TEXT_LIMITS.lastError);
  });

  test("hostname and version are cut to their limits too", async () => {
    const hub = createFakeHub(manualClock());
    await pollHub(hub, status({ hostname: "h".repeat(1000), agentVersion: "v".repeat(1000) }));
    expect(hub.polls[0]!.req.hostname).toHaveLength(TEXT_LIMITS.hostname);
    expect(hub.polls[0]!.req.agentVersion).toHaveLength(TEXT_LIMITS.agentVersion);
  });

  test("a failure in words: a refused credential says how to re-activate", () => {
    expect(describePollFailure(new ConnectError("nope", Code.Unauthenticated))).toContain("re-activate with: dca activate --force");
    expect(describePollFailure(new ConnectError("connect ECONNREFUSED", Code.Unavailable))).toBe("poll failed: [unavailable] connect ECONNREFUSED");
    expect(describePollFailure(new Error("boom"))).toStartWith("poll failed: ");
  });
});
