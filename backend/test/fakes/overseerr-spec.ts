/**
 * The routes of Overseerr/Seerr's API v1 that MediaNest calls (and the fake
 * serves), as its OpenAPI description declares them: path parameters, query
 * parameters and request body fields with their types, enums, defaults and
 * which are required. Written by hand from the OpenAPI description Seerr v3.1 publishes with its server
 * (identical for these routes in Overseerr 1.33+).
 *
 * Why it matters: the real server validates every request against that
 * description before its route code runs (express-openapi-validator,
 * `validateRequests: true`). A query parameter it does not declare is refused
 * with 400 "Unknown query parameter 'x'" even when the route code would read
 * it — `GET /issue?createdBy=` is the example that bit: the route reads
 * `createdBy`, the description declares only `requestedBy`.
 *
 * Request bodies are not closed in the description (no
 * `additionalProperties: false`), so Seerr lets an undeclared body field
 * through to the route code, which uses it or silently ignores it.
 * `routeReads` lists the undeclared fields the route code does use
 * (`problemSeason`/`problemEpisode` of POST /issue). The fake refuses any other
 * body field: a field Seerr silently drops is a bug in MediaNest all the same.
 */

export type ParamType = 'number' | 'string' | 'boolean';

export interface ParamSpec {
  type: ParamType;
  enum?: readonly string[];
  required?: boolean;
  /** Filled in by the validator when the caller leaves the parameter out (what the route code then sees). */
  default?: string;
}

export type BodyFieldType = ParamType | 'number[]' | 'number[]|all';

export interface BodyFieldSpec {
  type: BodyFieldType;
  enum?: readonly string[];
  required?: boolean;
  /** Not in the description, but read by the route code (so the server acts on it). */
  routeReads?: boolean;
}

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below /api/v1, with `{name}` path parameters, as the description writes it. */
  path: string;
  params?: Record<string, ParamSpec>;
  query?: Record<string, ParamSpec>;
  /** Undefined: the route takes no body. */
  body?: Record<string, BodyFieldSpec>;
}

const num: ParamSpec = { type: 'number' };
const str: ParamSpec = { type: 'string' };
const paging = { take: num, skip: num };
/** `?page=&language=` of the Discover lists, recommendations and similar titles. */
const listPage = { page: { ...num, default: '1' }, language: str };
/** The filters /discover/movies and /discover/tv both declare. */
const discoverFilters = {
  ...listPage,
  genre: str,
  keywords: str,
  excludeKeywords: str,
  sortBy: str,
  withRuntimeGte: num,
  withRuntimeLte: num,
  voteAverageGte: num,
  voteAverageLte: num,
  voteCountGte: num,
  voteCountLte: num,
  watchRegion: str,
  watchProviders: str,
  certification: str,
  certificationGte: str,
  certificationLte: str,
  certificationCountry: str,
  certificationMode: { type: 'string', enum: ['exact', 'range'] },
} satisfies Record<string, ParamSpec>;

export const OVERSEERR_ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/status' },
  {
    method: 'GET',
    path: '/search',
    query: { query: { type: 'string', required: true }, page: { ...num, default: '1' }, language: { type: 'string' } },
  },
  { method: 'GET', path: '/movie/{movieId}', params: { movieId: num }, query: { language: { type: 'string' } } },
  { method: 'GET', path: '/tv/{tvId}', params: { tvId: num }, query: { language: { type: 'string' } } },
  { method: 'GET', path: '/movie/{movieId}/recommendations', params: { movieId: num }, query: listPage },
  { method: 'GET', path: '/movie/{movieId}/similar', params: { movieId: num }, query: listPage },
  { method: 'GET', path: '/tv/{tvId}/recommendations', params: { tvId: num }, query: listPage },
  { method: 'GET', path: '/tv/{tvId}/similar', params: { tvId: num }, query: listPage },
  { method: 'GET', path: '/discover/trending', query: listPage },
  {
    method: 'GET',
    path: '/discover/movies',
    query: { ...discoverFilters, studio: num, primaryReleaseDateGte: str, primaryReleaseDateLte: str },
  },
  { method: 'GET', path: '/discover/movies/upcoming', query: listPage },
  { method: 'GET', path: '/discover/movies/genre/{genreId}', params: { genreId: str }, query: listPage },
  {
    method: 'GET',
    path: '/discover/tv',
    query: { ...discoverFilters, network: num, firstAirDateGte: str, firstAirDateLte: str, status: str },
  },
  { method: 'GET', path: '/discover/tv/upcoming', query: listPage },
  { method: 'GET', path: '/discover/tv/genre/{genreId}', params: { genreId: str }, query: listPage },
  { method: 'GET', path: '/discover/genreslider/movie', query: { language: str } },
  { method: 'GET', path: '/discover/genreslider/tv', query: { language: str } },
  {
    method: 'GET',
    path: '/request',
    query: {
      ...paging,
      filter: {
        type: 'string',
        enum: ['all', 'approved', 'available', 'pending', 'processing', 'unavailable', 'failed', 'deleted', 'completed'],
      },
      sort: { type: 'string', enum: ['added', 'modified'], default: 'added' },
      sortDirection: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
      requestedBy: num,
      mediaType: { type: 'string', enum: ['movie', 'tv', 'all'], default: 'all' },
    },
  },
  {
    method: 'POST',
    path: '/request',
    body: {
      mediaType: { type: 'string', enum: ['movie', 'tv'], required: true },
      mediaId: { type: 'number', required: true },
      tvdbId: { type: 'number' },
      seasons: { type: 'number[]|all' },
      is4k: { type: 'boolean' },
      serverId: { type: 'number' },
      profileId: { type: 'number' },
      rootFolder: { type: 'string' },
      languageProfileId: { type: 'number' },
      userId: { type: 'number' },
    },
  },
  { method: 'GET', path: '/request/{requestId}', params: { requestId: { type: 'string' } } },
  { method: 'DELETE', path: '/request/{requestId}', params: { requestId: { type: 'string' } } },
  { method: 'POST', path: '/request/{requestId}/retry', params: { requestId: { type: 'string' } } },
  {
    method: 'POST',
    path: '/request/{requestId}/{status}',
    params: { requestId: { type: 'string' }, status: { type: 'string', enum: ['approve', 'decline'] } },
  },
  {
    method: 'GET',
    path: '/user',
    query: {
      ...paging,
      sort: { type: 'string', enum: ['created', 'updated', 'requests', 'displayname'], default: 'created' },
      q: { type: 'string' },
      includeIds: { type: 'string' },
    },
  },
  { method: 'GET', path: '/user/{userId}/quota', params: { userId: num } },
  {
    method: 'GET',
    path: '/issue',
    query: {
      ...paging,
      sort: { type: 'string', enum: ['added', 'modified'], default: 'added' },
      // The route code's own default is "all", but the validator fills in the description's "open" first.
      filter: { type: 'string', enum: ['all', 'open', 'resolved'], default: 'open' },
      // Declared, but the route code never reads it: it filters nothing.
      requestedBy: num,
    },
  },
  {
    method: 'POST',
    path: '/issue',
    body: {
      issueType: { type: 'number' },
      message: { type: 'string' },
      mediaId: { type: 'number' },
      problemSeason: { type: 'number', routeReads: true },
      problemEpisode: { type: 'number', routeReads: true },
    },
  },
  { method: 'GET', path: '/issue/{issueId}', params: { issueId: num } },
  { method: 'POST', path: '/issue/{issueId}/comment', params: { issueId: num }, body: { message: { type: 'string', required: true } } },
  {
    method: 'POST',
    path: '/issue/{issueId}/{status}',
    params: { issueId: { type: 'string' }, status: { type: 'string', enum: ['open', 'resolved'] } },
  },
];

const API_PREFIX = '/api/v1';

/** The described route a request goes to, with its path parameters; literal segments win over `{name}` ones. */
export function findRoute(method: string, path: string): { route: RouteSpec; params: Record<string, string> } | undefined {
  const rel = path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : path;
  const segments = rel.split('/');
  const candidates = OVERSEERR_ROUTES.filter((r) => r.method === method)
    .map((route) => {
      const template = route.path.split('/');
      if (template.length !== segments.length) return undefined;
      const params: Record<string, string> = {};
      for (const [i, part] of template.entries()) {
        const actual = segments[i]!;
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        if (name) params[name] = decodeURIComponent(actual);
        else if (part !== actual) return undefined;
      }
      return { route, params, templated: Object.keys(params).length };
    })
    .filter((c) => c !== undefined)
    .sort((a, b) => a.templated - b.templated);
  const best = candidates[0];
  return best && { route: best.route, params: best.params };
}

export interface SpecViolation {
  /** Where, the way the validator names it: `/query/createdBy`, `/body/mediaId`, `/params/status`. */
  path: string;
  message: string;
}

function typeError(value: unknown, type: BodyFieldType, fromQuery: boolean): string | undefined {
  const isNumber = (v: unknown) =>
    fromQuery ? typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) : typeof v === 'number';
  switch (type) {
    case 'number':
      return isNumber(value) ? undefined : 'must be number';
    case 'boolean':
      return (fromQuery ? value === 'true' || value === 'false' : typeof value === 'boolean') ? undefined : 'must be boolean';
    case 'string':
      return typeof value === 'string' ? undefined : 'must be string';
    case 'number[]':
      return Array.isArray(value) && value.every((v) => isNumber(v)) ? undefined : 'must be array of numbers';
    case 'number[]|all':
      return value === 'all' || (Array.isArray(value) && value.every((v) => isNumber(v) && Number(v) >= 0))
        ? undefined
        : 'must match exactly one schema in oneOf';
  }
}

function checkValue(where: string, name: string, value: unknown, spec: ParamSpec | BodyFieldSpec, fromQuery: boolean): SpecViolation[] {
  const problem = typeError(value, spec.type, fromQuery);
  if (problem) return [{ path: `/${where}/${name}`, message: problem }];
  if (spec.enum && !spec.enum.includes(String(value))) {
    return [{ path: `/${where}/${name}`, message: `must be equal to one of the allowed values: ${spec.enum.join(', ')}` }];
  }
  return [];
}

/**
 * What the server's validator refuses in a request to `route`: unknown or
 * empty query parameters, wrong types and enum values, missing required
 * parameters and body fields, and (stricter than Seerr, see above) body
 * fields the route neither declares nor reads. Empty when it is accepted.
 */
export function violations(
  route: RouteSpec,
  request: { params: Record<string, string>; query: Record<string, string>; body: unknown },
): SpecViolation[] {
  const found: SpecViolation[] = [];
  const query = route.query ?? {};
  for (const [name, value] of Object.entries(request.query)) {
    const spec = query[name];
    if (!spec) found.push({ path: `/query/${name}`, message: `Unknown query parameter '${name}'` });
    else if (value === '') found.push({ path: `/query/${name}`, message: `Empty value found for query parameter '${name}'` });
    else found.push(...checkValue('query', name, value, spec, true));
  }
  for (const [name, spec] of Object.entries(query)) {
    if (spec.required && !(name in request.query)) found.push({ path: '/query', message: `must have required property '${name}'` });
  }
  for (const [name, spec] of Object.entries(route.params ?? {})) {
    found.push(...checkValue('params', name, request.params[name], spec, true));
  }
  if (route.body) {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      found.push({ path: '/body', message: 'must be object' });
      return found;
    }
    const fields = body as Record<string, unknown>;
    for (const [name, value] of Object.entries(fields)) {
      const spec = route.body[name];
      if (!spec)
        found.push({ path: `/body/${name}`, message: `must NOT have additional properties ('${name}' is neither declared nor read)` });
      else found.push(...checkValue('body', name, value, spec, false));
    }
    for (const [name, spec] of Object.entries(route.body)) {
      if (spec.required && !(name in fields)) found.push({ path: '/body', message: `must have required property '${name}'` });
    }
  }
  return found;
}

/**
 * The answer Seerr's error handler gives for a refused request: `message`
 * is the first problem (the validator's own words for an unknown query
 * parameter, `request/<where> <problem>` otherwise), `errors` lists them all.
 */
export function violationBody(found: SpecViolation[]): { message: string; errors: SpecViolation[] } {
  const first = found[0]!;
  const message =
    first.message.startsWith('Unknown query parameter') || first.message.startsWith('Empty value found')
      ? first.message
      : `request${first.path} ${first.message}`;
  return { message, errors: found };
}

/** Fills in the described defaults of query parameters the caller left out (the route code sees them). */
export function withDefaults(route: RouteSpec, query: Record<string, string>): Record<string, string> {
  const filled = { ...query };
  for (const [name, spec] of Object.entries(route.query ?? {})) {
    if (spec.default !== undefined && !(name in filled)) filled[name] = spec.default;
  }
  return filled;
}

/**
 * The fake's gate, run before its route code like the server's validator:
 * a refusal (400 and Seerr's error body) or the query the route code sees,
 * defaults filled in. A route missing from the table is the fake's own bug.
 */
export function admit(request: {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}): { refusal: { status: 400; body: ReturnType<typeof violationBody> } } | { query: Record<string, string> } {
  const found = findRoute(request.method, request.path);
  if (!found) throw new Error(`${request.method} ${request.path} is not in the Overseerr route table`);
  const problems = violations(found.route, { params: found.params, query: request.query, body: request.body });
  if (problems.length) return { refusal: { status: 400, body: violationBody(problems) } };
  return { query: withDefaults(found.route, request.query) };
}
