/**
 * A byte-stream check that no MQTT packet from a client is longer than a
 * limit. aedes (through mqtt-packet) buffers a whole packet before anyone
 * can look at it, so a client could otherwise make the broker hold
 * megabytes; this reads only the fixed headers (MQTT 3.1.1, 2.2) as bytes
 * pass and says stop as soon as a declared length is too big.
 */

/** Feed it every chunk in order; it returns false once a packet exceeds `maxBytes` or a header is malformed. */
export type PacketSizeGuard = (chunk: Uint8Array) => boolean;

export function createPacketSizeGuard(maxBytes: number): PacketSizeGuard {
  // State between chunks: reading a header (type byte, then 1-4 length bytes) or skipping a body.
  let inHeader = true;
  let headerBytes = 0;
  let length = 0;
  let multiplier = 1;
  let bodyLeft = 0;
  let failed = false;
  return (chunk) => {
    if (failed) return false;
    let i = 0;
    while (i < chunk.length) {
      if (!inHeader) {
        const n = Math.min(bodyLeft, chunk.length - i);
        bodyLeft -= n;
        i += n;
        if (bodyLeft === 0) inHeader = true;
        continue;
      }
      const b = chunk[i++]!;
      headerBytes++;
      if (headerBytes === 1) {
        length = 0;
        multiplier = 1;
        continue;
      }
      length += (b & 0x7f) * multiplier;
      multiplier *= 128;
      if (b & 0x80) {
        // A fifth length byte is malformed (2.2.3).
        if (headerBytes === 5) return (failed = true) && false;
        continue;
      }
      if (headerBytes + length > maxBytes) return (failed = true) && false;
      headerBytes = 0;
      bodyLeft = length;
      inHeader = bodyLeft === 0;
    }
    return true;
  };
}
