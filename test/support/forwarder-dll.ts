/**
 * Writes a minimal 64-bit Windows DLL whose only content is export forwarders: `name` ->
 * "otherdll.Function". No code, no entry point: the loader resolves each import to the target.
 *
 * Why: Bun's Windows executables import ProcessPrng from bcryptprimitives.dll (Windows 10 and
 * later), which Debian's wine 8 lacks (wine 9 added it), so the Windows build cannot even load
 * under it. The wine tests put bcryptprimitives.dll forwarding ProcessPrng to
 * cryptbase.SystemFunction036 (RtlGenRandom: the same bytes-and-length call) into their prefix.
 */

/** The DLL's bytes: `dllName` exporting each key of `forwards` as a forwarder to its value. */
export function forwarderDll(dllName: string, forwards: Readonly<Record<string, string>>): Uint8Array {
  const FILE_ALIGN = 0x200;
  const RVA = 0x1000;
  const names = Object.keys(forwards).sort(); // the loader binary-searches the name table
  const n = names.length;
  // The export section: directory (40), address table (4n), name pointers (4n), ordinals (2n), strings.
  const strings: string[] = [dllName, ...names, ...names.map((k) => forwards[k])];
  let offset = 40 + 4 * n + 4 * n + 2 * n;
  const stringRva = new Map<number, number>();
  strings.forEach((s, i) => {
    stringRva.set(i, RVA + offset);
    offset += s.length + 1;
  });
  const exportSize = offset;
  const rawSize = Math.ceil(exportSize / FILE_ALIGN) * FILE_ALIGN;
  const buf = new DataView(new ArrayBuffer(FILE_ALIGN + rawSize));
  const bytes = new Uint8Array(buf.buffer);
  const u16 = (at: number, v: number) => buf.setUint16(at, v, true);
  const u32 = (at: number, v: number) => buf.setUint32(at, v, true);
  const ascii = (at: number, s: string) => bytes.set(new TextEncoder().encode(s), at);

  ascii(0, "MZ");
  u32(0x3c, 0x40);
  ascii(0x40, "PE\0\0");
  const coff = 0x44;
  u16(coff, 0x8664); // x64
  u16(coff + 2, 1); // one section
  u16(coff + 16, 240); // optional header size (PE32+)
  u16(coff + 18, 0x2022); // executable image, large-address aware, DLL
  const opt = coff + 20;
  u16(opt, 0x20b); // PE32+
  u32(opt + 8, rawSize); // initialized data
  u32(opt + 20, RVA); // base of code
  buf.setBigUint64(opt + 24, 0x180000000n, true); // image base
  u32(opt + 32, 0x1000); // section alignment
  u32(opt + 36, FILE_ALIGN);
  u16(opt + 40, 6); // OS 6.0
  u16(opt + 48, 6); // subsystem 6.0
  u32(opt + 56, RVA + Math.ceil(rawSize / 0x1000) * 0x1000); // size of image
  u32(opt + 60, FILE_ALIGN); // size of headers
  u16(opt + 68, 3); // console subsystem
  buf.setBigUint64(opt + 72, 0x100000n, true);
  buf.setBigUint64(opt + 80, 0x1000n, true);
  buf.setBigUint64(opt + 88, 0x100000n, true);
  buf.setBigUint64(opt + 96, 0x1000n, true);
  u32(opt + 108, 16); // data directories
  u32(opt + 112, RVA); // [0] exports
  u32(opt + 116, exportSize); // forwarder strings lie inside it, which is what makes them forwarders
  const section = opt + 240;
  ascii(section, ".rdata");
  u32(section + 8, exportSize);
  u32(section + 12, RVA);
  u32(section + 16, rawSize);
  u32(section + 20, FILE_ALIGN);
  u32(section + 36, 0x40000040); // initialized data, readable

  const at = (rva: number) => FILE_ALIGN + rva - RVA;
  const dir = at(RVA);
  u32(dir + 12, stringRva.get(0)!); // DLL name
  u32(dir + 16, 1); // ordinal base
  u32(dir + 20, n);
  u32(dir + 24, n);
  u32(dir + 28, RVA + 40); // address table
  u32(dir + 32, RVA + 40 + 4 * n); // name pointers
  u32(dir + 36, RVA + 40 + 8 * n); // ordinals
  names.forEach((_, i) => {
    u32(dir + 40 + 4 * i, stringRva.get(1 + n + i)!);
    u32(dir + 40 + 4 * n + 4 * i, stringRva.get(1 + i)!);
    u16(dir + 40 + 8 * n + 2 * i, i);
  });
  strings.forEach((s, i) => ascii(at(stringRva.get(i)!), `${s}\0`));
  return bytes;
}
