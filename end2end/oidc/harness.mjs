// Helpers shared by selftest.mjs and fixture-selftest.mjs: start one of the OIDC
// programs as a child process the way the Rust and Playwright tests do, and a
// tiny cookie-keeping fetch for walking through HTML forms.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';

/**
 * Starts `node <script> --port 0 --exit-with-stdin` and resolves once it printed its
 * JSON line. Its stdin is a pipe that we never write to: if this process dies
 * without stopping it, the pipe closes and the child exits too.
 * Returns { issuer, child, stop() }; stop() sends SIGTERM and resolves with the exit code.
 */
export function startProgram(script, { env = {}, args = [] } = {}) {
  const child = spawn(process.execPath, [script, '--port', '0', '--exit-with-stdin', ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} printed no JSON line in 20s\n${stderr}`)), 20_000);
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      let issuer;
      try {
        ({ issuer } = JSON.parse(line));
      } catch (err) {
        reject(new Error(`${script}: first stdout line is not JSON: ${line}`));
        return;
      }
      resolve({
        issuer,
        child,
        stderr: () => stderr,
        async stop() {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before printing its JSON line\n${stderr}`));
    });
  });
}

export function b64url(buf) {
  return Buffer.from(buf).toString('base64url');
}

/** PKCE S256 pair plus fresh state and nonce. */
export function authParams() {
  const verifier = b64url(randomBytes(32));
  return {
    verifier,
    challenge: b64url(createHash('sha256').update(verifier).digest()),
    state: b64url(randomBytes(16)),
    nonce: b64url(randomBytes(16)),
  };
}

/** OIDC at_hash for RS256: base64url of the left half of SHA-256(access_token). */
export function atHash(accessToken) {
  return b64url(createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16));
}

/** fetch with a cookie jar and redirect: 'manual' (a browser would follow; we look at each hop). */
export class Browser {
  constructor() {
    this.jar = new Map(); // name -> value (one host here: 127.0.0.1)
  }

  async fetch(url, init = {}) {
    const headers = new Headers(init.headers || {});
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair, ...attrs] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expires = attrs.map((a) => a.trim()).find((a) => /^expires=/i.test(a));
      const gone = value === '' || (expires && Date.parse(expires.slice(8)) < Date.now());
      if (gone) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects until a non-3xx response or a Location starting with `stopAt`. */
  async follow(url, init = {}, stopAt = null) {
    let res = await this.fetch(url, init);
    let current = url;
    for (let hops = 0; hops < 20 && res.status >= 300 && res.status < 400; hops += 1) {
      const next = new URL(res.headers.get('location'), current).href;
      if (stopAt && next.startsWith(stopAt)) return { res, location: next };
      current = next;
      res = await this.fetch(current);
    }
    return { res, url: current };
  }
}

/** Extracts the action of the n-th <form> and its hidden inputs from an HTML page. */
export function parseForm(html, baseUrl, index = 0) {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
  if (!forms[index]) throw new Error(`no form #${index} in page:\n${html}`);
  const [, attrs, inner] = forms[index];
  const action = /action="([^"]*)"/i.exec(attrs)?.[1] ?? '';
  const fields = {};
  for (const [, input] of inner.matchAll(/<input\b([^>]*)>/gi)) {
    const name = /name="([^"]*)"/i.exec(input)?.[1];
    const value = /value="([^"]*)"/i.exec(input)?.[1] ?? '';
    if (name && /type="hidden"/i.test(input)) fields[name] = value;
  }
  return { action: new URL(action.replace(/&amp;/g, '&'), baseUrl).href, fields };
}
