/**
 * A first-in first-out queue with O(1) shift. Array.prototype.shift copies
 * the whole array, and the prober's retry queue holds tens of thousands of
 * entries at the end of a first pass over a /16.
 */

/** A FIFO queue. */
export interface Fifo<T> {
  readonly size: number;
  push(item: T): void;
  shift(): T | undefined;
  /** Puts items back at the front, keeping their order. */
  unshiftAll(items: readonly T[]): void;
  peek(): T | undefined;
}

/** Creates an empty queue. */
export function createFifo<T>(): Fifo<T> {
  let items: T[] = [];
  let head = 0;
  return {
    get size() {
      return items.length - head;
    },
    push(item) {
      items.push(item);
    },
    shift() {
      if (head >= items.length) return undefined;
      const item = items[head];
      items[head++] = undefined as T; // let the item be collected
      // Compact once the consumed prefix dominates, so memory follows the live size.
      if (head >= 1024 && head * 2 >= items.length) {
        items = items.slice(head);
        head = 0;
      }
      return item;
    },
    unshiftAll(list) {
      if (list.length === 0) return;
      items = [...list, ...items.slice(head)];
      head = 0;
    },
    peek() {
      return head < items.length ? items[head] : undefined;
    },
  };
}
