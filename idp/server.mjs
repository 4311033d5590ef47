// A local OpenID Connect provider for Los's demo and tests (never for production). One process, one port,
// two providers built with the `oidc-provider` package:
//
//   /idporten  like ID-porten's test environment: the log-in page is a "TestID" where you pick or type a
//              synthetic fødselsnummer and the level of assurance; the ID token carries `pid`, `acr`
//              (idporten-loa-substantial / idporten-loa-high), `amr` ["TestID"] and a pairwise `sub`.
//   /kommune   like a municipality's identity provider for staff (Entra ID / HelseID style): pick or type a
//              staff user name; the ID token carries `preferred_username`.
//
// Authorization code flow only, PKCE (S256) required, `state` and `nonce` passed through, the client
// authenticates with client_secret_post. Signing keys (RS256) and cookie keys are made afresh at every start:
// nothing is read from or sent to the internet. There is no single sign-on: every authorization asks again,
// so that the demo can switch between persons.
//
//   node idp/server.mjs --config CONFIG.json
//
// CONFIG.json: {"host": "127.0.0.1", "port": 8001,
//               "clients": {"idporten": [{"client_id", "client_secret", "redirect_uris": [...],
//                                         "post_logout_redirect_uris": [...]}],
//                           "kommune": [...]},
//               "persons": [{"pid": "11 digits", "name": "shown in the list"}],
//               "staff": [{"username": "koordinator", "name": "shown in the list"}]}
// The process prints "ready <issuer base>" on stdout when it listens.

import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import Provider, { interactionPolicy } from "oidc-provider";

const args = process.argv.slice(2);
const configPath = args[args.indexOf("--config") + 1];
if (!configPath || args.indexOf("--config") < 0) {
  console.error("usage: node idp/server.mjs --config CONFIG.json");
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, "utf8"));
const host = config.host || "127.0.0.1";
const port = Number(config.port);
const base = `http://${host}:${port}`;

const LEVELS = ["idporten-loa-substantial", "idporten-loa-high"];

function signingKeys() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" });
  return { keys: [{ ...jwk, kid: randomBytes(8).toString("hex"), use: "sig", alg: "RS256" }] };
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function validFodselsnummer(pid) {
  // 11 digits and both modulus-11 control digits (the same rule as python-stdnum, without the date check)
  if (!/^\d{11}$/.test(pid)) return false;
  const d = pid.split("").map(Number);
  const control = (weights, digits) => {
    const rest = 11 - (weights.reduce((sum, w, i) => sum + w * digits[i], 0) % 11);
    return rest === 11 ? 0 : rest;
  };
  const k1 = control([3, 7, 6, 1, 8, 9, 4, 5, 2], d);
  const k2 = control([5, 4, 3, 2, 7, 6, 5, 4, 3, 2], d);
  return k1 === d[9] && k2 === d[10];
}

// Ask for a log-in at every authorization (no single sign-on in the test provider).
function everyTimePolicy() {
  const policy = interactionPolicy.base();
  policy.get("login").checks.add(new interactionPolicy.Check(
    "every_time", "the test provider asks for a log-in every time",
    (ctx) => (ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT),
  ));
  return policy;
}

function makeProvider(name, { claims, scopes, accountClaims, acrValues }) {
  const mount = `/${name}`;
  const clients = (config.clients?.[name] || []).map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    redirect_uris: c.redirect_uris,
    post_logout_redirect_uris: c.post_logout_redirect_uris || [],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_post",
    id_token_signed_response_alg: "RS256",
  }));
  const provider = new Provider(`${base}${mount}`, {
    clients,
    jwks: signingKeys(),
    cookies: {
      keys: [randomBytes(32).toString("hex")],
      names: { session: `_${name}_session`, interaction: `_${name}_interaction`, resume: `_${name}_resume` },
    },
    claims,
    scopes,
    acrValues,
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (ctx, interaction) => `${mount}/interaction/${interaction.uid}`, policy: everyTimePolicy() },
    findAccount: async (ctx, accountId) => ({
      accountId,
      // `sub` is a pseudonym per client, as ID-porten's (the person is in `pid`, never in `sub`)
      claims: async () => ({
        ...accountClaims(accountId),
        sub: createHash("sha256").update(`${name}:${ctx.oidc.client?.clientId}:${accountId}`).digest("base64url"),
      }),
    }),
    loadExistingGrant: async (ctx) => {
      // first-party clients: the grant is given at log-in, as ID-porten does (no consent screen)
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(" "));
      await grant.save();
      return grant;
    },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = page("Error", `<h1>Error</h1><p>${escapeHtml(out.error)}: ${escapeHtml(out.error_description || "")}</p>`);
    },
  });
  provider.on("server_error", (ctx, error) => console.error(`${name}: ${error.stack || error}`));
  return { name, mount, provider };
}

const personNames = new Map((config.persons || []).map((p) => [p.pid, p.name]));
const staffNames = new Map((config.staff || []).map((s) => [s.username, s.name]));

const idporten = makeProvider("idporten", {
  claims: { openid: ["sub", "pid", "locale", "acr", "amr"] },
  scopes: ["openid", "profile"],
  accountClaims: (pid) => ({ pid, locale: "nb" }),
  acrValues: LEVELS,
});
const kommune = makeProvider("kommune", {
  claims: { openid: ["sub", "acr", "amr"], profile: ["preferred_username", "name"] },
  scopes: ["openid", "profile"],
  accountClaims: (username) => ({ preferred_username: username, name: staffNames.get(username) || username }),
  acrValues: [],
});

function page(title, body) {
  return `<!doctype html><html lang="nb"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1e2b3c}
h1{font-size:1.5rem} .note{background:#fff4d6;padding:.5rem 1rem;border-radius:4px}
button{font:inherit;padding:.5rem 1rem;margin:.25rem 0;border:1px solid #0062ba;border-radius:4px;background:#fff;color:#0062ba;cursor:pointer}
button.main{background:#0062ba;color:#fff} ul{list-style:none;padding:0} input#pid,input#username{font:inherit;padding:.4rem;width:100%;max-width:20rem}
label{display:block;margin-top:.75rem;font-weight:600} fieldset{border:0;padding:0;margin:.75rem 0}
</style></head><body>${body}</body></html>`;
}

function idportenLogin(uid, details, error = "", typed = "") {
  const requested = (details.params.acr_values || "").split(" ").filter(Boolean);
  const preselect = requested.includes("idporten-loa-substantial") || requested.length === 0 ? "idporten-loa-substantial" : requested[0];
  const levels = LEVELS.map((level) => `<label><input type="radio" name="acr" value="${level}"${level === preselect ? " checked" : ""}> ${level === "idporten-loa-high" ? "Høyt (idporten-loa-high)" : "Betydelig (idporten-loa-substantial)"}</label>`).join("");
  const persons = [...personNames].map(([pid, name]) => `<li><button type="submit" name="pid" value="${escapeHtml(pid)}">${escapeHtml(name)} – ${escapeHtml(pid)}</button></li>`).join("");
  return page("TestID – ID-porten", `
<h1>TestID – ID-porten (lokal test)</h1>
<p class="note">Lokal testinnlogging for Los-demoen. Bare syntetiske personer. Ingen ekte ID-porten.</p>
${error ? `<p role="alert"><strong>${escapeHtml(error)}</strong></p>` : ""}
<form method="post" action="${idporten.mount}/interaction/${uid}/login">
  <fieldset><legend>Sikkerhetsnivå</legend>${levels}</fieldset>
  <label for="pid">Fødselsnummer (syntetisk)</label>
  <input id="pid" name="typed_pid" inputmode="numeric" autocomplete="off" value="${escapeHtml(typed)}">
  <p><button class="main" type="submit" name="pid" value="">Logg inn</button></p>
  ${persons ? `<h2>Eller velg en testperson</h2><ul>${persons}</ul>` : ""}
</form>
<form method="post" action="${idporten.mount}/interaction/${uid}/abort"><button type="submit">Avbryt</button></form>`);
}

function kommuneLogin(uid, error = "", typed = "") {
  const staff = [...staffNames].map(([username, name]) => `<li><button type="submit" name="username" value="${escapeHtml(username)}">${escapeHtml(name)} (${escapeHtml(username)})</button></li>`).join("");
  return page("Kommunens innlogging", `
<h1>Kommunens innlogging for ansatte (lokal test)</h1>
<p class="note">Lokal testinnlogging for Los-demoen. Ingen passord: velg eller skriv en ansatt.</p>
${error ? `<p role="alert"><strong>${escapeHtml(error)}</strong></p>` : ""}
<form method="post" action="${kommune.mount}/interaction/${uid}/login">
  <label for="username">Brukernavn</label>
  <input id="username" name="typed_username" autocomplete="off" value="${escapeHtml(typed)}">
  <p><button class="main" type="submit" name="username" value="">Logg inn</button></p>
  ${staff ? `<h2>Eller velg en ansatt</h2><ul>${staff}</ul>` : ""}
</form>
<form method="post" action="${kommune.mount}/interaction/${uid}/abort"><button type="submit">Avbryt</button></form>`);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 10000) throw new Error("form too large");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function send(res, status, html) {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  res.end(html);
}

async function interaction(target, req, res, rest) {
  const { provider } = target;
  const [uid, action] = rest.split("/");
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page("Error", "<p>Wrong interaction.</p>"));
  if (req.method === "GET" && !action) {
    return send(res, 200, target === idporten ? idportenLogin(uid, details) : kommuneLogin(uid));
  }
  if (req.method !== "POST") return send(res, 405, page("Error", "<p>Method not allowed.</p>"));
  const form = await readForm(req);
  if (action === "abort") {
    return provider.interactionFinished(req, res, { error: "access_denied", error_description: "the person cancelled the log-in" }, { mergeWithLastSubmission: false });
  }
  if (action !== "login") return send(res, 404, page("Error", "<p>Not found.</p>"));
  if (target === idporten) {
    const pid = (form.get("pid") || form.get("typed_pid") || "").replace(/\s/g, "");
    const acr = LEVELS.includes(form.get("acr")) ? form.get("acr") : "idporten-loa-substantial";
    if (!validFodselsnummer(pid)) {
      return send(res, 200, idportenLogin(uid, details, "Ugyldig fødselsnummer: 11 siffer med riktige kontrollsiffer.", pid));
    }
    return provider.interactionFinished(req, res, { login: { accountId: pid, acr, amr: ["TestID"] } }, { mergeWithLastSubmission: false });
  }
  const username = (form.get("username") || form.get("typed_username") || "").trim();
  if (!username) return send(res, 200, kommuneLogin(uid, "Skriv et brukernavn.", username));
  return provider.interactionFinished(req, res, { login: { accountId: username, amr: ["pwd", "mfa"] } }, { mergeWithLastSubmission: false });
}

const handlers = new Map([[idporten.mount, idporten], [kommune.mount, kommune]]);
for (const target of handlers.values()) target.callback = target.provider.callback();

const server = createServer(async (req, res) => {
  try {
    const path = new URL(req.url, base).pathname;
    const mount = `/${path.split("/")[1]}`;
    const target = handlers.get(mount);
    if (!target) return send(res, 404, page("Not found", "<p>Try /idporten or /kommune.</p>"));
    const inner = path.slice(mount.length);
    if (inner.startsWith("/interaction/")) return await interaction(target, req, res, inner.slice("/interaction/".length));
    req.originalUrl = req.url;
    req.url = req.url.slice(mount.length) || "/";
    return target.callback(req, res);
  } catch (error) {
    console.error(error.stack || error);
    if (!res.headersSent) send(res, 400, page("Error", `<p>${escapeHtml(error.message || "error")}</p>`));
  }
});

server.listen(port, host, () => console.log(`ready ${base}`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
