// Size report of the browser bundles: per bundle the bytes a browser downloads (raw and
// brotli, as served), then the largest crates and functions by code size, read from the
// function names wasm-bindgen keeps (target/bundles/<bundle>.names.wasm, written by
// scripts/build-site.sh before wasm-opt strips the names; sizes there are before -Oz, so
// they rank rather than add up to the shipped bytes).
//
// usage: scripts/size-report.sh [top N]   (node scripts/size-report.mjs [site root] [top N])
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';
import { join } from 'node:path';

const site = process.argv[2] || process.env.LEPTOS_SITE_ROOT || 'target/site';
const top = Number(process.argv[3] || 25);
const target = process.env.CARGO_TARGET_DIR || 'target';
const build = readFileSync(join(site, 'pkg', 'build.txt'), 'utf8').trim(); // app.<hash>
const hash = build.slice('app'.length);

function brotli(path) {
  const br = path + '.br';
  if (existsSync(br)) return readFileSync(br).length;
  return brotliCompressSync(readFileSync(path), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

// --- a minimal WASM reader: the code section's bodies and the name section's functions
function leb(buf, pos) {
  let result = 0, shift = 0, b;
  do { b = buf[pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return [result, pos];
}
function sections(buf) {
  const out = [];
  let pos = 8;
  while (pos < buf.length) {
    const id = buf[pos++];
    let size; [size, pos] = leb(buf, pos);
    out.push({ id, start: pos, end: pos + size });
    pos += size;
  }
  return out;
}
function functions(buf) {
  const secs = sections(buf);
  let imported = 0;
  const imp = secs.find((s) => s.id === 2);
  if (imp) {
    let [n, p] = leb(buf, imp.start);
    for (let i = 0; i < n; i++) {
      let l; [l, p] = leb(buf, p); p += l; [l, p] = leb(buf, p); p += l;
      const kind = buf[p++];
      if (kind === 0) { [, p] = leb(buf, p); imported++; }
      else if (kind === 1) { p++; const f = buf[p++]; [, p] = leb(buf, p); if (f & 1) [, p] = leb(buf, p); }
      else if (kind === 2) { const f = buf[p++]; [, p] = leb(buf, p); if (f & 1) [, p] = leb(buf, p); }
      else if (kind === 3) { p += 2; }
      else if (kind === 4) { p++; [, p] = leb(buf, p); }
    }
  }
  const sizes = [];
  const code = secs.find((s) => s.id === 10);
  if (code) {
    let [n, p] = leb(buf, code.start);
    for (let i = 0; i < n; i++) { let l; [l, p] = leb(buf, p); sizes.push(l); p += l; }
  }
  const names = new Map();
  for (const s of secs.filter((s) => s.id === 0)) {
    let [l, p] = leb(buf, s.start);
    const name = buf.subarray(p, p + l).toString('utf8'); p += l;
    if (name !== 'name') continue;
    while (p < s.end) {
      const sub = buf[p++]; let size; [size, p] = leb(buf, p);
      const end = p + size;
      if (sub === 1) {
        let n; [n, p] = leb(buf, p);
        for (let i = 0; i < n; i++) {
          let idx, nl; [idx, p] = leb(buf, p); [nl, p] = leb(buf, p);
          names.set(idx, buf.subarray(p, p + nl).toString('utf8')); p += nl;
        }
      }
      p = end;
    }
  }
  return sizes.map((size, i) => ({ size, name: names.get(i + imported) || `func[${i + imported}]` }));
}

// Rust's legacy mangling (_ZN…E) to a path; the crate is its first segment, generics and
// trait impls (`<T as Trait>`) are attributed to the first crate named.
function demangle(s) {
  if (!s.startsWith('_ZN')) return s;
  const parts = [];
  let p = 3;
  while (p < s.length && s[p] !== 'E') {
    const m = /^\d+/.exec(s.slice(p));
    if (!m) break;
    p += m[0].length;
    parts.push(s.slice(p, p + Number(m[0])));
    p += Number(m[0]);
  }
  return parts.filter((x) => !/^h[0-9a-f]{16}$/.test(x)).join('::')
    .replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ').replace(/\$C\$/g, ',')
    .replace(/\$RF\$/g, '&').replace(/\$BP\$/g, '*').replace(/\$u7b\$/g, '{').replace(/\$u7d\$/g, '}')
    .replace(/\.\./g, '::');
}
function crateOf(name) {
  // `<T as tachys::…>` is the trait's crate; `<&mut serde_json::…<R> as …>` the type's.
  let s = name.replace(/^[<&*\s]+/, '').replace(/^(mut|const|dyn)\s+/, '');
  if (/^[A-Z][A-Za-z0-9_]*(\s|$|,|>)/.test(s) && / as /.test(s)) s = s.slice(s.indexOf(' as ') + 4).replace(/^[<&*\s]+/, '');
  s = s.replace(/^(mut|const|dyn)\s+/, '').replace(/^\(/, '');
  const m = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(s);
  return m ? m[1].replace(/\[[0-9a-f]+\]$/, '') : '?';
}
const kb = (n) => (n / 1024).toFixed(1).padStart(8) + ' KB';

for (const b of ["app", "care", "desk", "admin"]) {
  const wasm = join(site, 'pkg', `${b}${hash}_bg.wasm`);
  const js = join(site, 'pkg', `${b}${hash}.js`);
  if (!existsSync(wasm)) continue;
  console.log(`\n== ${b}${hash} (${{ app: "parents", care: "families", desk: "the desks", admin: "平台管理" }[b]})`);
  console.log(`  wasm ${kb(readFileSync(wasm).length)} raw ${kb(brotli(wasm))} brotli`);
  console.log(`  js   ${kb(readFileSync(js).length)} raw ${kb(brotli(js))} brotli`);
  const named = join(target, 'bundles', `${b}.names.wasm`);
  if (!existsSync(named)) { console.log('  (no names: run scripts/build-site.sh)'); continue; }
  const fns = functions(readFileSync(named)).map((f) => ({ ...f, path: demangle(f.name) }));
  const total = fns.reduce((a, f) => a + f.size, 0);
  const byCrate = new Map();
  for (const f of fns) byCrate.set(crateOf(f.path), (byCrate.get(crateOf(f.path)) || 0) + f.size);
  console.log(`  code before wasm-opt: ${kb(total)} in ${fns.length} functions; by crate:`);
  for (const [c, n] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`    ${kb(n)} ${(100 * n / total).toFixed(1).padStart(5)}%  ${c}`);
  }
  console.log(`  largest functions:`);
  for (const f of fns.sort((a, b) => b.size - a.size).slice(0, top)) {
    console.log(`    ${kb(f.size)}  ${f.path.slice(0, 150)}`);
  }
}
