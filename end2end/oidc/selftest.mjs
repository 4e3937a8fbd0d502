#!/usr/bin/env node
// Self-test of provider.mjs: starts it as a child process (as the real tests do)
// and walks the authorization code flow with PKCE through its login page with
// plain fetch, then checks the ID token against the JWKS with jose.
//   node end2end/oidc/selftest.mjs
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { Browser, atHash, authParams, parseForm, startProgram } from './harness.mjs';

const PROVIDER = fileURLToPath(new URL('./provider.mjs', import.meta.url));
const REDIRECT = 'http://127.0.0.1:9/oidc/callback'; // never contacted: we stop at the redirect
const AFTER_LOGOUT = 'http://127.0.0.1:9/signed-out';
const CLIENT_ID = 'hackfest';
const CLIENT_SECRET = 'hackfest-secret';
const FEDORA_GROUPS = 'https://id.fedoraproject.org/scope/groups';

async function discover(issuer) {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`);
  assert.equal(res.status, 200);
  return res.json();
}

function authorizeUrl(meta, p, extra = {}) {
  const url = new URL(meta.authorization_endpoint);
  const q = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: 'openid profile email groups',
    state: p.state,
    nonce: p.nonce,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
  for (const [k, v] of Object.entries(q)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

/** Starts a flow; returns either the login page ({ page, pageUrl }) or the callback ({ location }). */
async function startFlow(browser, meta, p, extra) {
  const { res, url, location } = await browser.follow(authorizeUrl(meta, p, extra), {}, REDIRECT);
  if (location) return { location };
  assert.equal(res.status, 200, `expected the login page, got ${res.status} at ${url}`);
  return { page: await res.text(), pageUrl: url };
}

async function submitLogin(browser, pageUrl, page, login, password) {
  const { action } = parseForm(page, pageUrl, 0);
  assert.match(action, /\/interaction\/[^/]+\/login$/);
  return browser.follow(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login, password }),
  }, REDIRECT);
}

async function signIn(browser, meta, p, login, extra) {
  const start = await startFlow(browser, meta, p, extra);
  const { location } = start.location ? start : await submitLogin(browser, start.pageUrl, start.page, login, `${login}-password`);
  assert.ok(location, 'sign-in did not come back to the redirect URI');
  const cb = new URL(location);
  assert.equal(cb.searchParams.get('error'), null, `error in callback: ${location}`);
  assert.equal(cb.searchParams.get('state'), p.state);
  assert.equal(cb.searchParams.get('iss'), meta.issuer);
  return cb.searchParams.get('code');
}

async function token(meta, code, verifier, auth = 'basic') {
  const body = new URLSearchParams({
    grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier,
  });
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}`;
  } else {
    body.set('client_id', CLIENT_ID);
    body.set('client_secret', CLIENT_SECRET);
  }
  const res = await fetch(meta.token_endpoint, { method: 'POST', headers, body });
  return { status: res.status, json: await res.json() };
}

async function verifyIdToken(meta, tokens, p) {
  const jwks = createRemoteJWKSet(new URL(meta.jwks_uri));
  const { payload, protectedHeader } = await jwtVerify(tokens.id_token, jwks, {
    issuer: meta.issuer, audience: CLIENT_ID, algorithms: ['RS256'], requiredClaims: ['sub', 'iat', 'exp'],
  });
  assert.equal(protectedHeader.alg, 'RS256');
  assert.ok(protectedHeader.kid, 'ID token header has a kid');
  assert.equal(payload.nonce, p.nonce);
  assert.equal(payload.at_hash, atHash(tokens.access_token));
  assert.ok(payload.exp - payload.iat <= 600, 'ID token lives at most 10 minutes');
  return payload;
}

async function userinfo(meta, accessToken) {
  const res = await fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${accessToken}` } });
  assert.equal(res.status, 200);
  return res.json();
}

describe('provider.mjs, groups in userinfo (default)', () => {
  let op;
  let meta;
  before(async () => {
    op = await startProgram(PROVIDER, {
      env: { OIDC_REDIRECT_URIS: REDIRECT, OIDC_POST_LOGOUT_REDIRECT_URIS: AFTER_LOGOUT, OIDC_GROUPS_IN: '' },
    });
    meta = await discover(op.issuer);
  });
  after(async () => {
    assert.equal(await op.stop(), 0, 'exits 0 on SIGTERM');
  });

  test('discovery', () => {
    assert.match(op.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(meta.issuer, op.issuer);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(meta.response_types_supported, ['code']);
    assert.deepEqual(meta.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
    for (const scope of ['openid', 'profile', 'email', 'groups', FEDORA_GROUPS]) {
      assert.ok(meta.scopes_supported.includes(scope), scope);
    }
    assert.ok(meta.end_session_endpoint);
    assert.ok(meta.userinfo_endpoint);
  });

  test('an authorization request without PKCE is refused', async () => {
    const p = authParams();
    const res = await fetch(authorizeUrl(meta, p, { code_challenge: undefined, code_challenge_method: undefined }), { redirect: 'manual' });
    const cb = new URL(res.headers.get('location'));
    assert.equal(cb.searchParams.get('error'), 'invalid_request');
    assert.match(cb.searchParams.get('error_description'), /PKCE/);
  });

  test('PKCE method plain is refused', async () => {
    const p = authParams();
    const res = await fetch(authorizeUrl(meta, p, { code_challenge: p.verifier, code_challenge_method: 'plain' }), { redirect: 'manual' });
    const cb = new URL(res.headers.get('location'));
    assert.equal(cb.searchParams.get('error'), 'invalid_request');
  });

  test('an unregistered redirect_uri is refused on a page, not redirected', async () => {
    const res = await fetch(authorizeUrl(meta, authParams(), { redirect_uri: 'http://127.0.0.1:9/evil' }), { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /redirect_uri/);
  });

  const browser = new Browser();
  let aliceIdToken;

  test('wrong password shows an error and does not sign in', async () => {
    const p = authParams();
    const { page, pageUrl } = await startFlow(browser, meta, p);
    assert.match(page, /<label for="login">Username<\/label>/);
    assert.match(page, /<label for="password">Password<\/label>/);
    assert.match(page, /<button type="submit">Sign in<\/button>/);
    const { res, location } = await submitLogin(browser, pageUrl, page, 'alice', 'wrong');
    assert.equal(location, undefined);
    assert.equal(res.status, 401);
    assert.match(await res.text(), /role="alert">Invalid username or password\./);
  });

  test('alice: code flow with PKCE, ID token verifies against the JWKS, groups only from userinfo', async () => {
    const p = authParams();
    const code = await signIn(browser, meta, p, 'alice');
    const { status, json: tokens } = await token(meta, code, p.verifier, 'basic');
    assert.equal(status, 200, JSON.stringify(tokens));
    assert.equal(tokens.token_type, 'Bearer');
    const claims = await verifyIdToken(meta, tokens, p);
    assert.equal(claims.sub, 'alice');
    assert.deepEqual(Object.keys(claims).sort(), ['at_hash', 'aud', 'exp', 'iat', 'iss', 'nonce', 'sub']);
    assert.equal(claims.groups, undefined, 'no groups in the ID token in userinfo mode');
    assert.equal(claims.name, undefined, 'scope claims come from userinfo only in this mode');
    const info = await userinfo(meta, tokens.access_token);
    assert.deepEqual(info, {
      sub: 'alice',
      preferred_username: 'alice',
      nickname: 'alice',
      name: 'Alice Attendee',
      email: 'alice@example.org',
      email_verified: true,
      groups: ['hackfest-attendees'],
    });
    aliceIdToken = tokens.id_token;

    // The code is single-use.
    const again = await token(meta, code, p.verifier, 'basic');
    assert.equal(again.status, 400);
    assert.equal(again.json.error, 'invalid_grant');
  });

  test('single sign-on: a second request skips the login page; a wrong code_verifier is refused', async () => {
    const p = authParams();
    const start = await startFlow(browser, meta, p);
    assert.ok(start.location, 'no login page while the OP session lasts');
    const code = new URL(start.location).searchParams.get('code');
    const bad = await token(meta, code, authParams().verifier, 'basic');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error, 'invalid_grant');
  });

  test('prompt=login shows the login page despite the OP session; login_hint pre-fills it', async () => {
    const start = await startFlow(browser, meta, authParams(), { prompt: 'login', login_hint: 'olivia' });
    assert.ok(start.page, 'login page');
    assert.match(start.page, /name="login"[^>]*value="olivia"/);
  });

  test('a wrong client secret is refused', async () => {
    const p = authParams();
    const code = await signIn(browser, meta, p, 'alice');
    const res = await fetch(meta.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: p.verifier,
        client_id: CLIENT_ID, client_secret: 'nope',
      }),
    });
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, 'invalid_client');
  });

  test('RP-initiated logout goes to post_logout_redirect_uri and ends the OP session', async () => {
    const url = new URL(meta.end_session_endpoint);
    url.searchParams.set('id_token_hint', aliceIdToken);
    url.searchParams.set('post_logout_redirect_uri', AFTER_LOGOUT);
    url.searchParams.set('state', 'bye');
    const res = await browser.fetch(url.href);
    assert.equal(res.status, 200);
    const html = await res.text();
    const { action, fields } = parseForm(html, url.href);
    assert.equal(fields.logout, 'yes');
    assert.ok(fields.xsrf);
    const { location } = await browser.follow(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    }, AFTER_LOGOUT);
    assert.equal(location, `${AFTER_LOGOUT}?state=bye`);

    const start = await startFlow(browser, meta, authParams());
    assert.ok(start.page, 'login page again after logout');
  });

  test('Cancel on the login page returns access_denied to the client', async () => {
    const b = new Browser();
    const p = authParams();
    const { page, pageUrl } = await startFlow(b, meta, p);
    const { action } = parseForm(page, pageUrl, 1);
    const { location } = await b.follow(action, { method: 'POST' }, REDIRECT);
    const cb = new URL(location);
    assert.equal(cb.searchParams.get('error'), 'access_denied');
    assert.equal(cb.searchParams.get('state'), p.state);
  });
});

describe('provider.mjs, OIDC_GROUPS_IN=id_token', () => {
  let op;
  let meta;
  before(async () => {
    op = await startProgram(PROVIDER, {
      env: {
        OIDC_REDIRECT_URIS: `http://127.0.0.1:9/other,${REDIRECT}`,
        OIDC_GROUPS_IN: 'id_token',
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_CLIENT_SECRET: CLIENT_SECRET,
      },
    });
    meta = await discover(op.issuer);
  });
  after(async () => {
    assert.equal(await op.stop(), 0);
  });

  test('olivia with the Fedora groups scope and client_secret_post: groups in ID token and userinfo', async () => {
    const p = authParams();
    const code = await signIn(new Browser(), meta, p, 'olivia', { scope: `openid profile email ${FEDORA_GROUPS}` });
    const { status, json: tokens } = await token(meta, code, p.verifier, 'post');
    assert.equal(status, 200, JSON.stringify(tokens));
    const claims = await verifyIdToken(meta, tokens, p);
    assert.equal(claims.sub, 'olivia');
    assert.equal(claims.name, 'Olivia Organizer');
    assert.deepEqual(claims.groups, ['hackfest-attendees', 'hackfest-organizers']);
    const info = await userinfo(meta, tokens.access_token);
    assert.deepEqual(info.groups, ['hackfest-attendees', 'hackfest-organizers']);
  });

  test('adam without a groups scope gets no groups claim', async () => {
    const p = authParams();
    const code = await signIn(new Browser(), meta, p, 'adam', { scope: 'openid profile' });
    const { json: tokens } = await token(meta, code, p.verifier, 'basic');
    const claims = await verifyIdToken(meta, tokens, p);
    assert.equal(claims.sub, 'adam');
    assert.equal(claims.groups, undefined);
    const info = await userinfo(meta, tokens.access_token);
    assert.equal(info.groups, undefined);
    assert.equal(info.email, undefined, 'no email scope, no email');
    assert.equal(info.preferred_username, 'adam');
  });

  test('adam with the groups scope', async () => {
    const p = authParams();
    const code = await signIn(new Browser(), meta, p, 'adam', { scope: 'openid groups' });
    const { json: tokens } = await token(meta, code, p.verifier, 'basic');
    const claims = await verifyIdToken(meta, tokens, p);
    assert.deepEqual(claims.groups, ['sysadmin-main']);
  });
});
