/**
 * The state folder's atomic writes: src/common's, plus a check of the
 * resulting mode (identity and sealed files must stay 0600).
 */
import { writeFileAtomic as write } from "../../common/write-file-atomic.ts";
import { assertMode } from "./ensure-state-dir.ts";

export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  write(path, data, mode);
  assertMode(path, mode);
}
