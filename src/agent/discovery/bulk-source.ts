/**
 * What the exchange engine needs from a sender of many packets (a sweep):
 * the sweep keeps its own compact state and ids, the engine owns the
 * sockets, the pacing and the timer, and asks it for packets each pump.
 */
import type { Family } from "../../common/ip-address.ts";
import type { Reply } from "./probe-packets.ts";

/** What became of a reply. */
export type ReplyOutcome = "matched" | "unknownId" | "wrongSource" | "mismatched";

/** Where a bulk source puts its packets during one pump; the engine sends them when fill() returns. */
export interface PacketBatch {
  /**
   * Adds a packet; `token` comes back through unsent() if it does not leave. "wait": the
   * family's socket is opening (add nothing more now); "fail": it cannot be opened.
   */
  add(family: Family, bytes: Uint8Array, port: number, address: string, token: number): "ok" | "wait" | "fail";
}

/** A sender of many packets with its own state (a sweep). */
export interface BulkSource {
  /** Handles what timed out by `now`: resend or give up. */
  expire(now: number): void;
  /** Adds up to about `budget` packets (a target's round may overshoot by a few); returns how many. */
  fill(batch: PacketBatch, budget: number, now: number): number;
  /** A packet of `token` did not leave (the socket was full): send it again later. */
  unsent(token: number): void;
  /** A reply whose id has SWEEP_ID_BIT set. */
  receive(reply: Reply, address: string, port: number, now: number): ReplyOutcome;
  /** The earliest pending deadline, or Infinity. */
  nextDeadline(): number;
}
