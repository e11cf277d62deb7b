// Re-assembles src/shared/integer-dots.wat with wabt and writes the bytes into integer-dots.js's KERNEL_BASE64
// (run after editing the .wat: `node tools/assemble-kernel.mjs`; test/integer-dots.test.mjs checks they agree).
import { readFileSync, writeFileSync } from 'node:fs';
import wabtInit from 'wabt';

const watPath = new URL('../src/shared/integer-dots.wat', import.meta.url);
const jsPath = new URL('../src/shared/integer-dots.js', import.meta.url);
const wabt = await wabtInit();
const module = wabt.parseWat('integer-dots.wat', readFileSync(watPath, 'utf8'), { simd: true });
const bytes = Buffer.from(module.toBinary({}).buffer);
const base64 = bytes.toString('base64');
module.destroy();
const js = readFileSync(jsPath, 'utf8');
const updated = js.replace(/export const KERNEL_BASE64 = '[^']*';/, `export const KERNEL_BASE64 = '${base64}';`);
if (updated === js && !js.includes(base64)) throw new Error('KERNEL_BASE64 not found in integer-dots.js');
writeFileSync(jsPath, updated);
console.log(`integer-dots.wat: ${bytes.length} bytes, written into integer-dots.js`);
