#!/usr/bin/env node
// Self-test of fixture.mjs: starts it as a child process, runs the code flow with
// PKCE for every scenario and checks each ID token with a strict relying party
// built on jose: `valid` must pass, each broken scenario must fail for the
// intended reason (and only that one).
//   node end2end/oidc/fixture-selftest.mjs
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify,
} from 'jose';

import { atHash, authParams, startProgram } from './harness.mjs';

const FIXTURE = fileURLToPath(new URL('./fixture.mjs', import.meta.url));
const REDIRECT = 'http://127.0.0.1:9/oidc/callback';
const CLIENT_ID = 'hackfest';
const CLIENT_SECRET = 'hackfest-secret';

let fx;
let issuer;

async function control(path, body) {
  const res = await fetch(`${issuer}${path}`, body === undefined
    ? {}
    : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}
const setScenario = async (body) => {
  const { status, json } = await control('/control/scenario', body);
  assert.equal(status, 200, JSON.stringify(json));
  return json;
};
const stats = async () => (await control('/control/stats')).json;

async function discover() {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`);
  assert.equal(res.status, 200);
  return res.json();
}

/** /authorize -> code (follows nothing: the fixture redirects at once). */
async function authorize(meta, p, extra = {}) {
  const url = new URL(meta.authorization_endpoint);
  const q = {
    response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT, scope: 'openid profile email groups',
    state: p.state, nonce: p.nonce, code_challenge: p.challenge, code_challenge_method: 'S256', ...extra,
  };
  for (const [k, v] of Object.entries(q)) if (v !== undefined) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  return res;
}

async function tokenRequest(meta, fields, { basic = true, secret = CLIENT_SECRET } = {}) {
  const body = new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: REDIRECT, ...fields });
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${CLIENT_ID}:${secret}`).toString('base64')}`;
  else { body.set('client_id', CLIENT_ID); body.set('client_secret', secret); }
  const res = await fetch(meta.token_endpoint, { method: 'POST', headers, body });
  return { status: res.status, json: await res.json() };
}

async function codeFlow(meta, opts) {
  const p = authParams();
  const res = await authorize(meta, p);
  assert.equal(res.status, 302);
  const cb = new URL(res.headers.get('location'));
  assert.equal(cb.searchParams.get('state'), p.state);
  const { status, json } = await tokenRequest(meta, { code: cb.searchParams.get('code'), code_verifier: p.verifier }, opts);
  assert.equal(status, 200, JSON.stringify(json));
  return { ...json, nonce: p.nonce };
}

/**
 * A strict relying party: everything OIDC Core 3.1.3.7 asks of an RP for the code flow.
 * Throws on any failure; returns the claims otherwise.
 */
async function rpValidate(meta, keySet, tokens) {
  const { payload } = await jwtVerify(tokens.id_token, keySet, {
    issuer: meta.issuer,
    audience: CLIENT_ID,
    algorithms: ['RS256'],
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
    maxTokenAge: '15m', // also makes jose reject an iat in the future
    clockTolerance: 30,
  });
  const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (auds.some((a) => a !== CLIENT_ID)) throw new Error('untrusted audience');
  if (auds.length > 1 && payload.azp !== CLIENT_ID) throw new Error('azp');
  if (payload.nonce !== tokens.nonce) throw new Error('nonce');
  if (payload.at_hash !== undefined && payload.at_hash !== atHash(tokens.access_token)) throw new Error('at_hash');
  return payload;
}

async function userinfo(meta, accessToken) {
  const res = await fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: res.status, json: await res.json() };
}

before(async () => {
  fx = await startProgram(FIXTURE);
  ({ issuer } = fx);
});
after(async () => {
  assert.equal(await fx.stop(), 0, 'exits 0 on SIGTERM');
});

describe('fixture.mjs protocol', () => {
  test('JSON line and discovery', async () => {
    assert.match(issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    const meta = await discover();
    assert.equal(meta.issuer, issuer);
    assert.equal(meta.authorization_endpoint, `${issuer}/authorize`);
    assert.equal(meta.token_endpoint, `${issuer}/token`);
    assert.equal(meta.userinfo_endpoint, `${issuer}/userinfo`);
    assert.equal(meta.jwks_uri, `${issuer}/jwks`);
    assert.equal(meta.end_session_endpoint, `${issuer}/logout`);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(meta.id_token_signing_alg_values_supported, ['RS256']);
  });

  test('/authorize refuses requests without PKCE S256, state or nonce', async () => {
    const meta = await discover();
    for (const extra of [
      { code_challenge: undefined },
      { code_challenge_method: 'plain' },
      { code_challenge_method: undefined },
      { state: undefined },
      { nonce: undefined },
      { response_type: 'token' },
      { client_id: 'someone-else' },
    ]) {
      const res = await authorize(meta, authParams(), extra);
      assert.equal(res.status, 400, JSON.stringify(extra));
      assert.match(await res.text(), /^(invalid_request|unsupported_response_type)/);
    }
    const last = (await stats()).last_authorize;
    assert.equal(last.client_id, 'someone-else');
  });

  test('/token checks PKCE, single use, redirect_uri and the client secret', async () => {
    await control('/control/reset', {});
    const meta = await discover();
    const p = authParams();
    const code = new URL((await authorize(meta, p)).headers.get('location')).searchParams.get('code');

    let r = await tokenRequest(meta, { code, code_verifier: authParams().verifier });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'invalid_grant');
    r = await tokenRequest(meta, { code, code_verifier: p.verifier, redirect_uri: 'http://127.0.0.1:9/other' });
    assert.equal(r.json.error, 'invalid_grant');
    r = await tokenRequest(meta, { code, code_verifier: p.verifier }, { secret: 'wrong' });
    assert.equal(r.status, 401);
    assert.equal(r.json.error, 'invalid_client');
    r = await tokenRequest(meta, { code, code_verifier: p.verifier }, { basic: false });
    assert.equal(r.status, 200, 'client_secret_post works');
    r = await tokenRequest(meta, { code, code_verifier: p.verifier });
    assert.equal(r.json.error, 'invalid_grant', 'a code is single-use');
    assert.equal((await stats()).token_requests, 5);
  });

  test('/logout redirects to post_logout_redirect_uri with state, else says signed out', async () => {
    let res = await fetch(`${issuer}/logout?post_logout_redirect_uri=${encodeURIComponent('http://127.0.0.1:9/bye')}&state=s1&id_token_hint=x`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'http://127.0.0.1:9/bye?state=s1');
    assert.equal((await stats()).last_logout.id_token_hint, 'x');
    res = await fetch(`${issuer}/logout`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /signed out/);
  });

  test('/control/scenario rejects unknown scenarios and fields', async () => {
    let r = await control('/control/scenario', { scenario: 'nope' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /unknown scenario/);
    r = await control('/control/scenario', { scenaro: 'valid' });
    assert.equal(r.status, 400);
    r = await control('/control/scenario', { groups_in: 'everywhere' });
    assert.equal(r.status, 400);
  });
});

describe('fixture.mjs scenarios, checked by a strict jose relying party', () => {
  let meta;
  let keySet; // one cached remote JWKS for the whole run, as an RP would keep
  before(async () => {
    await control('/control/reset', {});
    meta = await discover();
    keySet = createRemoteJWKSet(new URL(meta.jwks_uri), { cooldownDuration: 0 });
  });

  test('valid: verifies; userinfo has groups (default groups_in userinfo)', async () => {
    await setScenario({ scenario: 'valid' });
    const tokens = await codeFlow(meta);
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.expires_in, 600);
    const claims = await rpValidate(meta, keySet, tokens);
    assert.equal(claims.sub, 'alice-sub');
    assert.equal(claims.groups, undefined);
    assert.equal(claims.at_hash, atHash(tokens.access_token));
    const info = await userinfo(meta, tokens.access_token);
    assert.equal(info.status, 200);
    assert.deepEqual(info.json, {
      sub: 'alice-sub', preferred_username: 'alice', nickname: 'alice', name: 'Alice',
      email: 'alice@example.org', email_verified: true, groups: ['hackfest-attendees'],
    });
    assert.equal((await userinfo(meta, 'not-a-token')).status, 401);
  });

  test('subject and groups_in from the scenario', async () => {
    const fields = { sub: 'olivia-sub', preferred_username: 'olivia', name: 'Olivia', groups: ['hackfest-organizers'] };
    for (const [where, inToken, inUserinfo] of [['id_token', true, false], ['userinfo', false, true], ['both', true, true], ['none', false, false]]) {
      await setScenario({ scenario: 'valid', ...fields, groups_in: where });
      const tokens = await codeFlow(meta);
      const claims = await rpValidate(meta, keySet, tokens);
      assert.equal(claims.sub, 'olivia-sub');
      assert.equal(claims.preferred_username, 'olivia');
      assert.deepEqual(claims.groups, inToken ? ['hackfest-organizers'] : undefined, where);
      const info = (await userinfo(meta, tokens.access_token)).json;
      assert.deepEqual(info.groups, inUserinfo ? ['hackfest-organizers'] : undefined, where);
    }
  });

  test('extra_claims override and delete ID token claims', async () => {
    await setScenario({ extra_claims: { acr: 'x', email: null } });
    const claims = await rpValidate(meta, keySet, await codeFlow(meta));
    assert.equal(claims.acr, 'x');
    assert.equal(claims.email, undefined);
  });

  // scenario -> what must make the strict RP reject it
  const rejected = {
    alg_none: errors.JOSEAlgNotAllowed,
    bad_signature: errors.JWSSignatureVerificationFailed,
    signed_by_unknown_key: errors.JWSSignatureVerificationFailed,
    wrong_iss: /"iss" claim/,
    wrong_aud: /"aud" claim/,
    extra_untrusted_aud: /untrusted audience/,
    missing_sub: /"sub" claim/,
    missing_iat: /"iat" claim/,
    expired: /"exp" claim/,
    iat_future: /"iat" claim timestamp check failed \(it should be in the past\)/,
    nonce_mismatch: /^nonce$/,
    nonce_missing: /^nonce$/,
    bad_at_hash: /^at_hash$/,
  };
  for (const [scenario, expected] of Object.entries(rejected)) {
    test(`${scenario}: rejected`, async () => {
      await setScenario({ scenario });
      const tokens = await codeFlow(meta);
      await assert.rejects(rpValidate(meta, keySet, tokens), (err) => {
        if (expected instanceof RegExp) assert.match(err.message, expected);
        else assert.ok(err instanceof expected, `${err.name}: ${err.message}`);
        return true;
      });
    });
  }

  test('signed_by_unknown_key: same kid as the published key, different key', async () => {
    await setScenario({ scenario: 'signed_by_unknown_key' });
    const tokens = await codeFlow(meta);
    const { kids } = await stats();
    assert.deepEqual(kids, [decodeProtectedHeader(tokens.id_token).kid]);
  });

  test('alg_none: header alg none and an empty signature', async () => {
    await setScenario({ scenario: 'alg_none' });
    const tokens = await codeFlow(meta);
    assert.equal(decodeProtectedHeader(tokens.id_token).alg, 'none');
    assert.ok(tokens.id_token.endsWith('.'));
  });

  test('kid_absent_one_key: no kid, one key in the JWKS: verifies', async () => {
    await setScenario({ scenario: 'kid_absent_one_key' });
    const tokens = await codeFlow(meta);
    assert.equal(decodeProtectedHeader(tokens.id_token).kid, undefined);
    const keys = await (await fetch(meta.jwks_uri)).json();
    assert.equal(keys.keys.length, 1);
    await rpValidate(meta, createLocalJWKSet(keys), tokens);
  });

  test('kid_absent_many_keys: no kid, two keys: ambiguous for jose, signed by one of them', async () => {
    await setScenario({ scenario: 'kid_absent_many_keys' });
    const tokens = await codeFlow(meta);
    const keys = await (await fetch(meta.jwks_uri)).json();
    assert.equal(keys.keys.length, 2);
    let candidates;
    await assert.rejects(rpValidate(meta, createLocalJWKSet(keys), tokens), (err) => {
      assert.ok(err instanceof errors.JWKSMultipleMatchingKeys);
      candidates = err;
      return true;
    });
    let verified = 0;
    for await (const key of candidates) {
      try {
        await rpValidate(meta, key, tokens);
        verified += 1;
      } catch { /* the other key */ }
    }
    assert.equal(verified, 1, 'exactly one published key verifies it');
  });

  test('rotate_key: new kid; a cached JWKS is refetched exactly once, then it verifies', async () => {
    await control('/control/reset', {});
    const rp = createRemoteJWKSet(new URL(meta.jwks_uri), { cooldownDuration: 0 });
    await setScenario({ scenario: 'valid' });
    await rpValidate(meta, rp, await codeFlow(meta));
    const before = await stats();
    assert.equal(before.jwks_fetches, 1);

    const { kids } = await setScenario({ scenario: 'rotate_key' });
    assert.equal(kids.length, 1);
    assert.notEqual(kids[0], before.kids[0]);
    const tokens = await codeFlow(meta);
    assert.equal(decodeProtectedHeader(tokens.id_token).kid, kids[0]);
    await rpValidate(meta, rp, tokens);
    await rpValidate(meta, rp, await codeFlow(meta));
    assert.equal((await stats()).jwks_fetches, 2);
  });

  test('discovery_issuer_mismatch: discovery issuer differs from where it is served; tokens still valid', async () => {
    await setScenario({ scenario: 'discovery_issuer_mismatch' });
    const doc = await discover();
    assert.notEqual(doc.issuer, issuer);
    await rpValidate(meta, keySet, await codeFlow(meta));
  });

  test('userinfo_sub_mismatch: ID token valid, userinfo sub differs', async () => {
    await setScenario({ scenario: 'userinfo_sub_mismatch' });
    const tokens = await codeFlow(meta);
    const claims = await rpValidate(meta, keySet, tokens);
    const info = (await userinfo(meta, tokens.access_token)).json;
    assert.notEqual(info.sub, claims.sub);
  });

  test('reset: valid scenario, one key, counters zero', async () => {
    await setScenario({ scenario: 'kid_absent_many_keys' });
    await control('/control/reset', {});
    const s = await stats();
    assert.equal(s.scenario, 'valid');
    assert.equal(s.kids.length, 1);
    assert.equal(s.jwks_fetches, 0);
    assert.equal(s.token_requests, 0);
    assert.equal(s.last_authorize, null);
  });
});
