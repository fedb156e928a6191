/**
 * The e-mail channel kind: its settings and one message through nodemailer's SMTP transport on the
 * `notify-email` breaker.
 *
 * - The sender (`from`) is one address, bare or as `Name <address>`, on one line: a CR or LF in it
 *   would start a new header (a broken `From:` and an empty envelope sender went out before).
 * - STARTTLS is required unless the admin opts out with `allowPlaintext` (a relay on the same host
 *   or network that offers no TLS): a server that does not offer STARTTLS then fails the delivery
 *   before MediaNest sends AUTH, so the SMTP password never crosses the network in clear.
 */
import type Nodemailer from 'nodemailer';
import { z } from 'zod';
import { AppError, errorMessage } from '../../errors';
import { TracingService } from '../../observability/tracing/trace';
import type { BreakerRegistry } from '../../resilience/breakers';

const address = z.email();

/** `media@example.com` or `MediaNest <media@example.com>`: one address, printable, on one line. */
export const senderAddress = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .refine((v) => {
    // CR, LF, NUL or any other control character would end the header line.
    if ([...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return false;
    const named = /^([^<>"]*|"[^"]*")\s*<([^<>\s]+)>$/.exec(v);
    return address.safeParse(named ? named[2] : v).success;
  }, 'must be an e-mail address, alone or as Name <address>, on one line');

export const emailSettings = z
  .object({
    host: z.string().trim().min(1).max(255),
    port: z.number().int().min(1).max(65535),
    /** TLS from the first byte (port 465); otherwise STARTTLS, which is required unless allowPlaintext. */
    secure: z.boolean().default(false),
    /** Send (and authenticate) without TLS when the server offers no STARTTLS: only for a relay on a trusted network. */
    allowPlaintext: z.boolean().default(false),
    username: z.string().max(255).optional(),
    from: senderAddress,
  })
  .strict();

export interface Mail {
  to: string;
  subject: string;
  text: string;
  headers: Record<string, string>;
}

/** Sends one mail; resolves when the SMTP server accepted it, rejects (AppError) otherwise. */
export async function sendEmail(
  settings: Record<string, unknown>,
  password: string | undefined,
  mail: Mail,
  breakers: BreakerRegistry,
  timeoutMs: number,
): Promise<void> {
  // Stored before allowPlaintext existed, or changed by hand: parsed again, so the defaults (STARTTLS required) apply.
  const parsed = emailSettings.safeParse(settings);
  if (!parsed.success)
    throw AppError.badRequest(
      `The e-mail channel's settings are invalid (${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}): the admin saves them again`,
    );
  const s = parsed.data;
  const breaker = breakers.get('notify-email');
  await TracingService.traceExternalApiCall('notify-email', 'send', `smtp://${s.host}:${s.port}`, 'SMTP', () =>
    breaker.run(async () => {
      // nodemailer is read on the first e-mail: most servers have no SMTP configured, and it costs start-up time.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start-up
      const transport = (require('nodemailer') as typeof Nodemailer).createTransport({
        host: s.host,
        port: s.port,
        secure: s.secure,
        requireTLS: !s.secure && !s.allowPlaintext,
        auth: s.username ? { user: s.username, pass: password ?? '' } : undefined,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      });
      try {
        await transport.sendMail({ from: s.from, ...mail });
      } catch (err) {
        throw AppError.upstreamUnavailable('The SMTP server', errorMessage(err), err);
      } finally {
        transport.close();
      }
    }),
  );
}
