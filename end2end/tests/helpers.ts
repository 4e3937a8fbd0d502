// Helpers split into actions (do), finds (locate) and checks (expect).
import { expect, type Page, type BrowserContext } from '@playwright/test';

let counter = 0;
/** A slug no other test uses. */
export function uniqueSlug(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

// --- actions -------------------------------------------------------------

/** Opens a page and waits until the browser has hydrated it. */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await page.locator('body[data-hydrated="true"]').waitFor();
}

/** Signs in through the development sign-in (the e2e server has no identity provider). */
export async function devSignIn(page: Page, username: string, role: 'attendee' | 'organizer' | 'admin' = 'attendee', base = '') {
  await page.goto(`${base}/auth/login?next=/`);
  await expect(page.getByRole('heading', { name: 'Development sign-in' })).toBeVisible();
  await page.getByLabel('Username').fill(username);
  await page.getByRole('radio', { name: new RegExp(`^\\s*${role}`, 'i') }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Signed in as')).toBeVisible();
}

/** Creates a hackfest through the UI (signing in as an organizer) and returns its slug. */
export async function createHackfest(page: Page, title: string): Promise<string> {
  const slug = uniqueSlug('e2e');
  if (!(await page.getByText('Signed in as').isVisible().catch(() => false))) {
    await devSignIn(page, 'olivia', 'organizer');
  }
  await open(page, '/hackfests/new');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Short name').fill(slug);
  await page.getByLabel('First day').fill('2026-11-23');
  await page.getByLabel('Last day').fill('2026-11-27');
  await page.getByLabel('Time zone').fill('Europe/Prague');
  await page.getByLabel('Location').fill('Room Fedora, 9th floor');
  await page.getByRole('button', { name: 'Create hackfest' }).click();
  await expect(page).toHaveURL(new RegExp(`/h/${slug}$`));
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  return slug;
}

/** Adds a goal through the UI from the hackfest overview. */
export async function addGoal(page: Page, slug: string, goal: { title: string; kind?: 'big' | 'small'; progress?: string }) {
  await open(page, `/h/${slug}`);
  await page.getByRole('link', { name: 'Add a goal' }).click();
  await page.locator('body[data-hydrated="true"]').waitFor();
  await expect(page.getByRole('heading', { name: 'New goal' })).toBeVisible();
  await page.getByLabel('Title').fill(goal.title);
  await page.getByLabel('Kind').selectOption(goal.kind ?? 'big');
  if (goal.progress) await page.getByLabel('Progress (%)').fill(goal.progress);
  await page.getByRole('button', { name: 'Add goal' }).click();
  await expect(page).toHaveURL(new RegExp(`/h/${slug}#goal-`));
  await expect(goalItem(page, goal.title)).toBeVisible();
}

/** Opens the edit form of a goal from the overview, through the goal's page. */
export async function openGoalEditor(page: Page, slug: string, title: string) {
  await open(page, `/h/${slug}`);
  // The tree links each goal to its page; the page has the editor's link.
  await goalItem(page, title).getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await page.locator('body[data-hydrated="true"]').waitFor();
  await expect(page.getByRole('heading', { name: 'Edit goal' })).toBeVisible();
}

// --- finds ---------------------------------------------------------------

/** The path of the first link on `base + path` whose href matches `pattern`. */
export async function firstLink(page: Page, base: string, path: string, pattern: RegExp): Promise<string> {
  await page.goto(base + path);
  const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  const found = hrefs.find((href) => pattern.test(href));
  expect(found, `a link matching ${pattern} on ${path}`).toBeTruthy();
  return found!;
}

export function goalItem(page: Page, title: string) {
  return page.locator('li.goal', { has: page.locator('.goal-link', { hasText: title }) }).first();
}

// --- checks --------------------------------------------------------------

/** Collects console errors and failed requests, to assert none happened. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

export async function noJavaScriptContext(browser: { newContext: (o: object) => Promise<BrowserContext> }) {
  return browser.newContext({ javaScriptEnabled: false });
}
