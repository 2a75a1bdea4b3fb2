/**
 * GET, GETNEXT, GETBULK and SET against one recording, with v1 semantics
 * (noSuchName, no Counter64) or v2c/v3 semantics (exception values).
 * Results point at the recording's pre-encoded varbinds; only exception
 * varbinds are built per request.
 */
import { Tag } from "../../../src/common/ber.ts";
import { PduType } from "../../../src/agent/snmp/message.ts";
import { EntryKind, type Recording, findExact, findNext, hasDescendant } from "../snmprec.ts";
import { type PduResult, headerSize } from "./packet-writer.ts";
import type { RequestPdu } from "./request-reader.ts";
import { type HostileMode, hostileAnswer } from "./hostile.ts";

/** SNMP error-status values used here. */
export const ErrorStatus = { noError: 0, tooBig: 1, noSuchName: 2, genErr: 5, notWritable: 17 } as const;

/** Creates the reusable result a handler fills in. */
export function createPduResult(): PduResult {
  return { errorStatus: 0, errorIndex: 0, parts: [], count: 0, length: 0, echo: false };
}

function reset(res: PduResult): void {
  res.errorStatus = 0;
  res.errorIndex = 0;
  res.count = 0;
  res.length = 0;
  res.echo = false;
}

function push(res: PduResult, part: Uint8Array): void {
  res.parts[res.count++] = part;
  res.length += part.length;
}

function fail(res: PduResult, status: number, index: number): void {
  res.errorStatus = status;
  res.errorIndex = index;
  res.echo = true;
}

/** A varbind whose value is an exception (or NULL), named by OID content bytes. */
export function exceptionVarbind(buf: Uint8Array, start: number, end: number, tag: number): Uint8Array {
  const oidLen = end - start;
  const oidTlv = headerSize(oidLen) + oidLen;
  const content = oidTlv + 2;
  const out = new Uint8Array(headerSize(content) + content);
  let p = 0;
  out[p++] = Tag.Sequence;
  if (content < 0x80) out[p++] = content;
  else if (content < 0x100) (out[p++] = 0x81), (out[p++] = content);
  else (out[p++] = 0x82), (out[p++] = content >> 8), (out[p++] = content & 0xff);
  out[p++] = Tag.Oid;
  if (oidLen < 0x80) out[p++] = oidLen;
  else if (oidLen < 0x100) (out[p++] = 0x81), (out[p++] = oidLen);
  else (out[p++] = 0x82), (out[p++] = oidLen >> 8), (out[p++] = oidLen & 0xff);
  out.set(buf.subarray(start, end), p);
  out[p + oidLen] = tag;
  return out;
}

/** Whether entry `i` may be served at all under this version. */
function servable(rec: Recording, i: number, v1: boolean): boolean {
  const k = rec.kinds[i];
  return k === EntryKind.Value || (!v1 && k !== EntryKind.Invalid);
}

/** First servable entry at or after `i`. */
function nextServable(rec: Recording, i: number, v1: boolean): number {
  while (i < rec.size && !servable(rec, i, v1)) i++;
  return i;
}

/** noSuchInstance when the object (the OID minus its last arc) has instances, else noSuchObject. */
function missingTag(rec: Recording, buf: Uint8Array, start: number, end: number): number {
  let p = end - 1;
  while (p > start && buf[p - 1] & 0x80) p--;
  return p > start && hasDescendant(rec, buf, start, p) ? Tag.NoSuchInstance : Tag.NoSuchObject;
}

function get(rec: Recording, req: RequestPdu, v1: boolean, res: PduResult): void {
  const { buf, oidStart, oidEnd } = req;
  for (let i = 0; i < oidStart.length; i++) {
    const k = findExact(rec, buf, oidStart[i], oidEnd[i]);
    if (k >= 0 && servable(rec, k, v1)) push(res, rec.varbinds[k]);
    else if (v1) return fail(res, ErrorStatus.noSuchName, i + 1);
    else if (k >= 0) push(res, exceptionVarbind(buf, oidStart[i], oidEnd[i], Tag.NoSuchInstance));
    else push(res, exceptionVarbind(buf, oidStart[i], oidEnd[i], missingTag(rec, buf, oidStart[i], oidEnd[i])));
  }
}

function getNext(rec: Recording, req: RequestPdu, v1: boolean, res: PduResult): void {
  const { buf, oidStart, oidEnd } = req;
  for (let i = 0; i < oidStart.length; i++) {
    const k = nextServable(rec, findNext(rec, buf, oidStart[i], oidEnd[i]), v1);
    if (k < rec.size) push(res, rec.varbinds[k]);
    else if (v1) return fail(res, ErrorStatus.noSuchName, i + 1);
    else push(res, exceptionVarbind(buf, oidStart[i], oidEnd[i], Tag.EndOfMibView));
  }
}

/**
 * RFC 3416 4.2.3: N non-repeaters, then up to M rows of the other columns.
 * Stops early when a row is all endOfMibView or the next varbind would not
 * fit `budget` octets; it never answers tooBig.
 */
function getBulk(rec: Recording, req: RequestPdu, budget: number, res: PduResult): void {
  const { buf, oidStart, oidEnd } = req;
  const total = oidStart.length;
  const n = Math.min(Math.max(req.errorStatus, 0), total);
  const m = Math.max(req.errorIndex, 0);
  for (let i = 0; i < n; i++) {
    const k = nextServable(rec, findNext(rec, buf, oidStart[i], oidEnd[i]), false);
    const part = k < rec.size ? rec.varbinds[k] : exceptionVarbind(buf, oidStart[i], oidEnd[i], Tag.EndOfMibView);
    if (res.length + part.length > budget) return;
    push(res, part);
  }
  const columns = total - n;
  if (columns === 0 || m === 0) return;
  // Per column: the last entry served, or -1 before the first row; `ended` holds the endOfMibView varbind.
  const cursor = new Array<number>(columns).fill(-1);
  const ended = new Array<Uint8Array | undefined>(columns);
  for (let row = 0; row < m; row++) {
    let live = 0;
    for (let c = 0; c < columns; c++) {
      let part = ended[c];
      if (!part) {
        const i = n + c;
        const from = cursor[c] < 0 ? findNext(rec, buf, oidStart[i], oidEnd[i]) : cursor[c] + 1;
        const k = nextServable(rec, from, false);
        if (k < rec.size) {
          cursor[c] = k;
          part = rec.varbinds[k];
          live++;
        } else {
          const name = cursor[c] < 0 ? buf.subarray(oidStart[i], oidEnd[i]) : rec.keys[cursor[c]];
          part = ended[c] = exceptionVarbind(name, 0, name.length, Tag.EndOfMibView);
        }
      }
      if (res.length + part.length > budget) return;
      push(res, part);
    }
    if (live === 0) return;
  }
}

/**
 * Answers one request PDU from a recording. `version` is 0 (v1), 1 (v2c)
 * or 3; `budget` is how many octets of varbinds fit the response; `hostile`
 * modes answer walks their own way (./hostile.ts). Returns
 * false for PDUs that get no answer (v1 GetBulk, responses, traps).
 */
export function handlePdu(rec: Recording, req: RequestPdu, version: number, budget: number, res: PduResult, hostile?: readonly HostileMode[]): boolean {
  reset(res);
  if (hostile?.length && hostileAnswer(hostile, req, version, res)) return true;
  const v1 = version === 0;
  switch (req.type) {
    case PduType.Get:
      get(rec, req, v1, res);
      break;
    case PduType.GetNext:
      getNext(rec, req, v1, res);
      break;
    case PduType.GetBulk:
      if (v1) return false;
      getBulk(rec, req, budget, res);
      return true;
    case PduType.Set:
      // A recording is read-only; RFC 2576 maps notWritable to noSuchName for v1.
      if (req.oidStart.length > 0) fail(res, v1 ? ErrorStatus.noSuchName : ErrorStatus.notWritable, 1);
      else res.echo = true;
      return true;
    default:
      return false;
  }
  if (!res.echo && res.length > budget) {
    // RFC 3416 4.2.1: tooBig with an empty list; RFC 1157 keeps the request's list.
    reset(res);
    res.errorStatus = ErrorStatus.tooBig;
    res.echo = v1;
  }
  return true;
}
