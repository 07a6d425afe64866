#!/usr/bin/env node
// Loads HTML reports in headless Debian chromium (playwright-core) and fails on anything a
// self-contained, script-free report must not do. For each FILE.html:
//   - no console message of type error or warning, no uncaught page error;
//   - no network request other than the file itself (and data: URLs), no WebSocket, no
//     navigation away (e.g. a meta refresh), no popup or download;
//   - no script ran (window.__pwned, which the hostile strings try to set, is undefined) and
//     the page has no scripts: document.scripts is empty, no element has an on* attribute,
//     no href/src/action/formaction/xlink:href/data other than a #fragment (or a raster
//     data:image src), no iframe,
//     object, embed, base or form;
//   - a Content-Security-Policy <meta> forbids scripts;
//   - nothing is wider than the viewport (long words wrap);
// then saves a full-page PNG screenshot as OUTDIR/FILE.png.
//
// Usage: node render_check.mjs [--out DIR] [--width PX] [--max-height PX] [--from SELECTOR] FILE.html...
//   --out         screenshot folder (default: current directory; created if missing)
//   --width       viewport width (default 1200)
//   --max-height  crop the screenshot to this height in px (default: the whole page)
//   --from        start the crop at the top of the first element matching this CSS selector
//                 (default: the top of the page)
//   --chromium    the browser (default /usr/bin/chromium, or $PM_CHROMIUM)
// Exit status: 0 all pages passed, 1 a page failed, 2 usage or environment error (chromium
// or playwright-core missing: run scripts/install-deps.sh).
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const INSTALL_HINT = 'run scripts/install-deps.sh (as root) to install chromium and tests/browser/node_modules';

function usage(msg) {
  console.error(`render_check: ${msg}\nusage: node render_check.mjs [--out DIR] [--width PX] [--max-height PX] [--from SELECTOR] [--chromium PATH] FILE.html...`);
  process.exit(2);
}

const opts = { out: '.', width: 1200, maxHeight: 0, from: '', chromium: process.env.PM_CHROMIUM || '/usr/bin/chromium' };
const files = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
  if (a === '--out') opts.out = value();
  else if (a === '--width') opts.width = Number(value());
  else if (a === '--max-height') opts.maxHeight = Number(value());
  else if (a === '--from') opts.from = value();
  else if (a === '--chromium') opts.chromium = value();
  else if (a === '-h' || a === '--help') usage('help');
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else files.push(a);
}
if (files.length === 0) usage('no HTML file given');
if (!(opts.width > 0) || !(opts.maxHeight >= 0)) usage('--width and --max-height take positive numbers');
for (const f of files) if (!existsSync(f)) usage(`no such file: ${f}`);

if (!existsSync(opts.chromium)) {
  console.error(`render_check: FAIL: no browser at ${opts.chromium}; ${INSTALL_HINT}`);
  process.exit(2);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.error(`render_check: FAIL: cannot load playwright-core (${e.code || e.message}); ${INSTALL_HINT}`);
  process.exit(2);
}

mkdirSync(opts.out, { recursive: true });

let browser;
try {
  browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu',
      '--disable-dev-shm-usage', '--disable-extensions', '--disable-sync',
      '--disable-component-update', '--disable-default-apps', '--no-first-run',
      '--disable-domain-reliability', '--metrics-recording-only', '--mute-audio'],
  });
} catch (e) {
  console.error(`render_check: FAIL: cannot start ${opts.chromium}: ${e.message}\n${INSTALL_HINT}`);
  process.exit(2);
}

// In-page inspection; runs as the test's own code, after the page loaded.
function inspect() {
  const problems = [];
  if (window.__pwned !== undefined) problems.push(`a script ran: window.__pwned = ${String(window.__pwned)}`);
  if (document.scripts.length !== 0) problems.push(`${document.scripts.length} <script> element(s)`);
  const urlAttrs = ['href', 'src', 'srcset', 'action', 'formaction', 'data', 'poster', 'background',
    'xlink:href', 'ping', 'manifest', 'codebase', 'cite', 'longdesc'];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (['iframe', 'frame', 'object', 'embed', 'base', 'form', 'applet', 'portal', 'noscript'].includes(tag)) {
      problems.push(`<${tag}> element`);
    }
    if (tag === 'meta' && (el.getAttribute('http-equiv') || '').toLowerCase() === 'refresh') problems.push('<meta http-equiv=refresh>');
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) problems.push(`<${tag} ${name}="${attr.value.slice(0, 80)}">`);
      if (urlAttrs.includes(name) && !attr.value.startsWith('#') && !(name === 'src' && /^data:image\/(png|gif|jpeg|webp);/i.test(attr.value))) problems.push(`<${tag} ${name}="${attr.value.slice(0, 80)}">`);
      if (name === 'style' && /url\s*\(|expression\s*\(|@import/i.test(attr.value)) problems.push(`<${tag} style="${attr.value.slice(0, 80)}">`);
    }
  }
  for (const style of document.querySelectorAll('style')) {
    if (/url\s*\(|@import/i.test(style.textContent)) problems.push('a <style> with url() or @import');
  }
  const csp = [...document.querySelectorAll('meta[http-equiv]')]
    .filter((m) => m.getAttribute('http-equiv').toLowerCase() === 'content-security-policy')
    .map((m) => m.getAttribute('content') || '');
  if (csp.length === 0) problems.push('no Content-Security-Policy <meta>');
  else if (!csp.some((c) => /(^|;)\s*(default-src|script-src)\s+'none'/.test(c))) {
    problems.push(`the Content-Security-Policy does not forbid scripts: ${csp.join(' | ')}`);
  }
  // Long words (a 100 KB hostile one) must wrap, not widen the page past the viewport.
  const width = document.documentElement.scrollWidth;
  if (width > window.innerWidth + 1) problems.push(`the page is ${width} px wide in a ${window.innerWidth} px viewport (text does not wrap)`);
  return { problems, height: document.documentElement.scrollHeight, title: document.title };
}

let failed = 0;
for (const file of files) {
  const path = realpathSync(file);
  const url = pathToFileURL(path).href;
  const problems = [];
  const context = await browser.newContext({
    viewport: { width: opts.width, height: 900 },
    javaScriptEnabled: true, // so an injected script WOULD run and be caught
    acceptDownloads: false,
    serviceWorkers: 'block',
    offline: true,
  });
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url || u.startsWith('data:')) return route.continue();
    problems.push(`network request: ${route.request().method()} ${u.slice(0, 200)}`);
    return route.abort('blockedbyclient');
  });
  let page = null;
  context.on('page', (p) => { if (page !== null && p !== page) problems.push(`popup opened: ${p.url()}`); });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text().slice(0, 300)}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message.slice(0, 300)}`));
  page.on('request', (r) => {
    const u = r.url();
    if (u !== url && !u.startsWith('data:') && !problems.some((p) => p.includes(u.slice(0, 200)))) {
      problems.push(`network request: ${r.method()} ${u.slice(0, 200)}`);
    }
  });
  page.on('websocket', (ws) => problems.push(`websocket: ${ws.url()}`));
  page.on('download', (d) => problems.push(`download: ${d.url()}`));
  page.on('dialog', (d) => { problems.push(`dialog (${d.type()}): ${d.message()}`); d.dismiss().catch(() => {}); });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame() && f.url() !== url) problems.push(`navigated away to ${f.url().slice(0, 200)}`);
  });

  let info = { height: 0, title: '' };
  try {
    const resp = await page.goto(url, { waitUntil: 'load', timeout: 60000 });
    if (!resp || !resp.ok()) problems.push(`could not load ${url}`);
    // Hover and focus everything a mouse or keyboard would reach, so event handlers that
    // survived would fire; then give timers a moment.
    await page.mouse.move(opts.width / 2, 300);
    await page.keyboard.press('Tab');
    await page.waitForTimeout(300);
    if (page.url() !== url) problems.push(`page is now at ${page.url().slice(0, 200)}`);
    const r = await page.evaluate(inspect);
    problems.push(...r.problems);
    info = r;
    // The screenshot shows the page at rest: no focus ring, no hover.
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.mouse.move(0, 0);
    const shot = resolve(opts.out, basename(path).replace(/\.html?$/i, '') + '.png');
    const shotOpts = { path: shot, fullPage: true, animations: 'disabled' };
    let top = 0;
    if (opts.from) {
      const box = await page.locator(opts.from).first().boundingBox();
      if (!box) throw new Error(`--from ${opts.from}: no such element`);
      top = Math.max(0, Math.floor(box.y - 16));
    }
    if (opts.maxHeight > 0 || top > 0) {
      const height = r.height - top;
      shotOpts.clip = { x: 0, y: top, width: opts.width, height: opts.maxHeight > 0 ? Math.min(opts.maxHeight, height) : height };
    }
    await page.screenshot(shotOpts);
    info.shot = shot;
  } catch (e) {
    problems.push(`browser error: ${e.message.split('\n')[0]}`);
  }
  await context.close();

  const unique = [...new Set(problems)];
  if (unique.length) {
    failed++;
    console.error(`FAIL ${file}: ${unique.length} problem(s)`);
    for (const p of unique.slice(0, 50)) console.error(`  - ${p}`);
    if (unique.length > 50) console.error(`  … and ${unique.length - 50} more`);
  } else {
    console.log(`ok   ${file} (title ${JSON.stringify(info.title.slice(0, 80))}, ${info.height} px) -> ${info.shot}`);
  }
}
await browser.close();
if (failed) {
  console.error(`render_check: FAIL: ${failed} of ${files.length} page(s) failed`);
  process.exit(1);
}
console.log(`render_check: ${files.length} page(s) passed`);
