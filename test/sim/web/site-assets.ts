/**
 * The static parts of the simulated printer's web site, all made here (no
 * vendor asset is copied): PNG images encoded by hand, an SVG logo, the
 * style sheet and the script, and the deterministic bytes of the download
 * endpoint, so a test can check every byte that crossed a tunnel.
 */
import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A valid RGB PNG of `width` x `height` whose pixel at (x, y) is `pixel(x, y)`
 * ([r, g, b]). (Chromium does not check IDAT's CRC; a truncated or missing
 * image is what the browser tests catch.)
 */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3); // filter byte 0 (None) starts each row
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit depth, truecolour, deflate, no filter set, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array(0))]);
}

/** Toner colours of the status page, as RGB. */
export const TONER_RGB: Record<string, [number, number, number]> = {
  black: [30, 30, 30],
  cyan: [0, 160, 220],
  magenta: [210, 0, 120],
  yellow: [250, 210, 0],
};

/** A 24x48 toner cartridge icon: the colour below a grey cap. */
export function tonerPng(rgb: [number, number, number]): Buffer {
  return encodePng(24, 48, (x, y) => (y < 8 || x < 2 || x > 21 ? [150, 150, 150] : rgb));
}

/** A 96x64 drawing of a printer: body, paper tray, a status light. */
export function printerPng(): Buffer {
  return encodePng(96, 64, (x, y) => {
    if (y > 8 && y < 16 && x > 20 && x < 76) return [255, 255, 255]; // paper out of the top
    if (y >= 16 && y < 52 && x > 6 && x < 90) return x > 78 && x < 84 && y > 20 && y < 26 ? [0, 200, 60] : [90, 96, 110];
    if (y >= 52 && y < 58 && x > 14 && x < 82) return [60, 64, 72];
    return [240, 242, 245];
  });
}

/** The maker's logo: an SVG of our own. */
export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32" viewBox="0 0 120 32"><rect width="120" height="32" rx="6" fill="#23407a"/><circle cx="16" cy="16" r="9" fill="#f5b400"/><text x="32" y="22" font-family="sans-serif" font-size="15" fill="#fff">SimPrint</text></svg>`;

/** The site's style sheet: the level bars of the status page depend on it. */
export const STYLE_CSS = `body{font-family:sans-serif;margin:0;background:#f0f2f5}
header{background:#23407a;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:center}
nav a{color:#fff;margin-right:12px}
main{padding:16px}
table.supplies td{padding:4px 8px}
.bar{width:200px;height:14px;background:#ddd;border:1px solid #999}
.bar span{display:block;height:100%}
.error{color:#b00020}
`;

/** The site's script: fills the counters from the JSON status (as EWS pages do with XHR) and marks that it ran. */
export const APP_JS = `document.documentElement.dataset.script = "ran";
window.addEventListener("DOMContentLoaded", function () {
  var out = document.getElementById("live-counter");
  if (!out) return;
  fetch("/api/status.json").then(function (r) { return r.json(); }).then(function (s) {
    out.textContent = String(s.totalPages);
    out.dataset.loaded = "yes";
  });
});
`;

/**
 * Byte `offset + i` of every download: a multiplicative hash of its
 * position, so a lost, repeated or reordered block changes the digest.
 */
export function downloadBytes(offset: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = Math.imul(offset + i, 0x9e3779b1) >>> 24;
  return out;
}

/** Parses the size in `/download/<size>`: `5mb`, `64kb` or a number of bytes; undefined if not one or above 1 GiB. */
export function downloadLength(size: string): number | undefined {
  const m = /^(\d{1,10})(kb|mb)?$/i.exec(size);
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2]?.toLowerCase() === "mb" ? 1024 * 1024 : m[2] ? 1024 : 1);
  return n <= 1024 * 1024 * 1024 ? n : undefined;
}
