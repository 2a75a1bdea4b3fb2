/**
 * A hub-internal signal that a task changed (handed to an agent, a result
 * stored, canceled), so WatchTask answers at once instead of at its next
 * look at the store. Only the task's id travels: a watcher reads the task
 * from the store itself. Admin commands run in other processes and do not
 * fire it; WatchTask's slow poll of the store covers those.
 */

/** Fires and follows task changes within one hub process. */
export interface TaskEvents {
  /** Says that task `taskId` changed. */
  changed(taskId: string): void;
  /** Calls `fn` at each change of `taskId` until the returned function is called. */
  follow(taskId: string, fn: () => void): () => void;
}

/** Most watchers of one task at once (a page open in many tabs); more are simply not told early. */
const MAX_FOLLOWERS_PER_TASK = 256;

/** The events of one hub process. */
export function createTaskEvents(): TaskEvents {
  const followers = new Map<string, Set<() => void>>();
  return {
    changed(taskId) {
      for (const fn of followers.get(taskId) ?? []) {
        try {
          fn();
        } catch {
          // A watcher's failure is its own; the others are still told.
        }
      }
    },
    follow(taskId, fn) {
      let set = followers.get(taskId);
      if (!set) followers.set(taskId, (set = new Set()));
      if (set.size >= MAX_FOLLOWERS_PER_TASK) return () => {};
      set.add(fn);
      return () => {
        set.delete(fn);
        if (set.size === 0 && followers.get(taskId) === set) followers.delete(taskId);
      };
    },
  };
}
