/**
 * Where a reading goes the moment it is made: straight from the collector
 * into the outbox, not back up through the run loop. The loop only hears
 * that something was stored, so that it uploads soon.
 */
import type { DeviceReading } from "../../gen/dca/v1/reading_pb.ts";

/** Takes readings durably; the Outbox is one. */
export interface ReadingSink {
  /** Stores `reading` and returns its id, or undefined when the sink takes no more (the service is stopping). */
  put(reading: DeviceReading, opts?: { taskId?: string }): string | undefined;
}

/** When a gated sink closes, and whom it tells about each reading. */
export interface GateOptions {
  /** Once aborted, readings are refused: the outbox is about to close. */
  closed: AbortSignal;
  /** Called after each reading stored. */
  onStored(): void;
}

/**
 * The sink the service's jobs and tasks write to: `sink` itself until the
 * service stops, with word of each reading stored. A pass still running
 * when the service stops keeps its readings from then on to itself rather
 * than writing into a closing outbox; it is not recorded as done, so the
 * next start runs it again.
 */
export function gateSink(sink: ReadingSink, opts: GateOptions): ReadingSink {
  return {
    put(reading, putOpts) {
      if (opts.closed.aborted) return undefined;
      const id = sink.put(reading, putOpts);
      opts.onStored();
      return id;
    },
  };
}
