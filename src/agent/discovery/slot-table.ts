/**
 * The state of a sweep's targets in flight, in typed arrays: about 25 bytes
 * per target (address, port, round, state, deadline, id tag, free list)
 * instead of an object per probe, so a whole /16 fits in flight in a few
 * megabytes and a /8 costs no more than what is in flight.
 *
 * A probe's request id names its slot: id = SWEEP_ID_BIT | tag << slotBits
 * | (slot ^ salt). The tag is drawn at random each time a slot takes a
 * target, and the salt once per table, so a reply is matched without a
 * lookup, a late reply to a slot's previous target is refused (its tag is
 * gone), and an id cannot be guessed from a slot number. The reply's source
 * address and port are still checked against the slot's target: an id is
 * only as good as the address it was sent to.
 */
import { addressKey, formatIpv4, parseIpv4 } from "../../common/ip-address.ts";
import type { Target } from "./targets.ts";

/** Bit 30 marks a sweep probe's id; follow-up requests use ids below it. */
export const SWEEP_ID_BIT = 0x4000_0000;
/** Largest table: 2^20 slots (about 25 MB), enough for 1M packets/s with a 1 s timeout. */
export const MAX_SLOTS = 1 << 20;

/** Slot states. */
export const FREE = 0;
/** Waiting for its turn to send (new, due for a retry, or put back after a full socket). */
export const QUEUED = 1;
/** Sent; waiting for a reply until its deadline. */
export const WAITING = 2;

/** Targets in flight, by slot number. */
export interface SlotTable {
  readonly capacity: number;
  /** Slots holding a target. */
  readonly used: number;
  readonly state: Uint8Array;
  /** Rounds sent so far for the slot's target. */
  readonly round: Uint8Array;
  readonly port: Uint16Array;
  readonly family: Uint8Array;
  /** When the last send times out (monotonic ms). */
  readonly deadline: Float64Array;
  /** Puts a target in a free slot (state QUEUED, round 0); -1 when every slot is taken. */
  take(target: Target): number;
  /** The same for an IPv4 address given as its 32-bit value (no string kept). */
  takeV4(value: number, port: number): number;
  free(slot: number): void;
  address(slot: number): string;
  /** True when a reply from address:port comes from the slot's target. */
  isFrom(slot: number, address: string, port: number): boolean;
  idOf(slot: number): number;
  /** The live slot an id names, or -1. */
  slotOf(id: number): number;
}

/** Creates a table of `capacity` slots (1 to MAX_SLOTS); `random` in [0, 1) draws the tags and salt. */
export function createSlotTable(capacity: number, random: () => number): SlotTable {
  if (!(capacity >= 1 && capacity <= MAX_SLOTS)) throw new RangeError(`slot capacity must be 1 to ${MAX_SLOTS}, got ${capacity}`);
  const slotBits = Math.max(1, Math.ceil(Math.log2(capacity)));
  const slotMask = (1 << slotBits) - 1;
  const tagLimit = 2 ** (30 - slotBits);
  const salt = Math.floor(random() * (slotMask + 1));
  const state = new Uint8Array(capacity);
  const round = new Uint8Array(capacity);
  const port = new Uint16Array(capacity);
  const family = new Uint8Array(capacity);
  const deadline = new Float64Array(capacity);
  const v4 = new Uint32Array(capacity);
  const tag = new Uint32Array(capacity);
  // IPv6 (and anything not a dotted quad) keeps its string; allocated only when one comes.
  let other: (string | undefined)[] | undefined;
  const freeList = new Int32Array(capacity);
  let freeCount = capacity;
  for (let i = 0; i < capacity; i++) freeList[i] = capacity - 1 - i;

  const occupy = (fam: number, at: number): number => {
    if (freeCount === 0) return -1;
    const slot = freeList[--freeCount];
    state[slot] = QUEUED;
    round[slot] = 0;
    port[slot] = at;
    family[slot] = fam;
    tag[slot] = Math.floor(random() * tagLimit);
    return slot;
  };

  const takeV4 = (value: number, at: number): number => {
    const slot = occupy(4, at);
    if (slot >= 0) v4[slot] = value;
    return slot;
  };

  return {
    capacity,
    get used() {
      return capacity - freeCount;
    },
    state,
    round,
    port,
    family,
    deadline,
    take(target) {
      const value = target.family === 4 ? parseIpv4(target.address) : null;
      if (value !== null) return takeV4(value, target.port);
      const slot = occupy(target.family, target.port);
      if (slot >= 0) (other ??= new Array(capacity))[slot] = target.address;
      return slot;
    },
    takeV4,
    free(slot) {
      if (state[slot] === FREE) return;
      state[slot] = FREE;
      if (other) other[slot] = undefined;
      freeList[freeCount++] = slot;
    },
    address: (slot) => other?.[slot] ?? formatIpv4(v4[slot]),
    isFrom(slot, address, from) {
      if (from !== port[slot]) return false;
      const text = other?.[slot];
      if (text === undefined) return parseIpv4(address) === v4[slot] || addressKey(address) === formatIpv4(v4[slot]);
      return address === text || addressKey(address) === addressKey(text);
    },
    idOf: (slot) => SWEEP_ID_BIT + tag[slot] * (slotMask + 1) + (slot ^ salt),
    slotOf(id) {
      if (id < SWEEP_ID_BIT || id > 0x7fff_ffff) return -1;
      const rest = id - SWEEP_ID_BIT;
      const slot = (rest & slotMask) ^ salt;
      if (slot >= capacity || state[slot] === FREE || tag[slot] !== Math.floor(rest / (slotMask + 1))) return -1;
      return slot;
    },
  };
}
