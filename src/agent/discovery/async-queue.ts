/**
 * A push-driven async iterable: the prober pushes answers as replies
 * arrive, a `for await` loop takes them. Breaking out of the loop calls
 * `onReturn`, which is how a consumer cancels a sweep.
 */

/** Producer side plus the iterable. */
export interface AsyncQueue<T> extends AsyncIterable<T> {
  push(item: T): void;
  /** No more items; pending and later next() calls finish. */
  end(): void;
  readonly ended: boolean;
}

/** Creates a queue; `onReturn` runs when a consumer stops iterating early. */
export function createAsyncQueue<T>(onReturn: () => void = () => {}): AsyncQueue<T> {
  const items: T[] = [];
  let head = 0;
  let ended = false;
  let waiter: ((r: IteratorResult<T>) => void) | undefined;

  const iterator: AsyncIterator<T> = {
    next() {
      if (head < items.length) {
        const value = items[head++];
        if (head === items.length) {
          items.length = 0;
          head = 0;
        }
        return Promise.resolve({ value, done: false });
      }
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiter = resolve));
    },
    return() {
      if (!ended) onReturn();
      ended = true;
      return Promise.resolve({ value: undefined, done: true });
    },
  };

  return {
    push(item) {
      if (ended) return;
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        w({ value: item, done: false });
      } else {
        items.push(item);
      }
    },
    end() {
      ended = true;
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        w({ value: undefined, done: true });
      }
    },
    get ended() {
      return ended;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
}
