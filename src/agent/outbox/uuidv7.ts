/**
 * UUIDv7 ids (RFC 9562): a 48-bit Unix-millisecond timestamp, then a 12-bit
 * counter in rand_a and 62 random bits. The outbox gives every reading one,
 * and the hub stores readings idempotently by it, so ids must never repeat,
 * not even across agent restarts; the random bits see to that.
 */

/** A function that returns a new UUIDv7 string on each call. */
export type Uuidv7Generator = () => string;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * Creates a generator whose ids increase strictly, as strings too, for the
 * life of the generator: within one millisecond the counter (RFC 9562 §6.2,
 * method 1) goes up, and when the clock steps back the generator keeps its
 * last timestamp rather than going back with it.
 */
export function createUuidv7(now: () => number = Date.now): Uuidv7Generator {
  let lastMs = -1;
  let counter = 0;
  const rnd = new Uint8Array(10);
  const bytes = new Uint8Array(16);
  return () => {
    crypto.getRandomValues(rnd);
    const ms = Math.floor(now());
    if (ms > lastMs) {
      lastMs = ms;
      // Start the counter in its lower half so that at least 2,048 ids fit in one millisecond.
      counter = ((rnd[0] << 8) | rnd[1]) & 0x7ff;
    } else if (++counter > 0xfff) {
      // Counter exhausted: borrow the next millisecond rather than break the order.
      lastMs++;
      counter = 0;
    }
    const hi = Math.floor(lastMs / 2 ** 32);
    const lo = lastMs >>> 0;
    bytes[0] = (hi >>> 8) & 0xff;
    bytes[1] = hi & 0xff;
    bytes[2] = lo >>> 24;
    bytes[3] = (lo >>> 16) & 0xff;
    bytes[4] = (lo >>> 8) & 0xff;
    bytes[5] = lo & 0xff;
    bytes[6] = 0x70 | (counter >>> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (rnd[2] & 0x3f);
    bytes.set(rnd.subarray(3), 9);
    let s = "";
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) s += "-";
      s += HEX[bytes[i]];
    }
    return s;
  };
}

/** A new UUIDv7 from the process-wide generator (strictly increasing within this process). */
export const uuidv7: Uuidv7Generator = createUuidv7();

/** The Unix-millisecond timestamp inside a UUIDv7 string. */
export function uuidv7Time(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
