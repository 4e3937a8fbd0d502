// What one change costs the people watching: opens many browser tabs on a realistic mix of
// pages of the benchmark hackfest (Debian's Chromium through playwright-core, one browser,
// a few tabs per context), waits until every tab has hydrated and opened its live-update
// stream (/api/hackfests/{slug}/events) and the network is quiet, then makes ONE change to
// one action item and records the response bytes of every request the tabs make after it
// (the live stream itself excluded).
//
// usage: node tabs.mjs BASE_URL SEED_JSON
// env: BENCH_TABS (100), BENCH_TABS_MIX ("40,30,30": overview, action list, action pages),
//      BENCH_TABS_PER_CONTEXT (4: Chromium allows 6 connections per host and context, and
//      each tab holds one for its live stream), BENCH_TABS_SIGNED_IN (1: each context signs
//      in and joins the hackfest, as attendees watching it would), BENCH_TABS_WAIT_MS (3000).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { chromium } = require(
  process.env.PLAYWRIGHT_CORE || path.join(here, '../../end2end/node_modules/playwright-core'),
);

const [base, seedPath] = process.argv.slice(2);
const seed = JSON.parse(readFileSync(seedPath, 'utf8'));
const slug = seed.slug;
const TABS = Number(process.env.BENCH_TABS || 100);
const MIX = (process.env.BENCH_TABS_MIX || '40,30,30').split(',').map(Number);
const PER_CONTEXT = Number(process.env.BENCH_TABS_PER_CONTEXT || 4);
const SIGNED_IN = (process.env.BENCH_TABS_SIGNED_IN || '1') === '1';
const WAIT_MS = Number(process.env.BENCH_TABS_WAIT_MS || 3000);
const OPEN_PARALLEL = Number(process.env.BENCH_TABS_OPEN_PARALLEL || 4);
const isStream = (url) => new URL(url).pathname === `/api/hackfests/${slug}/events`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(new Date().toISOString().slice(11, 19), ...a);

// The mix, scaled to TABS; the action pages each show a different action item.
const sum = MIX.reduce((a, b) => a + b, 0);
const counts = MIX.map((m) => Math.round((m * TABS) / sum));
counts[0] += TABS - counts.reduce((a, b) => a + b, 0);
let tabs = [];
for (let i = 0; i < counts[0]; i++) tabs.push({ kind: 'overview', url: `/h/${slug}` });
for (let i = 0; i < counts[1]; i++) tabs.push({ kind: 'action list', url: `/h/${slug}/actions` });
for (let i = 0; i < counts[2]; i++) {
  const a = seed.actions[i % seed.actions.length];
  tabs.push({ kind: 'action page', url: `/h/${slug}/actions/${a.id}` });
}
// Interleave the kinds, so each context (a person) has a mix of pages.
tabs = tabs
  .map((t, i) => ({ t, k: (i * 37) % tabs.length }))
  .sort((a, b) => a.k - b.k)
  .map((x) => x.t);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  // The flags of end2end/playwright.config.ts.
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

let recording = false;
const pending = [];
const states = [];
try {
  const contexts = [];
  for (let c = 0; c * PER_CONTEXT < tabs.length; c++) {
    const ctx = await browser.newContext();
    if (SIGNED_IN) {
      const r = await ctx.request.post(`${base}/auth/dev/sign-in`, {
        form: { username: `watcher${c}`, role: 'attendee' },
        maxRedirects: 0,
      });
      if (r.status() !== 303) throw new Error(`sign-in of watcher${c}: ${r.status()}`);
      const j = await ctx.request.post(`${base}/api/hackfests/join`, { form: { slug } });
      if (!j.ok()) throw new Error(`join of watcher${c}: ${j.status()} ${await j.text()}`);
    }
    contexts.push(ctx);
  }

  const open = async (tab, i) => {
    const page = await contexts[Math.floor(i / PER_CONTEXT)].newPage();
    const st = { ...tab, page, live: false, inflight: new Set(), last: Date.now(), bytes: 0, wire: 0, requests: 0, failed: 0, urls: [] };
    states.push(st);
    const recorded = new WeakSet();
    page.on('request', (req) => {
      if (isStream(req.url())) return;
      st.inflight.add(req);
      st.last = Date.now();
      if (recording) recorded.add(req);
    });
    page.on('response', (res) => {
      if (isStream(res.url()) && res.status() === 200) st.live = true;
    });
    page.on('requestfinished', (req) => {
      if (isStream(req.url())) return;
      st.last = Date.now();
      if (!recorded.has(req)) {
        st.inflight.delete(req);
        return;
      }
      pending.push(
        (async () => {
          const sizes = await req.sizes().catch(() => null);
          const res = await req.response().catch(() => null);
          const body = res ? await res.body().catch(() => null) : null;
          st.requests += 1;
          st.bytes += body ? body.length : 0;
          st.wire += sizes ? sizes.responseBodySize : 0;
          st.urls.push(`${req.method()} ${new URL(req.url()).pathname} ${body ? body.length : '?'} B`);
          st.inflight.delete(req);
        })(),
      );
    });
    page.on('requestfailed', (req) => {
      st.inflight.delete(req);
      if (recorded.has(req)) st.failed += 1;
    });
    await page.goto(base + tab.url, { waitUntil: 'load', timeout: 180_000 });
    const deadline = Date.now() + 120_000;
    while (!st.live && Date.now() < deadline) await sleep(100);
  };

  log(`opening ${tabs.length} tabs (${counts.join(' / ')}: overview / action list / action pages)`);
  const t0 = Date.now();
  for (let i = 0; i < tabs.length; i += OPEN_PARALLEL) {
    await Promise.all(tabs.slice(i, i + OPEN_PARALLEL).map((t, k) => open(t, i + k)));
  }
  const quiet = async (ms, max) => {
    const deadline = Date.now() + max;
    while (Date.now() < deadline) {
      const now = Date.now();
      if (states.every((s) => s.inflight.size === 0 && now - s.last >= ms)) return true;
      await sleep(100);
    }
    return false;
  };
  await quiet(1000, 60_000);
  const live = states.filter((s) => s.live).length;
  log(`${tabs.length} tabs open in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${live} with their live stream open`);

  // One change to the action item the first action page shows.
  recording = true;
  const item = seed.actions[0];
  const form = new URLSearchParams({
    slug,
    id: item.id,
    version: String(item.version),
    ...item.form,
    'form[title]': `${item.form['form[title]']} (changed while ${tabs.length} tabs watch)`,
  });
  const changed = await fetch(`${base}/api/actions/update`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: seed.cookie },
    body: form,
  });
  if (changed.status !== 200) throw new Error(`the change failed: ${changed.status} ${await changed.text()}`);
  await sleep(WAIT_MS);
  const settled = await quiet(1000, 60_000);
  recording = false;
  await Promise.all(pending);

  const per = states.map((s) => s.bytes);
  const total = per.reduce((a, b) => a + b, 0);
  const wire = states.reduce((a, s) => a + s.wire, 0);
  const requests = states.reduce((a, s) => a + s.requests, 0);
  const failed = states.reduce((a, s) => a + s.failed, 0);
  for (const kind of ['overview', 'action list', 'action page']) {
    const ks = states.filter((s) => s.kind === kind);
    if (!ks.length) continue;
    const b = ks.map((s) => s.bytes);
    const worst = ks.reduce((a, s) => (s.bytes > a.bytes ? s : a), ks[0]);
    log(
      `${kind}: ${ks.length} tabs, ${ks.reduce((a, s) => a + s.requests, 0)} requests, ` +
        `mean ${(b.reduce((x, y) => x + y, 0) / ks.length / 1024).toFixed(1)} KB, max ${(Math.max(...b) / 1024).toFixed(1)} KB` +
        (worst.urls.length ? ` (${worst.urls.slice(0, 6).join(', ')})` : ''),
    );
  }
  if (!settled) log('warning: the tabs were still fetching 60 s after the change');
  console.log(
    `TABS tabs=${states.length} live=${live} requests=${requests} failed=${failed} total_kb=${(total / 1024).toFixed(1)} ` +
      `wire_kb=${(wire / 1024).toFixed(1)} max_tab_kb=${(Math.max(...per) / 1024).toFixed(1)} ` +
      `mean_tab_kb=${(total / states.length / 1024).toFixed(1)}`,
  );
} finally {
  await browser.close();
}
