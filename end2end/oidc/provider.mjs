#!/usr/bin/env node
// A real OpenID Provider for tests: oidc-provider 8 (OpenID Certified) with one
// static confidential client, three test users, a minimal login page and
// automatic consent. See README.md beside this file.
//
//   node end2end/oidc/provider.mjs --port 0
//   -> prints {"issuer":"http://127.0.0.1:PORT"} on stdout, runs until SIGTERM/SIGINT.

import crypto from 'node:crypto';
import http from 'node:http';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
// The in-memory store is what a test provider wants; a subclass (same behaviour)
// skips oidc-provider's start-up warning meant for production deployments.
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';

class TestMemoryAdapter extends MemoryAdapter {}

// oidc-provider writes notices with console.info (stdout) when a Provider is
// configured; stdout carries only the one JSON line of our protocol, so all other
// console output goes to stderr.
console.log = console.info = console.debug = (...args) => console.error(...args);

// ---------------------------------------------------------------- arguments
function parseArgs(argv) {
  const opts = { port: 0, exitWithStdin: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--port') {
      opts.port = Number(argv[(i += 1)]);
    } else if (arg.startsWith('--port=')) {
      opts.port = Number(arg.slice('--port='.length));
    } else if (arg === '--exit-with-stdin') {
      opts.exitWithStdin = true;
    } else {
      fail(`unknown argument: ${arg}`);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    fail('--port needs an integer 0..65535 (0 = pick a free port)');
  }
  return opts;
}

function fail(message) {
  console.error(`provider.mjs: ${message}`);
  process.exit(2);
}

function list(value) {
  return (value || '').split(',').map((s) => s.trim()).filter(Boolean);
}

const opts = parseArgs(process.argv.slice(2));
const CLIENT_ID = process.env.OIDC_CLIENT_ID || 'hackfest';
const CLIENT_SECRET = process.env.OIDC_CLIENT_SECRET || 'hackfest-secret';
const REDIRECT_URIS = list(process.env.OIDC_REDIRECT_URIS);
const POST_LOGOUT_REDIRECT_URIS = list(process.env.OIDC_POST_LOGOUT_REDIRECT_URIS);
const GROUPS_IN = process.env.OIDC_GROUPS_IN || 'userinfo';
if (REDIRECT_URIS.length === 0) fail('OIDC_REDIRECT_URIS (comma-separated) is required');
if (!['userinfo', 'id_token'].includes(GROUPS_IN)) fail('OIDC_GROUPS_IN must be "userinfo" or "id_token"');

// ---------------------------------------------------------------- test users
// Login name = account id = `sub`; password = login + "-password".
const USERS = {
  alice: { name: 'Alice Attendee', email: 'alice@example.org', groups: ['hackfest-attendees'] },
  olivia: {
    name: 'Olivia Organizer',
    email: 'olivia@example.org',
    groups: ['hackfest-attendees', 'hackfest-organizers'],
  },
  adam: { name: 'Adam Admin', email: 'adam@example.org', groups: ['sysadmin-main'] },
};

function passwordMatches(login, password) {
  if (!Object.hasOwn(USERS, login)) return false;
  const expected = Buffer.from(`${login}-password`);
  const given = Buffer.from(String(password ?? ''));
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

async function findAccount(ctx, id) {
  if (!Object.hasOwn(USERS, id)) return undefined;
  const user = USERS[id];
  return {
    accountId: id,
    // oidc-provider masks these by granted scope, and by `conformIdTokenClaims`
    // for the ID token (see below), so all claims can be returned here.
    async claims() {
      return {
        sub: id,
        preferred_username: id,
        nickname: id,
        name: user.name,
        email: user.email,
        email_verified: true,
        groups: [...user.groups],
      };
    },
  };
}

// ---------------------------------------------------------------- HTML
function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}
label,input,button{display:block;width:100%;box-sizing:border-box;margin:.3rem 0}
input{padding:.4rem}button{padding:.5rem;margin-top:1rem}
.error{color:#b00020;font-weight:bold}.meta{color:#555;font-size:.85rem}
</style>
</head>
<body>
${body}
</body>
</html>`;
}

function loginPage({ uid, params, login = '', error }) {
  return page('Test OpenID provider: sign in', `<h1>Test OpenID provider</h1>
<p class="meta">Sign in to continue. Client <code>${esc(params.client_id)}</code> asks for
<code>${esc(params.scope)}</code>.</p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
<label for="login">Username</label>
<input id="login" name="login" type="text" autocomplete="username" required autofocus value="${esc(login)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${esc(uid)}/abort">
<button type="submit">Cancel</button>
</form>`);
}

// ---------------------------------------------------------------- interactions
function send(res, status, html) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(html);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('form body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Grants everything the consent prompt says is missing, without asking: these are
// test users of a first-party client. Same steps as oidc-provider's own example.
async function autoConsent(provider, req, res, details) {
  const { prompt, grantId, session, params } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  if (prompt.details.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  const consent = { grantId: await grant.save() };
  await provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
}

// Handles /interaction/:uid (GET), /interaction/:uid/login and /abort (POST).
// Returns false when the URL is not ours so oidc-provider can handle it.
async function handleInteraction(provider, req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?$/.exec(url.pathname);
  if (!match) return false;
  const [, uid, action] = match;

  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    // Unknown/expired interaction or missing interaction cookie.
    send(res, 400, page('Sign-in error', `<h1>Sign-in error</h1><p class="error" role="alert">${esc(err.message)}</p>`));
    return true;
  }
  if (details.uid !== uid) {
    send(res, 400, page('Sign-in error', '<h1>Sign-in error</h1><p class="error" role="alert">interaction mismatch</p>'));
    return true;
  }

  if (req.method === 'GET' && !action) {
    if (details.prompt.name === 'login') {
      send(res, 200, loginPage({ uid, params: details.params, login: details.params.login_hint || '' }));
    } else if (details.prompt.name === 'consent') {
      await autoConsent(provider, req, res, details);
    } else {
      send(res, 501, page('Sign-in error', `<h1>Unsupported prompt ${esc(details.prompt.name)}</h1>`));
    }
    return true;
  }

  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const login = form.get('login') || '';
    if (details.prompt.name !== 'login') {
      send(res, 400, page('Sign-in error', '<h1>Sign-in error</h1><p class="error" role="alert">not expecting a login now</p>'));
    } else if (!passwordMatches(login, form.get('password'))) {
      send(res, 401, loginPage({ uid, params: details.params, login, error: 'Invalid username or password.' }));
    } else {
      await provider.interactionFinished(req, res, {
        login: { accountId: login, amr: ['pwd'] },
      }, { mergeWithLastSubmission: false });
    }
    return true;
  }

  if (req.method === 'POST' && action === 'abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
    return true;
  }

  send(res, 405, page('Method not allowed', '<h1>Method not allowed</h1>'));
  return true;
}

// ---------------------------------------------------------------- provider
async function makeProvider(issuer) {
  // One RS256 signing key per run.
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = await calculateJwkThumbprint(jwk);
  jwk.alg = 'RS256';
  jwk.use = 'sig';

  const groupsScopes = ['groups', 'https://id.fedoraproject.org/scope/groups'];
  const configuration = {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      application_type: 'web', // http://127.0.0.1 redirect URIs are allowed for web clients with code flow
      redirect_uris: REDIRECT_URIS,
      post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // Either client_secret_basic or client_secret_post is accepted for a client
      // registered with one of the two (oidc-provider treats them as one family).
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    }],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    responseTypes: ['code'],
    pkce: { methods: ['S256'], required: () => true },
    scopes: ['openid'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'nickname', 'preferred_username'],
      email: ['email', 'email_verified'],
      // Both scope names grant the same `groups` claim.
      ...Object.fromEntries(groupsScopes.map((scope) => [scope, ['groups']])),
    },
    // true (OIDC Core): scope-requested claims only come from UserInfo; the ID token
    // carries sub and protocol claims only (like Fedora's Ipsilon for groups).
    // false: the ID token also carries profile, email and groups.
    conformIdTokenClaims: GROUPS_IN === 'userinfo',
    findAccount,
    adapter: TestMemoryAdapter,
    jwks: { keys: [jwk] },
    cookies: {
      keys: [crypto.randomBytes(32).toString('base64url')],
      // The RP under test also runs on 127.0.0.1 and cookies ignore ports: use
      // distinct names so the two never overwrite each other's cookies.
      names: { session: 'op_session', interaction: 'op_interaction', resume: 'op_interaction_resume' },
      // Plain http: SameSite=None cookies need Secure, so use lax (top-level
      // navigations between the RP and the OP still carry them).
      long: { signed: true, sameSite: 'lax' },
      short: { signed: true, sameSite: 'lax' },
    },
    allowOmittingSingleRegisteredRedirectUri: false,
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // `form` is oidc-provider's <form id="op.logoutForm"> with the xsrf input.
        // Adding logout=yes and submitting it at once means: end the whole OP session
        // and go on to post_logout_redirect_uri, with no click.
        async logoutSource(ctx, form) {
          const withYes = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
          ctx.body = page('Signing out', `<h1>Signing out</h1>
${withYes}
<button type="submit" form="op.logoutForm">Sign out</button>
<script>document.getElementById('op.logoutForm').submit();</script>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('Signed out', '<h1>Signed out</h1><p>You are signed out of the test OpenID provider.</p>');
        },
      },
      // Not needed by the tests; disabled to keep the surface small.
      pushedAuthorizationRequests: { enabled: false },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('OpenID provider error', `<h1>OpenID provider error</h1>
${Object.entries(out).map(([k, v]) => `<p><strong>${esc(k)}</strong>: <span class="error">${esc(v)}</span></p>`).join('\n')}`);
    },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      ClientCredentials: 600,
      RefreshToken: 3600,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
    },
  };

  const provider = new Provider(issuer, configuration);
  // Static clients are validated lazily; load ours now so bad metadata (e.g. a
  // redirect URI that is not a URL) fails at start, not at the first request.
  await provider.Client.find(CLIENT_ID);
  for (const event of ['server_error', 'authorization.error', 'grant.error', 'userinfo.error', 'end_session.error']) {
    provider.on(event, (ctx, err) => console.error(`provider.mjs ${event}: ${err?.message ?? err}${err?.error_description ? ` (${err.error_description})` : ''}`));
  }
  return provider;
}

// ---------------------------------------------------------------- server
let handler = (req, res) => { res.statusCode = 503; res.end(); };
const server = http.createServer((req, res) => handler(req, res));

server.on('error', (err) => {
  console.error(`provider.mjs: cannot listen on 127.0.0.1:${opts.port}: ${err.message}`);
  process.exit(1);
});

server.listen(opts.port, '127.0.0.1', async () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  let provider;
  try {
    provider = await makeProvider(issuer);
  } catch (err) {
    console.error(`provider.mjs: configuration error: ${err.error_description || ''}\n${err.stack || err}`);
    process.exit(1);
  }
  const callback = provider.callback();
  handler = async (req, res) => {
    try {
      if (!(await handleInteraction(provider, req, res))) callback(req, res);
    } catch (err) {
      console.error(`provider.mjs: ${err.stack || err}`);
      if (!res.headersSent) send(res, 500, page('Error', `<h1>Error</h1><p class="error">${esc(err.message)}</p>`));
      else res.end();
    }
  };
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (opts.exitWithStdin) {
  // Dies with its parent even if the parent could not send SIGTERM.
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.resume();
}
