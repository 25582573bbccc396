// A local OpenID provider for the sign-in tests and for trying federated sign-in under
// `make run` (see docs/login.md). It is panva's oidc-provider, certified by the OpenID
// Foundation, with a login page that lists made-up test persons. Nothing here is used in
// production, and it holds no secrets: the signing key is made at start-up, and clients that
// authenticate get their secret or public key from TEST_PROVIDER_CONFIG.
//
//   node tests/oidc_provider/server.js          # http://127.0.0.1:9400, one public client
//
// Environment:
//   PORT                  port to listen on (default 9400)
//   SITE_BASE_URL         the site the default client returns to (default http://127.0.0.1:8000)
//   TEST_PROVIDER_CONFIG  JSON {"clients": [...client metadata...], "testControls": true}
//                         replaces the default client (the pytest fixture uses this)
//
// Once it listens it prints one line of JSON to stdout: {"issuer": "http://127.0.0.1:<port>"}.

import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const SITE = (process.env.SITE_BASE_URL || 'http://127.0.0.1:8000').replace(/\/$/, '');

// Made-up people. `pid` imitates ID-porten's national identity number (this one is not
// valid); the site must never store it.
const PERSONS = {
  kari: {
    label: 'Kari Nordmann (verified email)',
    claims: {
      given_name: 'Kari',
      family_name: 'Nordmann',
      name: 'Kari Nordmann',
      email: 'kari.nordmann@example.no',
      email_verified: true,
    },
  },
  ola: {
    label: 'Ola Uverifisert (email NOT verified)',
    claims: {
      given_name: 'Ola',
      family_name: 'Uverifisert',
      name: 'Ola Uverifisert',
      email: 'ola.uverifisert@example.no',
      email_verified: false,
    },
  },
  ingrid: {
    label: 'Ingrid via ID-porten (pid, no email)',
    claims: { pid: '01019912345' },
  },
};

const ACR_VALUES = ['idporten-loa-substantial', 'idporten-loa-high'];

function defaultClients() {
  return [
    {
      client_id: 'ipskurs-dev',
      client_name: 'IPS-kurs (local)',
      token_endpoint_auth_method: 'none',
      redirect_uris: [`${SITE}/innlogging/testidp/retur/`],
      post_logout_redirect_uris: [`${SITE}/`],
    },
  ];
}

const config = process.env.TEST_PROVIDER_CONFIG
  ? JSON.parse(process.env.TEST_PROVIDER_CONFIG)
  : { clients: defaultClients() };

// The test-only clock: the tests move the provider's time forward (an expired code) without
// waiting. Only when TEST_PROVIDER_CONFIG asks for it.
const realNow = Date.now;
let clockOffsetMs = 0;
if (config.testControls) {
  Date.now = () => realNow() + clockOffsetMs;
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-signing-key', use: 'sig', alg: 'RS256' };

const html = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)}</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
button{display:block;width:100%;margin:.5rem 0;padding:.75rem;font-size:1rem}
button:focus-visible{outline:3px solid #000;outline-offset:2px}</style></head>
<body><h1>${html(title)}</h1>${body}</body></html>`;

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(body))));
    req.on('error', reject);
  });
}

const provider = new Provider(`http://${HOST}:${process.env.PORT || 9400}`, {
  clients: config.clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub', 'pid'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  // Claims go in the ID token too, as ID-porten (pid) and Entra ID (email) put them there.
  conformIdTokenClaims: false,
  acrValues: ACR_VALUES,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Sign out of the test provider?', `${form}
          <button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
          <button type="submit" form="op.logoutForm">No, stay signed in</button>`);
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // No consent screen: the site is the only client (what a first-party login looks like).
  loadExistingGrant: async (ctx) => {
    const { client, session } = ctx.oidc;
    const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  findAccount: async (ctx, id) => {
    const person = PERSONS[id];
    if (!person) {
      return undefined;
    }
    return { accountId: id, claims: async () => ({ sub: id, ...person.claims }) };
  },
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    IdToken: 600,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Test provider error', `<pre>${html(JSON.stringify(out, null, 2))}</pre>`);
  },
});

// The login page: pick a person (and, when the site asks for one, a level of assurance).
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)$/);
  if (!match) {
    return next();
  }
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'POST') {
    const form = await readForm(ctx.req);
    if (!PERSONS[form.person]) {
      ctx.status = 400;
      ctx.body = 'unknown person';
      return undefined;
    }
    const login = { accountId: form.person };
    const requested = (details.params.acr_values || '').split(' ').filter(Boolean);
    const acr = form.acr || requested[0];
    if (acr) {
      login.acr = acr;
    }
    ctx.respond = false;
    return provider.interactionFinished(ctx.req, ctx.res, { login }, { mergeWithLastSubmission: false });
  }
  const requested = (details.params.acr_values || '').split(' ').filter(Boolean);
  const acrChoice = requested.length
    ? `<p><label>Level of assurance <select name="acr">${ACR_VALUES.map(
      (value) => `<option${value === requested[0] ? ' selected' : ''}>${html(value)}</option>`,
    ).join('')}</select></label></p>`
    : '';
  const buttons = Object.entries(PERSONS).map(
    ([id, person]) => `<button type="submit" name="person" value="${html(id)}">${html(person.label)}</button>`,
  ).join('\n');
  ctx.type = 'html';
  ctx.body = page('Test provider: who are you?', `<p>A local test provider with made-up people.</p>
    <form method="post" action="/interaction/${html(details.uid)}">${acrChoice}${buttons}</form>`);
  return undefined;
});

// Test controls (only with testControls): move the provider's clock.
if (config.testControls) {
  provider.use(async (ctx, next) => {
    if (ctx.path !== '/__test__/clock' || ctx.method !== 'POST') {
      return next();
    }
    const form = await readForm(ctx.req);
    clockOffsetMs = Number(form.offset_seconds || 0) * 1000;
    ctx.body = { offset_seconds: clockOffsetMs / 1000 };
    return undefined;
  });
}

const server = provider.listen(Number(process.env.PORT || 9400), HOST, () => {
  process.stdout.write(`${JSON.stringify({ issuer: provider.issuer })}\n`);
  if (!process.env.TEST_PROVIDER_CONFIG) {
    process.stderr.write(`
Test OpenID provider at ${provider.issuer} (stop it with Ctrl-C). In another terminal:

  OIDC_PROVIDERS=testidp OIDC_TESTIDP_NAME="Test-ID (lokal)" \\
  OIDC_TESTIDP_SERVER_URL=${provider.issuer} OIDC_TESTIDP_CLIENT_ID=ipskurs-dev make run

then choose "Logg inn med Test-ID (lokal)" on ${SITE}/accounts/login/.
`);
  }
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
