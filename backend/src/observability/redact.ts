/**
 * Secret scrubbing shared by logs and spans: tokens, cookies, passwords and
 * API keys must never reach a log line or a span (Plex URLs carry
 * X-Plex-Token in their query). Structured
 * fields are redacted by name (pino `redact` paths, span attribute keys); free
 * text — URLs, error messages and stacks that embed a URL, a serialized log
 * line — goes through `redactText`, which removes sensitive query parameters
 * (X-Plex-Token, api keys, tokens, passwords), URL passwords, bearer/basic
 * credentials and header-style `X-Plex-Token: …` pairs.
 */

export const REDACTED = '[REDACTED]';

/**
 * A field, header, query parameter or attribute whose name ends like one of these holds a secret:
 * password, X-Plex-Token, authToken, apiKey / X-Api-Key, webhook_secret, Authorization, Cookie /
 * Set-Cookie, sessionId, the session cookie (medianest_session).
 */
const SENSITIVE_NAME_SUFFIX = String.raw`(?:passw(?:or)?d|secret|token|api[-_.]?key|authorization|cookies?|session(?:[-_.]?id)?)`;
const SENSITIVE_NAME = new RegExp(SENSITIVE_NAME_SUFFIX + '$', 'i');

/** True when a field, header, query parameter or span attribute with this name carries a secret. */
export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

// `?X-Plex-Token=abc&…`, `&api_key=…`, `;sessionid=…` inside any text, or a bare query string `token=…&…`.
// Query parameters are judged more strictly than field names: any `…key`, `…auth` or `…signature`.
const SENSITIVE_QUERY_PARAM = new RegExp(
  String.raw`((?:^|[?&;])[\w.%-]*?(?:` + SENSITIVE_NAME_SUFFIX + String.raw`|key|auth|sig(?:nature)?)=)[^&\s"'#<>\\]*`,
  'gi',
);
// scheme://user:password@host
const URL_PASSWORD = /(\b[a-z][a-z\d+.-]*:\/\/[^\s/:@"'\\]*:)[^\s/@"'\\]+@/gi;
// Authorization: Bearer abc / Basic dXNlcjpwYXNz, wherever it appears in text ("Basic auth" is prose).
const BEARER = /\b(Bearer)\s+(?!\[REDACTED\])[A-Za-z\d._~+/=-]{6,}/g;
const BASIC = /\b(Basic)\s+(?=[A-Za-z\d+/]*[\dA-Z+/])[A-Za-z\d+/]{8,}={0,2}/g;
// X-Plex-Token: abc / X-Api-Key=abc written as text (not as a query parameter).
const HEADER_PAIR = /\b(X-Plex-Token|X-Api-Key)(\s*[:=]\s*)(?!\[REDACTED\])[^\s,;"'&\\]+/gi;
// Cookie: a=b; c=d — the whole header value.
const COOKIE_HEADER = /\b((?:Set-)?Cookie)(\s*:\s*)(?!\[REDACTED\])[^"'\r\n\\]+/gi;

/**
 * Cheap pre-check: text without any of these fragments has nothing to scrub. Deliberately not
 * "auth" or "session" alone, which every /api/v1/auth/session access line contains.
 */
const MAYBE_SECRET =
  /passw|secret|token|api[-_.]?key|key=|authoriz|auth=|sig(?:nature)?=|cookie|session(?:[-_.]?id|"\s*:|=)|bearer|basic\s|:\/\/[^\s/"']*@/i;

/**
 * Secrets that have no recognisable shape — a Discord or Slack webhook URL's path, a signing
 * secret, an SMTP password — registered by whoever decrypts them, so any text that later
 * contains one (an undici span's url.full, an error message) loses it.
 */
const knownSecrets = new Set<string>();

/** Registers a secret literal (8 characters or more) to be removed from every log line and span. */
export function registerSecret(value: string): void {
  if (value.length >= 8) knownSecrets.add(value);
}

/**
 * URLs whose path and query are a capability that someone other than the admin chose (a member's
 * push endpoint): `https://fcm.googleapis.com/fcm/send/<token>` → its origin. Only text holding the
 * whole URL loses the path (`https://fcm.googleapis.com[REDACTED]`): a member choosing the path
 * `/api/v1/auth/login` must not blank that path out of every access line, as registerSecret would.
 */
const secretUrls = new Map<string, string>();

/** Registers a URL whose path and query are secret wherever the URL appears in full. */
export function registerSecretUrl(url: URL): void {
  const rest = url.pathname + url.search;
  if (rest.length >= 8) secretUrls.set(url.origin + rest, url.origin);
}

/**
 * The path, query and both together of every registered secret URL that `text` holds in full: a
 * span whose `url.full` is such a URL also carries them alone (`url.path`, `url.query`), and loses
 * them there too (tracing/span-redaction.ts).
 */
export function secretUrlPartsIn(text: string): string[] {
  const parts: string[] = [];
  for (const [full, origin] of secretUrls) {
    if (!text.includes(full)) continue;
    const url = new URL(full);
    parts.push(full.slice(origin.length), url.pathname, url.search);
  }
  return parts.filter((p) => p.length >= 8);
}

function removeKnownSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const [full, origin] of secretUrls) if (out.includes(full)) out = out.split(full).join(origin + REDACTED);
  return out;
}

/** True when `text` may hold a secret: a registered one, or a name or shape the scrub looks for. */
export function mayHoldSecret(text: string): boolean {
  if ((knownSecrets.size > 0 || secretUrls.size > 0) && removeKnownSecrets(text) !== text) return true;
  return MAYBE_SECRET.test(text);
}

/** The text with every embedded secret replaced by [REDACTED]. */
export function redactText(text: string): string {
  if (knownSecrets.size > 0 || secretUrls.size > 0) text = removeKnownSecrets(text);
  if (!MAYBE_SECRET.test(text)) return text;
  return text
    .replace(SENSITIVE_QUERY_PARAM, `$1${REDACTED}`)
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(BASIC, `$1 ${REDACTED}`)
    .replace(HEADER_PAIR, `$1$2${REDACTED}`)
    .replace(COOKIE_HEADER, `$1$2${REDACTED}`);
}

/** A URL (absolute or a path with a query) safe to log or record on a span. */
export function sanitizeUrl(url: string): string {
  return redactText(url);
}

// "someSecretKey": <string | array of strings | number | flat object> inside a JSON document.
const JSON_SENSITIVE_MEMBER = new RegExp(
  String.raw`("[^"\\]*?` +
    SENSITIVE_NAME_SUFFIX +
    String.raw`"\s*:\s*)("(?:[^"\\]|\\.)*"|\[(?:[^\]"\\]|"(?:[^"\\]|\\.)*")*\]|\{(?:[^{}"\\]|"(?:[^"\\]|\\.)*")*\}|-?\d[\d.eE+-]*)`,
  'gi',
);

/**
 * A serialized JSON log line with secrets removed: members named like a secret, at any depth, get
 * the value "[REDACTED]", and URLs or messages inside string values lose their embedded secrets.
 * pino's `redact` paths cover the fields we know; this is the net under them for everything else
 * (an upstream error's config.headers, a URL in an error message, a token in a stack trace).
 */
export function scrubJsonLine(line: string): string {
  if (knownSecrets.size > 0 || secretUrls.size > 0) line = removeKnownSecrets(line);
  if (!MAYBE_SECRET.test(line)) return line;
  return redactText(line.replace(JSON_SENSITIVE_MEMBER, `$1"${REDACTED}"`));
}
