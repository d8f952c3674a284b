// A relying party written by someone else: panva's openid-client (OpenID-certified), installed by scripts/bootstrap
// under .devstack/node, signs in with EFP Connect. Every check is the library's own (discovery, RFC 9207 `iss`,
// PKCE, ES256 signature through the JWKS, nonce, aud, userinfo `sub`); this script only drives it.
//   node tests/oidc/openid_client_rp.mjs start <issuer> <client_id> <secret> <redirect_uri> <scope>
//     → {url, code_verifier, state, nonce}
//   node tests/oidc/openid_client_rp.mjs finish <issuer> <client_id> <secret> <callback_url> <code_verifier> <state> <nonce>
//     → {id_token_claims, userinfo, end_session_url, revoked, userinfo_after_revocation}
// Any failure prints {error, message} and exits 1 (2 when the library is missing).
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const POST_LOGOUT_REDIRECT_URI = "http://rp.test/logged-out";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function fail(error, message, status = 1) {
  console.log(JSON.stringify({ error, message }));
  process.exit(status);
}

// ES modules ignore NODE_PATH: resolve the package from .devstack/node, then import it by file URL.
let client;
try {
  const resolve = createRequire(path.join(root, ".devstack", "node", "package.json")).resolve;
  client = await import(pathToFileURL(resolve("openid-client")).href);
} catch (error) {
  fail("missing_library", `openid-client is not installed (run scripts/bootstrap): ${error.message}`, 2);
}

// The OAuth error code: from the body, the WWW-Authenticate challenge (RFC 6750 §3), or the library's own.
function errorCode(error) {
  const challenge = Array.isArray(error.cause) ? error.cause[0]?.parameters?.error : undefined;
  return error.error ?? challenge ?? error.code ?? error.name;
}

async function configuration(issuer, clientId, secret) {
  // The test system runs on http: the library refuses it unless told otherwise.
  return client.discovery(new URL(issuer), clientId, secret, client.ClientSecretBasic(secret), {
    execute: [client.allowInsecureRequests],
  });
}

async function start([issuer, clientId, secret, redirectUri, scope]) {
  const config = await configuration(issuer, clientId, secret);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { url: url.href, code_verifier: codeVerifier, state, nonce };
}

async function finish([issuer, clientId, secret, callbackUrl, codeVerifier, state, nonce]) {
  const config = await configuration(issuer, clientId, secret);
  const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), {
    pkceCodeVerifier: codeVerifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  const endSessionUrl = client.buildEndSessionUrl(config, {
    id_token_hint: tokens.id_token,
    post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
  });
  await client.tokenRevocation(config, tokens.access_token);
  // A revoked access token must no longer open the userinfo endpoint.
  let afterRevocation;
  try {
    await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    afterRevocation = { error: null };
  } catch (error) {
    afterRevocation = { error: errorCode(error), status: error.status ?? null };
  }
  return {
    id_token_claims: claims,
    userinfo,
    token_type: tokens.token_type,
    scope: tokens.scope ?? null,
    end_session_url: endSessionUrl.href,
    revoked: afterRevocation.error !== null,
    userinfo_after_revocation: afterRevocation,
  };
}

const [mode, ...args] = process.argv.slice(2);
const modes = { start: [start, 5], finish: [finish, 7] };
if (!(mode in modes) || args.length !== modes[mode][1]) {
  fail("usage", "start <issuer> <client_id> <secret> <redirect_uri> <scope> | finish <issuer> <client_id> <secret> <callback_url> <code_verifier> <state> <nonce>");
}
try {
  console.log(JSON.stringify(await modes[mode][0](args)));
} catch (error) {
  const detail = error.cause instanceof Response ? ` (HTTP ${error.cause.status})` : "";
  fail(errorCode(error), `${error.message}${detail}`);
}
