import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

/** One entry of a test archive: a file (data), a folder, or a link to `target`; `name` is written as given. */
export interface TArchiveEntry {
  name: string;
  data?: Buffer | string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  target?: string;
}

/** Every file under `dir` as archive entries named `<prefix><relative path>`. */
export function courseTree(dir: string, prefix = ''): TArchiveEntry[] {
  const out: TArchiveEntry[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      const rel = `${prefix}${path.relative(dir, full).split(path.sep).join('/')}`;
      if (statSync(full).isDirectory()) walk(full);
      else out.push({ name: rel, data: readFileSync(full) });
    }
  };
  walk(dir);
  return out;
}

const bytes = (d: Buffer | string | undefined) => (typeof d === 'string' ? Buffer.from(d) : (d ?? Buffer.alloc(0)));

/** A zip archive (deflated entries; links carry the Unix symlink mode in their external attributes). */
export function zip(entries: TArchiveEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.type === 'dir' && !e.name.endsWith('/') ? `${e.name}/` : e.name);
    const raw = e.type === 'symlink' ? Buffer.from(e.target ?? '') : bytes(e.data);
    const packed = e.type === 'dir' ? Buffer.alloc(0) : deflateRawSync(raw);
    const method = e.type === 'dir' ? 0 : 8;
    const crc = crc32(raw);
    const mode = e.type === 'symlink' ? 0o120777 : e.type === 'dir' ? 0o040755 : 0o100644;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A gzipped tar archive (ustar headers written by hand, so any name and any entry type can be tested). */
export function tarGz(entries: TArchiveEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = e.type === 'file' || e.type === undefined ? bytes(e.data) : Buffer.alloc(0);
    const h = Buffer.alloc(512);
    h.write(e.name.slice(0, 100), 0, 'utf8');
    h.write(`${(e.type === 'dir' ? 0o755 : 0o644).toString(8).padStart(7, '0')}\0`, 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write(
      `${Math.floor(Date.now() / 1000)
        .toString(8)
        .padStart(11, '0')}\0`,
      136,
    );
    h.write('        ', 148);
    h.write({ file: '0', dir: '5', symlink: '2', hardlink: '1' }[e.type ?? 'file'], 156);
    if (e.target) h.write(e.target.slice(0, 100), 157);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
