import { test, expect, type Page, type BrowserContext } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { devSignIn, firstLink as linkOn } from './helpers';

// Issue 14: every page of the demo hackfest, anonymous and signed in (an organizer sees
// every form), in the light and the dark scheme: no horizontal scrolling at 390, 768,
// 1024 and 1280 px, and no serious or critical accessibility violation (axe-core, run
// in Chromium).
const demo = process.env.HACKFEST_DEMO_URL ?? '';
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const slug = 'ci-infra-hackfest';
const h = `/h/${slug}`;

const firstLink = (page: Page, path: string, pattern: RegExp) => linkOn(page, demo, path, pattern);

async function sweep(page: Page, paths: string[]) {
  const problems: string[] = [];
  for (const path of paths) {
    for (const width of [390, 768, 1024, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(demo + path);
      // Public documents (summaries) ship no WASM; the others hydrate first.
      if (await page.locator('link[rel="modulepreload"], script[type="module"]').count()) {
        await page.locator('body[data-hydrated="true"]').waitFor();
      }
      const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (over > 0) problems.push(`${path} at ${width} px scrolls sideways by ${over} px`);
    }
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return r.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        .map((v: any) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')).join(' | ')}`);
    });
    for (const v of violations) problems.push(`${path}: ${v}`);
  }
  expect(problems).toEqual([]);
}

async function context(browser: { newContext: (o: object) => Promise<BrowserContext> }, scheme: 'light' | 'dark') {
  // axe is injected into the page; the app's own CSP would refuse that script.
  return browser.newContext({ bypassCSP: true, colorScheme: scheme });
}

test('every public page fits and passes axe, light and dark', async ({ browser }) => {
  expect(demo, 'HACKFEST_DEMO_URL (scripts/e2e.sh starts the demo server)').not.toBe('');
  test.setTimeout(240_000);
  for (const scheme of ['light', 'dark'] as const) {
    const ctx = await context(browser, scheme);
    const page = await ctx.newPage();
    const session = await firstLink(page, `${h}/sessions`, /\/sessions\/[0-9a-f-]{36}$/);
    const decision = await firstLink(page, `${h}/decisions`, /\/decisions\/[0-9a-f-]{36}$/);
    const action = await firstLink(page, `${h}/actions`, /\/actions\/[0-9a-f-]{36}$/);
    const wiki = await firstLink(page, `${h}/pages`, /\/pages\/[a-z0-9-]+$/);
    const room = await firstLink(page, `${h}/rooms`, /\/rooms\/[0-9a-f-]{36}$/);
    const goal = await firstLink(page, h, /\/goals\/[0-9a-f-]{36}$/);
    // The demo publishes its first day's summary: the schedule's first day.
    const first = (await firstLink(page, `${h}/schedule`, /schedule\?day=\d{4}-\d{2}-\d{2}$/)).split('=').pop();
    const day = `${h}/summary/${first}`;
    await sweep(page, [
      '/', h, `${h}/goals`, goal, `${h}/sessions`, session, `${h}/decisions`, decision, `${h}/actions`, action,
      `${h}/pages`, wiki, `${wiki}/history`, `${h}/summary`, day, `${h}/schedule`,
      `${h}/schedule/now?room=${room.split('/').pop()}`, `${h}/rooms`, room, `${h}/calendar`,
      `${h}/search?q=openid`, '/search?q=storage', `${h}/travel`, `${h}/display`,
    ]);
    await ctx.close();
  }
});

test('every page and form of an organizer fits and passes axe', async ({ browser }) => {
  expect(demo, 'HACKFEST_DEMO_URL (scripts/e2e.sh starts the demo server)').not.toBe('');
  test.setTimeout(300_000);
  const ctx = await context(browser, 'light');
  const page = await ctx.newPage();
  await devSignIn(page, 'olivia', 'organizer', demo);
  const session = await firstLink(page, `${h}/sessions`, /\/sessions\/[0-9a-f-]{36}$/);
  const decision = await firstLink(page, `${h}/decisions`, /\/decisions\/[0-9a-f-]{36}$/);
  const action = await firstLink(page, `${h}/actions`, /\/actions\/[0-9a-f-]{36}$/);
  const goal = await firstLink(page, h, /\/goals\/[0-9a-f-]{36}$/);
  const wiki = await firstLink(page, `${h}/pages`, /\/pages\/[a-z0-9-]+$/);
  const room = await firstLink(page, `${h}/rooms`, /\/rooms\/[0-9a-f-]{36}$/);
  const day = await firstLink(page, `${h}/summary`, /\/summary\/\d{4}-\d{2}-\d{2}$/);
  const travel = await firstLink(page, `${h}/travel`, /\/travel\/[0-9a-f-]{36}$/);
  await sweep(page, [
    h, `${h}/goals`, `${h}/goals/new`, goal, `${goal}/edit`, `${h}/sessions/new`, session, `${session}/edit`, `${session}/import`,
    `${h}/decisions/new`, decision, `${decision}/edit`, `${h}/actions/new`, action, `${action}/edit`,
    `${h}/pages/new`, `${wiki}/edit`, `${h}/rooms/new`, `${room}/edit`, `${day}/edit`, `${h}/summary/week/edit`,
    `${h}/travel`, travel, `${h}/travel/new`, `${h}/travel/budget/edit`, `${h}/travel/arrivals`,
    `${h}/travel/hotels`, `${h}/display`, "/me", "/hackfests/new", "/tokens", `${h}/webhooks`,
  ]);
  await ctx.close();
});
