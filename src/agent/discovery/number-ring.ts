/**
 * A first-in first-out queue of numbers in one Float64Array that doubles
 * when full: the sweep's queues of slot numbers and deadlines, with no
 * object per entry, so a /16 in flight costs bytes, not objects.
 */

/** A FIFO of numbers. */
export interface NumberRing {
  readonly size: number;
  push(value: number): void;
  /** Puts a value back at the front (the next shift returns it). */
  unshift(value: number): void;
  /** The first value; only when size > 0. */
  peek(): number;
  /** Removes and returns the first value; only when size > 0. */
  shift(): number;
  clear(): void;
}

/** The element type of a ring: Int32Array for slot numbers (half the bytes), Float64Array for times. */
export type RingKind = Int32ArrayConstructor | Float64ArrayConstructor;

/**
 * Creates an empty ring of `capacity` entries; it doubles when full and never shrinks (its users
 * reach a steady size: given that size up front, it never copies, and never leaves old buffers
 * for the collector).
 */
export function createNumberRing(capacity = 64, Kind: RingKind = Float64Array): NumberRing {
  let buf: Int32Array | Float64Array = new Kind(Math.max(4, capacity));
  let head = 0;
  let size = 0;
  const grow = () => {
    const next = new Kind(buf.length * 2);
    for (let i = 0; i < size; i++) next[i] = buf[(head + i) % buf.length];
    buf = next;
    head = 0;
  };
  return {
    get size() {
      return size;
    },
    push(value) {
      if (size === buf.length) grow();
      buf[(head + size) % buf.length] = value;
      size++;
    },
    unshift(value) {
      if (size === buf.length) grow();
      head = (head - 1 + buf.length) % buf.length;
      buf[head] = value;
      size++;
    },
    peek: () => buf[head],
    shift() {
      const v = buf[head];
      head = (head + 1) % buf.length;
      size--;
      return v;
    },
    clear() {
      head = 0;
      size = 0;
    },
  };
}
