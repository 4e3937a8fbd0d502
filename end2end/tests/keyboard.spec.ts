import { test, expect, type Page } from '@playwright/test';
import { devSignIn, firstLink as linkOn } from './helpers';

// Issue 14: a keyboard-only flow. On each page, Tab from the top reaches every control
// the page shows (links, buttons, fields, <summary>), in order, and each one, once
// focused, is visibly marked (an outline or a shadow the focus gave it) and on screen.
const demo = process.env.HACKFEST_DEMO_URL ?? '';
const slug = 'ci-infra-hackfest';
const h = `/h/${slug}`;

const firstLink = (page: Page, path: string, pattern: RegExp) => linkOn(page, demo, path, pattern);

async function tabThrough(page: Page, path: string): Promise<string[]> {
  await page.goto(demo + path);
  if (await page.locator('script[type="module"], link[rel="modulepreload"]').count()) {
    await page.locator('body[data-hydrated="true"]').waitFor();
  }
  // Number every control a person can see; a radio group is one stop (arrows move in it).
  const total = await page.evaluate(() => {
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const radios = new Set<string>();
    let n = 0;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      if ((el as HTMLButtonElement).disabled || el.closest('[inert], [hidden]')) continue;
      // The skip link sits off screen until focused; everything else must be visible.
      if (!el.classList.contains('skip-link') && !el.checkVisibility({ checkVisibilityCSS: true } as CheckVisibilityOptions)) continue;
      const r = el.getBoundingClientRect();
      if (!el.classList.contains('skip-link') && (r.width === 0 || r.height === 0)) continue;
      if (el instanceof HTMLInputElement && el.type === 'radio') {
        if (radios.has(el.name)) { el.dataset.kb = `radio:${el.name}`; continue; }
        radios.add(el.name);
        el.dataset.kb = `radio:${el.name}`;
        n += 1;
        continue;
      }
      el.dataset.kb = String(n);
      n += 1;
    }
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
    return n;
  });
  const reached = new Set<string>();
  const problems: string[] = [];
  for (let i = 0; i < total + 20 && reached.size < total; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return {
        kb: el.dataset.kb ?? null,
        what: `${el.tagName.toLowerCase()} “${(el.textContent || el.getAttribute('aria-label') || el.id || '').trim().slice(0, 40)}”`,
        ring: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none',
        onScreen: r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth,
      };
    });
    if (!f) continue;
    // A stop that is not a control (Chromium focuses a scroll box without controls) must
    // still show where focus is.
    if (!f.ring) problems.push(`${path}: ${f.what} has no visible focus ring`);
    if (!f.onScreen) problems.push(`${path}: ${f.what} is focused off screen`);
    if (f.kb !== null) reached.add(f.kb);
  }
  if (reached.size < total) {
    const missed = await page.evaluate((seen) => Array.from(document.querySelectorAll<HTMLElement>('[data-kb]'))
      .filter((el) => !seen.includes(el.dataset.kb!))
      .map((el) => `${el.tagName.toLowerCase()} “${(el.textContent || el.id || '').trim().slice(0, 40)}”`)
      .slice(0, 5), [...reached]);
    problems.push(`${path}: Tab reached ${reached.size} of ${total} controls; not: ${missed.join(', ')}`);
  }
  return problems;
}

test('with the keyboard alone every control is reached and visibly focused', async ({ browser }) => {
  expect(demo, 'HACKFEST_DEMO_URL (scripts/e2e.sh starts the demo server)').not.toBe('');
  test.setTimeout(240_000);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const session = await firstLink(page, `${h}/sessions`, /\/sessions\/[0-9a-f-]{36}$/);
  const goal = await firstLink(page, h, /\/goals\/[0-9a-f-]{36}$/);
  const wiki = await firstLink(page, `${h}/pages`, /\/pages\/[a-z0-9-]+$/);
  const problems: string[] = [];
  for (const path of ['/', h, goal, session, `${h}/schedule`, wiki, `${h}/summary`]) {
    problems.push(...(await tabThrough(page, path)));
  }
  // Signed in as an organizer: the forms.
  await devSignIn(page, 'olivia', 'organizer', demo);
  for (const path of [h, `${h}/goals/new`, `${session}/edit`, session, `${h}/actions/new`, `${wiki}/edit`, `${h}/rooms/new`, `${h}/travel/new`, '/tokens', `${h}/webhooks`]) {
    problems.push(...(await tabThrough(page, path)));
  }
  expect(problems).toEqual([]);
  await ctx.close();
});
