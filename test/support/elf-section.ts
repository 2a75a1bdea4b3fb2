/**
 * Where a named section lies in an ELF64 little-endian file (the Linux executables
 * bun builds keep their embedded program in ".bun"), read from the section headers.
 */

/** The file offset and size of section `name`, or undefined when the file has none. */
export function elfSection(file: Uint8Array, name: string): { offset: number; size: number } | undefined {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (v.getUint32(0) !== 0x7f454c46 || file[4] !== 2 || file[5] !== 1) throw new Error("not an ELF64 little-endian file");
  const shoff = Number(v.getBigUint64(0x28, true));
  const shentsize = v.getUint16(0x3a, true);
  const shnum = v.getUint16(0x3c, true);
  const header = (i: number) => {
    const at = shoff + i * shentsize;
    return { name: v.getUint32(at, true), offset: Number(v.getBigUint64(at + 0x18, true)), size: Number(v.getBigUint64(at + 0x20, true)) };
  };
  const names = header(v.getUint16(0x3e, true));
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    let end = names.offset + h.name;
    while (file[end] !== 0) end++;
    if (new TextDecoder().decode(file.subarray(names.offset + h.name, end)) === name) return { offset: h.offset, size: h.size };
  }
  return undefined;
}
