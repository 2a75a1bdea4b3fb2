/**
 * One follow-up request on the wire (a GET to a device that answered a
 * probe) as the exchange engine tracks it: callbacks live on a shared
 * owner, and the packet is encoded again for each send instead of being
 * kept. A sweep's probes are not exchanges: they are slots (slot-table.ts).
 */
import type { Family } from "../../common/ip-address.ts";
import type { Reply } from "./probe-packets.ts";

/** Why an exchange ended without a reply. */
export type GiveUpReason = "timeout" | "no-socket" | "closed";

/** Callbacks shared by all exchanges of one user (a sweep, the request function). */
export interface ExchangeOwner<T> {
  /** False when the reply is not what this request expects (wrong version, community, PDU type). */
  accepts(ex: Exchange<T>, reply: Reply): boolean;
  onReply(ex: Exchange<T>, reply: Reply, rttMs: number): void;
  onGiveUp(ex: Exchange<T>, reason: GiveUpReason): void;
}

/** Exchange states. */
export const QUEUED = 0;
export const WAITING = 1;
export const CLOSED = 2;

/** One request on the wire, with its retransmissions. */
export interface Exchange<T = unknown> {
  family: Family;
  address: string;
  port: number;
  /** Encodes the request for its id (called for every send). */
  build: (id: number) => Uint8Array;
  owner: ExchangeOwner<T>;
  /** The owner's data. */
  data: T;
  retriesLeft: number;
  /** Engine bookkeeping, set by submit(). */
  id: number;
  state: number;
  sentAt: number;
  deadline: number;
}

/** Creates an exchange with its bookkeeping fields in place (one object shape for all). */
export function newExchange<T>(
  fields: Pick<Exchange<T>, "family" | "address" | "port" | "build" | "owner" | "data" | "retriesLeft">,
): Exchange<T> {
  return { ...fields, id: 0, state: QUEUED, sentAt: 0, deadline: 0 };
}
