#!/usr/bin/env node
// An OpenID provider fixture for negative ID-token tests: real RSA keys, a real
// JWKS, a real code flow with PKCE, and ID tokens that are built the way the
// current scenario (set through POST /control/scenario) says, good or bad.
// No login page: /authorize redirects back at once; the subject comes from the
// scenario. See README.md beside this file.
//
//   node end2end/oidc/fixture.mjs --port 0
//   -> prints {"issuer":"http://127.0.0.1:PORT"} on stdout, runs until SIGTERM/SIGINT.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

// ---------------------------------------------------------------- arguments
function fail(message) {
  console.error(`fixture.mjs: ${message}`);
  process.exit(2);
}

const opts = { port: 0, exitWithStdin: false };
for (let i = 2; i < process.argv.length; i += 1) {
  const arg = process.argv[i];
  if (arg === '--port') opts.port = Number(process.argv[(i += 1)]);
  else if (arg.startsWith('--port=')) opts.port = Number(arg.slice(7));
  else if (arg === '--exit-with-stdin') opts.exitWithStdin = true;
  else fail(`unknown argument: ${arg}`);
}
if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
  fail('--port needs an integer 0..65535 (0 = pick a free port)');
}

const list = (v) => (v || '').split(',').map((s) => s.trim()).filter(Boolean);
const CLIENT_ID = process.env.OIDC_CLIENT_ID || 'hackfest';
const CLIENT_SECRET = process.env.OIDC_CLIENT_SECRET || 'hackfest-secret';
// Optional allow-lists; when unset, any redirect URI is accepted.
const REDIRECT_URIS = list(process.env.OIDC_REDIRECT_URIS);
const POST_LOGOUT_REDIRECT_URIS = list(process.env.OIDC_POST_LOGOUT_REDIRECT_URIS);

const ID_TOKEN_TTL = 600;
const CODE_TTL = 60;
const SCOPES = ['openid', 'profile', 'email', 'groups', 'https://id.fedoraproject.org/scope/groups'];

// ---------------------------------------------------------------- scenarios
const SCENARIOS = [
  'valid',
  'alg_none', // header alg "none", empty signature
  'bad_signature', // RS256 signature with altered bytes
  'signed_by_unknown_key', // valid RS256 signature by a key not in the JWKS, same kid as the published key
  'wrong_iss',
  'wrong_aud',
  'extra_untrusted_aud', // aud = [client_id, "someone-else"], azp = client_id
  'missing_sub',
  'missing_iat',
  'expired', // exp 10 minutes in the past
  'iat_future', // iat 1 hour ahead
  'nonce_mismatch',
  'nonce_missing',
  'kid_absent_one_key', // no kid header; the JWKS has exactly one key (the signing key)
  'kid_absent_many_keys', // no kid header; the JWKS has two keys, the first signed it
  'rotate_key', // a new key replaces the old one in the JWKS (at the time the scenario is set)
  'bad_at_hash',
  'discovery_issuer_mismatch', // discovery `issuer` differs from the URL it is served at; tokens valid
  'userinfo_sub_mismatch', // ID token valid, UserInfo returns a different sub
];
const GROUPS_IN = ['id_token', 'userinfo', 'both', 'none'];
const STRING_FIELDS = ['sub', 'preferred_username', 'nickname', 'name', 'email'];

function defaultScenario() {
  return {
    scenario: 'valid',
    sub: 'alice-sub',
    preferred_username: 'alice',
    nickname: 'alice',
    name: 'Alice',
    email: 'alice@example.org',
    email_verified: true,
    groups: ['hackfest-attendees'],
    groups_in: 'userinfo',
    extra_claims: {},
  };
}

/** Validates a POST /control/scenario body; returns the new scenario or throws with a message. */
function parseScenario(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('body must be a JSON object');
  const next = defaultScenario();
  for (const [key, value] of Object.entries(body)) {
    if (key === 'scenario') {
      if (!SCENARIOS.includes(value)) throw new Error(`unknown scenario ${JSON.stringify(value)}; known: ${SCENARIOS.join(', ')}`);
      next.scenario = value;
    } else if (STRING_FIELDS.includes(key)) {
      if (typeof value !== 'string') throw new Error(`${key} must be a string`);
      next[key] = value;
    } else if (key === 'email_verified') {
      if (typeof value !== 'boolean') throw new Error('email_verified must be a boolean');
      next[key] = value;
    } else if (key === 'groups') {
      if (!Array.isArray(value) || !value.every((g) => typeof g === 'string')) throw new Error('groups must be an array of strings');
      next.groups = [...value];
    } else if (key === 'groups_in') {
      if (!GROUPS_IN.includes(value)) throw new Error(`groups_in must be one of ${GROUPS_IN.join(', ')}`);
      next.groups_in = value;
    } else if (key === 'extra_claims') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('extra_claims must be an object');
      next.extra_claims = { ...value };
    } else {
      throw new Error(`unknown field ${JSON.stringify(key)}`);
    }
  }
  return next;
}

// ---------------------------------------------------------------- keys
async function newKey(kid) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(publicKey);
  jwk.kid = kid ?? (await calculateJwkThumbprint(jwk));
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  return { kid: jwk.kid, privateKey, jwk };
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const sha256 = (data) => createHash('sha256').update(data).digest();
const randomId = (bytes = 24) => b64url(randomBytes(bytes));
const now = () => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------- state
const state = {
  issuer: '',
  keys: [], // published in the JWKS; keys[0] signs
  scenario: defaultScenario(),
  codes: new Map(), // code -> { client_id, redirect_uri, nonce, code_challenge, scope, exp, used }
  accessTokens: new Map(), // token -> { exp, claims for userinfo }
  stats: null,
};

function resetStats() {
  state.stats = {
    jwks_fetches: 0,
    discovery_fetches: 0,
    authorize_requests: 0,
    token_requests: 0,
    userinfo_requests: 0,
    logout_requests: 0,
    last_authorize: null,
    last_token_request: null,
    last_logout: null,
    last_id_token: null,
  };
}

// Makes the JWKS match what the scenario needs, at the time it is set, so the
// relying party sees the new JWKS whenever it (re)fetches.
async function applyKeyChanges(scenario) {
  if (scenario === 'rotate_key') {
    state.keys = [await newKey()];
  } else if (scenario === 'kid_absent_many_keys') {
    if (state.keys.length < 2) state.keys.push(await newKey());
  } else if (scenario === 'kid_absent_one_key') {
    state.keys = state.keys.slice(0, 1);
  }
}

// ---------------------------------------------------------------- ID token
async function sign(header, payload, key) {
  return new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader(header).sign(key);
}

async function buildIdToken(record, accessToken) {
  const s = state.scenario;
  const t = now();
  const payload = {
    iss: state.issuer,
    sub: s.sub,
    aud: record.client_id,
    exp: t + ID_TOKEN_TTL,
    iat: t,
    auth_time: t,
    nonce: record.nonce,
    at_hash: b64url(sha256(Buffer.from(accessToken, 'ascii')).subarray(0, 16)),
    preferred_username: s.preferred_username,
    nickname: s.nickname,
    name: s.name,
    email: s.email,
    email_verified: s.email_verified,
  };
  if (s.groups_in === 'id_token' || s.groups_in === 'both') payload.groups = s.groups;

  switch (s.scenario) {
    case 'wrong_iss': payload.iss = 'https://wrong-issuer.invalid'; break;
    case 'wrong_aud': payload.aud = 'someone-else'; break;
    case 'extra_untrusted_aud': payload.aud = [record.client_id, 'someone-else']; payload.azp = record.client_id; break;
    case 'missing_sub': delete payload.sub; break;
    case 'missing_iat': delete payload.iat; break;
    case 'expired': payload.iat = t - 2 * ID_TOKEN_TTL; payload.auth_time = payload.iat; payload.exp = t - ID_TOKEN_TTL; break;
    case 'iat_future': payload.iat = t + 3600; payload.auth_time = payload.iat; payload.exp = payload.iat + ID_TOKEN_TTL; break;
    case 'nonce_mismatch': payload.nonce = `not-${record.nonce}`; break;
    case 'nonce_missing': delete payload.nonce; break;
    case 'bad_at_hash': payload.at_hash = b64url(sha256(Buffer.from(`not-${accessToken}`)).subarray(0, 16)); break;
    default: break;
  }
  // Test-supplied overrides; null deletes a claim.
  for (const [k, v] of Object.entries(s.extra_claims)) {
    if (v === null) delete payload[k];
    else payload[k] = v;
  }

  const key = state.keys[0];
  const header = { alg: 'RS256', typ: 'JWT', kid: key.kid };
  switch (s.scenario) {
    case 'alg_none':
      return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.`;
    case 'bad_signature': {
      const [h, p, sig] = (await sign(header, payload, key.privateKey)).split('.');
      const bytes = Buffer.from(sig, 'base64url');
      bytes[0] ^= 0xff;
      bytes[bytes.length - 1] ^= 0x01;
      return `${h}.${p}.${b64url(bytes)}`;
    }
    case 'signed_by_unknown_key': {
      const rogue = await newKey(key.kid); // same kid, different key pair, never published
      return sign(header, payload, rogue.privateKey);
    }
    case 'kid_absent_one_key':
    case 'kid_absent_many_keys':
      delete header.kid;
      return sign(header, payload, key.privateKey);
    default:
      return sign(header, payload, key.privateKey);
  }
}

function userinfoClaims() {
  const s = state.scenario;
  const claims = {
    sub: s.scenario === 'userinfo_sub_mismatch' ? `other-than-${s.sub}` : s.sub,
    preferred_username: s.preferred_username,
    nickname: s.nickname,
    name: s.name,
    email: s.email,
    email_verified: s.email_verified,
  };
  if (s.groups_in === 'userinfo' || s.groups_in === 'both') claims.groups = [...s.groups];
  return claims;
}

// ---------------------------------------------------------------- HTTP helpers
function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function sendText(res, status, text, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(`${text}\n`);
}

function redirect(res, location) {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 256 * 1024) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function secretEquals(given, expected) {
  const a = Buffer.from(String(given));
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// application/x-www-form-urlencoded decoding of the Basic credentials (RFC 6749 2.3.1).
function formDecode(s) {
  return decodeURIComponent(s.replace(/\+/g, '%20'));
}

// ---------------------------------------------------------------- endpoints
function discovery(res) {
  state.stats.discovery_fetches += 1;
  const iss = state.issuer;
  sendJson(res, 200, {
    issuer: state.scenario.scenario === 'discovery_issuer_mismatch' ? `${iss}/not-this-issuer` : iss,
    authorization_endpoint: `${iss}/authorize`,
    token_endpoint: `${iss}/token`,
    userinfo_endpoint: `${iss}/userinfo`,
    jwks_uri: `${iss}/jwks`,
    end_session_endpoint: `${iss}/logout`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: SCOPES,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash',
      'preferred_username', 'nickname', 'name', 'email', 'email_verified', 'groups'],
  }, { 'Cache-Control': 'no-cache' });
}

function jwks(res) {
  state.stats.jwks_fetches += 1;
  sendJson(res, 200, { keys: state.keys.map((k) => k.jwk) }, { 'Cache-Control': 'no-cache' });
}

function authorize(res, url) {
  state.stats.authorize_requests += 1;
  const q = Object.fromEntries(url.searchParams);
  state.stats.last_authorize = q;
  const missing = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method']
    .filter((k) => !q[k]);
  if (missing.length) return sendText(res, 400, `invalid_request: missing ${missing.join(', ')}`);
  if (q.response_type !== 'code') return sendText(res, 400, 'unsupported_response_type: only "code"');
  if (q.client_id !== CLIENT_ID) return sendText(res, 400, `invalid_request: unknown client_id ${q.client_id}`);
  if (REDIRECT_URIS.length && !REDIRECT_URIS.includes(q.redirect_uri)) return sendText(res, 400, 'invalid_request: redirect_uri not registered');
  let target;
  try {
    target = new URL(q.redirect_uri);
  } catch {
    return sendText(res, 400, 'invalid_request: redirect_uri is not a URL');
  }
  if (!q.scope.split(' ').includes('openid')) return sendText(res, 400, 'invalid_scope: openid is required');
  if (q.code_challenge_method !== 'S256') return sendText(res, 400, 'invalid_request: code_challenge_method must be S256');
  if (!/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge)) return sendText(res, 400, 'invalid_request: code_challenge must be 43 base64url characters');

  const code = randomId();
  state.codes.set(code, {
    client_id: q.client_id,
    redirect_uri: q.redirect_uri,
    nonce: q.nonce,
    code_challenge: q.code_challenge,
    scope: q.scope,
    exp: now() + CODE_TTL,
    used: false,
  });
  target.searchParams.set('code', code);
  target.searchParams.set('state', q.state);
  target.searchParams.set('iss', state.issuer); // RFC 9207
  return redirect(res, target.href);
}

async function token(req, res) {
  state.stats.token_requests += 1;
  const oauthError = (status, error, description, headers) => sendJson(res, status, { error, error_description: description }, headers);
  const form = new URLSearchParams(await readBody(req));
  const params = Object.fromEntries(form);
  state.stats.last_token_request = { ...params, client_secret: params.client_secret ? '(given)' : undefined, authorization: req.headers.authorization ? req.headers.authorization.split(' ')[0] : undefined };

  // Client authentication: client_secret_basic or client_secret_post, not both.
  let clientId;
  let secret;
  const auth = req.headers.authorization;
  if (auth) {
    const [scheme, value] = auth.split(' ');
    const decoded = scheme?.toLowerCase() === 'basic' && value ? Buffer.from(value, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 0) return oauthError(400, 'invalid_request', 'malformed Authorization header');
    if (params.client_secret !== undefined) return oauthError(400, 'invalid_request', 'client authentication must use only one method');
    try {
      clientId = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } catch {
      return oauthError(400, 'invalid_request', 'client credentials are not form-encoded');
    }
    if (params.client_id !== undefined && params.client_id !== clientId) return oauthError(400, 'invalid_request', 'client_id mismatch');
  } else {
    clientId = params.client_id;
    secret = params.client_secret;
  }
  if (!clientId || secret === undefined) {
    return oauthError(401, 'invalid_client', 'client authentication required', { 'WWW-Authenticate': 'Basic realm="fixture"' });
  }
  if (clientId !== CLIENT_ID || !secretEquals(secret, CLIENT_SECRET)) {
    return oauthError(401, 'invalid_client', 'client authentication failed', { 'WWW-Authenticate': 'Basic realm="fixture"' });
  }

  if (params.grant_type !== 'authorization_code') return oauthError(400, 'unsupported_grant_type', 'only authorization_code');
  const record = params.code ? state.codes.get(params.code) : undefined;
  if (!record) return oauthError(400, 'invalid_grant', 'unknown code');
  if (record.used) return oauthError(400, 'invalid_grant', 'code already used');
  if (record.exp < now()) return oauthError(400, 'invalid_grant', 'code expired');
  if (record.client_id !== clientId) return oauthError(400, 'invalid_grant', 'code was issued to another client');
  if (params.redirect_uri !== record.redirect_uri) return oauthError(400, 'invalid_grant', 'redirect_uri does not match');
  if (!params.code_verifier) return oauthError(400, 'invalid_grant', 'code_verifier required');
  if (b64url(sha256(params.code_verifier)) !== record.code_challenge) return oauthError(400, 'invalid_grant', 'PKCE verification failed');
  record.used = true;

  const accessToken = randomId(32);
  state.accessTokens.set(accessToken, { exp: now() + ID_TOKEN_TTL, claims: userinfoClaims() });
  const idToken = await buildIdToken(record, accessToken);
  state.stats.last_id_token = idToken;
  return sendJson(res, 200, {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: ID_TOKEN_TTL,
    scope: record.scope,
    id_token: idToken,
  }, { Pragma: 'no-cache' });
}

function userinfo(req, res) {
  state.stats.userinfo_requests += 1;
  const m = /^Bearer (\S+)$/i.exec(req.headers.authorization || '');
  const entry = m ? state.accessTokens.get(m[1]) : undefined;
  if (!entry || entry.exp < now()) {
    return sendJson(res, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  }
  return sendJson(res, 200, entry.claims);
}

function logout(res, url) {
  state.stats.logout_requests += 1;
  const q = Object.fromEntries(url.searchParams);
  state.stats.last_logout = q;
  const target = q.post_logout_redirect_uri;
  if (!target) return sendText(res, 200, 'signed out');
  if (POST_LOGOUT_REDIRECT_URIS.length && !POST_LOGOUT_REDIRECT_URIS.includes(target)) {
    return sendText(res, 400, 'invalid_request: post_logout_redirect_uri not registered');
  }
  let to;
  try {
    to = new URL(target);
  } catch {
    return sendText(res, 400, 'invalid_request: post_logout_redirect_uri is not a URL');
  }
  if (q.state) to.searchParams.set('state', q.state);
  return redirect(res, to.href);
}

async function control(req, res, path) {
  if (req.method === 'GET' && path === '/control/stats') {
    return sendJson(res, 200, { ...state.stats, scenario: state.scenario.scenario, kids: state.keys.map((k) => k.kid) });
  }
  if (req.method === 'POST' && path === '/control/scenario') {
    let next;
    try {
      const text = await readBody(req);
      next = parseScenario(text.trim() ? JSON.parse(text) : {});
    } catch (err) {
      return sendJson(res, 400, { error: err.message });
    }
    await applyKeyChanges(next.scenario);
    state.scenario = next;
    return sendJson(res, 200, { scenario: next, kids: state.keys.map((k) => k.kid) });
  }
  if (req.method === 'POST' && path === '/control/reset') {
    state.scenario = defaultScenario();
    state.keys = state.keys.slice(0, 1); // keep the current signing key, drop extras
    state.codes.clear();
    state.accessTokens.clear();
    resetStats();
    return sendJson(res, 200, { scenario: state.scenario, kids: state.keys.map((k) => k.kid) });
  }
  return sendText(res, 404, 'not found');
}

async function route(req, res) {
  const url = new URL(req.url, state.issuer);
  const path = url.pathname;
  if (path.startsWith('/control/')) return control(req, res, path);
  if (req.method === 'GET' || req.method === 'HEAD') {
    switch (path) {
      case '/.well-known/openid-configuration': return discovery(res);
      case '/jwks': return jwks(res);
      case '/authorize': return authorize(res, url);
      case '/userinfo': return userinfo(req, res);
      case '/logout': return logout(res, url);
      default: break;
    }
  }
  if (req.method === 'POST') {
    switch (path) {
      case '/token': return token(req, res);
      case '/userinfo': return userinfo(req, res);
      default: break;
    }
  }
  return sendText(res, 404, 'not found');
}

// ---------------------------------------------------------------- main
resetStats();
state.keys = [await newKey()];

const server = http.createServer((req, res) => {
  route(req, res).catch((err) => {
    console.error(`fixture.mjs: ${err.stack || err}`);
    if (!res.headersSent) sendText(res, 500, `server_error: ${err.message}`);
    else res.end();
  });
});
server.on('error', (err) => {
  console.error(`fixture.mjs: cannot listen on 127.0.0.1:${opts.port}: ${err.message}`);
  process.exit(1);
});
server.listen(opts.port, '127.0.0.1', () => {
  state.issuer = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`${JSON.stringify({ issuer: state.issuer })}\n`);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (opts.exitWithStdin) {
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.resume();
}
