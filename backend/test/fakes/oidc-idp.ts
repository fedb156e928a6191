/**
 * A real OpenID Connect provider for tests: panva's `oidc-provider` on a loopback port, with real
 * discovery, JWKS, signed ID tokens, PKCE and RP-initiated logout. People sign in without a form: the
 * test says who the next person is (`idp.nextLogin`) and the interaction finishes as them, with every
 * requested scope granted. `rotateKeys()` starts signing with a new key (the old one leaves the JWKS);
 * `tamperIdToken` re-signs the next ID token with the provider's own key after changing its claims,
 * for the cases a provider must never produce (another audience, an expired token).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK, JWTPayload } from 'jose' with { 'resolution-mode': 'import' };

/** The part of oidc-provider's context the grant loader reads (the package ships no type declarations). */
interface ProviderContext {
  oidc: {
    client?: { clientId: string };
    session?: { accountId?: string };
    provider: {
      Grant: new (init: { clientId: string; accountId: string }) => { addOIDCScope(scope: string): void; save(): Promise<string> };
    };
  };
}

export interface IdpAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  preferred_username?: string;
  name?: string;
  groups?: string[];
}

interface OidcProvider {
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
  interactionFinished(req: http.IncomingMessage, res: http.ServerResponse, result: object, options: object): Promise<void>;
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, IdpAccount>;
  /** The account id the next interaction signs in as. */
  nextLogin: string;
  /** Changes the claims of the next ID token only (re-signed with the provider's current key). */
  tamperIdToken?: (claims: JWTPayload) => JWTPayload;
  /** Token requests the provider answered. */
  tokenRequests: number;
  rotateKeys(): Promise<void>;
  close(): Promise<void>;
}

async function newKey(): Promise<JWK> {
  const { exportJWK, generateKeyPair } = await import('jose');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `k-${Math.random().toString(36).slice(2, 10)}`, alg: 'RS256', use: 'sig' };
}

export async function startTestIdp(options: {
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** false: e-mail and groups only from the userinfo endpoint, as Authelia does by default. */
  claimsInIdToken?: boolean;
}): Promise<TestIdp> {
  // @ts-expect-error -- oidc-provider ships no type declarations; its configuration is typed by use below
  const { default: Provider } = (await import('oidc-provider')) as { default: new (issuer: string, config: object) => OidcProvider };
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let key = await newKey();

  const idp: TestIdp = {
    issuer,
    clientId: 'medianest',
    clientSecret: 'medianest-client-secret-for-tests',
    accounts: new Map(),
    nextLogin: '',
    tokenRequests: 0,
    async rotateKeys() {
      key = await newKey();
      provider = build();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const build = () => {
    const p = new Provider(issuer, {
      clients: [
        {
          client_id: idp.clientId,
          client_secret: idp.clientSecret,
          redirect_uris: [options.redirectUri],
          post_logout_redirect_uris: [options.postLogoutRedirectUri],
        },
      ],
      jwks: { keys: [key] },
      pkce: { required: () => true },
      claims: {
        openid: ['sub'],
        email: ['email', 'email_verified'],
        profile: ['preferred_username', 'name'],
        groups: ['groups'],
      },
      conformIdTokenClaims: options.claimsInIdToken === false,
      features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
      cookies: { keys: ['test-cookie-key'] },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      // The provider's account id is the `sub` of its tokens.
      findAccount: (_ctx: unknown, sub: string) => {
        const account = [...idp.accounts.values()].find((a) => a.sub === sub);
        if (!account) return undefined;
        return { accountId: sub, claims: () => ({ ...account }) };
      },
      // Every requested scope and claim is granted: no consent screen in tests.
      loadExistingGrant: async (ctx: ProviderContext) => {
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
        grant.addOIDCScope('openid email profile groups');
        await grant.save();
        return grant;
      },
    });
    return p;
  };
  let provider = build();

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    void (async () => {
      const current = provider;
      if (req.url?.startsWith('/interaction/')) {
        const sub = idp.accounts.get(idp.nextLogin)?.sub ?? idp.nextLogin;
        await current.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
        return;
      }
      if (req.method === 'POST' && req.url?.startsWith('/token')) {
        idp.tokenRequests += 1;
        const tamper = idp.tamperIdToken;
        if (tamper) {
          idp.tamperIdToken = undefined;
          await interceptJson(res, async (body) => {
            const token = body.id_token as string | undefined;
            if (!token) return body;
            const { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } = await import('jose');
            const header = decodeProtectedHeader(token);
            const signed = await new SignJWT(tamper(decodeJwt(token)))
              .setProtectedHeader({ alg: 'RS256', kid: header.kid })
              .sign(await importJWK(key, 'RS256'));
            return { ...body, id_token: signed };
          });
        }
      }
      current.callback()(req, res);
    })().catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  return idp;
}

/** Lets `change` rewrite the JSON body a handler is about to send (before anything reaches the socket). */
async function interceptJson(
  res: http.ServerResponse,
  change: (body: Record<string, unknown>) => Promise<Record<string, unknown>>,
): Promise<void> {
  const end = res.end.bind(res) as (chunk?: unknown) => http.ServerResponse;
  res.end = ((chunk?: unknown) => {
    const text = Buffer.isBuffer(chunk) ? chunk.toString('utf8') : typeof chunk === 'string' ? chunk : '';
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return end(chunk);
    }
    void change(parsed).then((next) => {
      const out = JSON.stringify(next);
      if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(out));
      end(out);
    });
    return res;
  }) as typeof res.end;
  return Promise.resolve();
}
