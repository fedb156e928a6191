#!/usr/bin/env node
/**
 * Writes the web app's PNG icons into frontend/public/icons/ from the same
 * drawing as favicon.svg (the white "M" on the blue tile), with no image
 * library: each pixel is 4×4 supersampled against the shapes and the PNG is
 * encoded with node:zlib. Run it after changing the logo, and commit the files:
 *
 *   node scripts/generate-icons.mjs
 *
 * - icon-192.png, icon-512.png: the rounded tile on a transparent background ("any");
 * - icon-maskable-512.png: a full-bleed tile with the "M" inside the central 80 %
 *   safe zone, for launchers that cut their own shape ("maskable");
 * - apple-touch-icon.png (180×180): full-bleed, iOS rounds the corners itself.
 */
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'frontend', 'public', 'icons');
const BLUE = [0x1f, 0x6f, 0xeb];
const WHITE = [0xff, 0xff, 0xff];
// favicon.svg's "M", in its 32×32 view box.
const M = [
  [7, 23],
  [7, 9],
  [10.2, 9],
  [16, 17.4],
  [21.8, 9],
  [25, 9],
  [25, 23],
  [21.8, 23],
  [21.8, 14.4],
  [16, 22.6],
  [10.2, 14.4],
  [10.2, 23],
];

function inPolygon(x, y, points) {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inRoundedSquare(x, y, size, radius) {
  const cx = Math.min(Math.max(x, radius), size - radius);
  const cy = Math.min(Math.max(y, radius), size - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

/** RGBA pixels of one icon: the blue tile (rounded or full-bleed) with the "M" scaled by `scale` about the centre. */
function draw(size, { rounded, scale }) {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let tile = 0;
      let mark = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = ((px + (sx + 0.5) / samples) / size) * 32;
          const y = ((py + (sy + 0.5) / samples) / size) * 32;
          const onTile = rounded ? inRoundedSquare(x, y, 32, 7) : true;
          if (!onTile) continue;
          tile++;
          if (inPolygon(16 + (x - 16) / scale, 16 + (y - 16) / scale, M)) mark++;
        }
      }
      const n = samples * samples;
      const t = mark / Math.max(tile, 1);
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) pixels[i + c] = Math.round(BLUE[c] * (1 - t) + WHITE[c] * t);
      pixels[i + 3] = Math.round((255 * tile) / n);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(size, pixels) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4); // filter 0 per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

fs.mkdirSync(OUT, { recursive: true });
const icons = [
  ['icon-192.png', 192, { rounded: true, scale: 1 }],
  ['icon-512.png', 512, { rounded: true, scale: 1 }],
  ['icon-maskable-512.png', 512, { rounded: false, scale: 0.75 }],
  ['apple-touch-icon.png', 180, { rounded: false, scale: 0.9 }],
];
for (const [name, size, options] of icons) {
  fs.writeFileSync(path.join(OUT, name), png(size, draw(size, options)));
  console.log(`wrote frontend/public/icons/${name} (${size}×${size})`);
}
