/**
 * The admin's notification channels: list, create, change, delete, and send a test message to the
 * admin who asked. Settings are stored in clear, secrets sealed (secret-box.ts); a token or password
 * stays with the server it was given for (channel-destination.ts).
 */
import {
  notificationChannelKinds,
  type NotificationChannel,
  type NotificationChannelKind,
  type NotificationTestResult,
} from '@medianest/contracts';
import { AppError } from '../../errors';
import { logger } from '../../observability/logging/logger';
import type { User } from '../users/user';
import { secretsForDestination } from './channel-destination';
import { failureText, type ChannelDispatch } from './channel-dispatch';
import { CHANNEL_SCHEMAS, type Message } from './channels';
import { toPublicChannel } from './channels.presenter';
import { CHANNEL_OFF } from './delivery-queue';
import type { ChannelRow, NotificationsRepository } from './notifications.repository';
import type { SecretBox } from './secret-box';
import { testMessage } from './messages';

export interface ChannelInput {
  name?: string;
  kind?: NotificationChannelKind;
  enabled?: boolean;
  settings?: unknown;
  /** Omitted fields keep their stored value; null clears an optional secret. */
  secrets?: Record<string, unknown>;
}

export class ChannelsService {
  constructor(
    private readonly repo: NotificationsRepository,
    private readonly box: SecretBox,
    private readonly dispatch: ChannelDispatch,
    private readonly publicUrl: string | undefined,
  ) {}

  async listChannels(): Promise<NotificationChannel[]> {
    return (await this.repo.listChannels()).map((r) => this.toPublic(r));
  }

  async createChannel(input: ChannelInput): Promise<NotificationChannel> {
    if (!input.kind || !notificationChannelKinds.includes(input.kind))
      throw AppError.badRequest(`kind must be one of ${notificationChannelKinds.join(', ')}`);
    if (!input.name) throw AppError.badRequest('name is required');
    if (input.kind === 'webpush' && (await this.repo.listChannels()).some((c) => c.kind === 'webpush'))
      throw AppError.conflict('There is already a Web Push channel: browsers subscribe to the server, so one is enough');
    const { settings, secrets } = this.parseKindInput(input.kind, input, {});
    const row = await this.repo.createChannel({ name: input.name, kind: input.kind, enabled: input.enabled ?? true, settings, secrets });
    logger().info({ event: 'notifications.channel.created', channel_id: row.id, kind: row.kind }, 'Notification channel created');
    return this.toPublic(row);
  }

  async updateChannel(id: number, input: ChannelInput): Promise<NotificationChannel> {
    const row = await this.repo.findChannel(id);
    if (!row) throw AppError.notFound('No such channel');
    if (input.kind !== undefined && input.kind !== row.kind)
      throw AppError.badRequest('The kind of a channel cannot change; create a new channel');
    const changes: Parameters<NotificationsRepository['updateChannel']>[1] = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    if (input.settings !== undefined || input.secrets !== undefined) {
      // Unreadable with this key: the new input must bring every secret again.
      const readable = this.readableSecrets(row);
      const settings = (input.settings ?? row.settings) as Record<string, unknown>;
      // A token or password stays only with the server it was given for.
      const previous = secretsForDestination(row.kind, row.settings, settings, readable);
      const parsed = this.parseKindInput(row.kind, { settings, secrets: input.secrets }, previous);
      changes.settings = parsed.settings;
      changes.secrets = parsed.secrets;
    }
    const updated = await this.repo.updateChannel(id, changes);
    if (!updated) throw AppError.notFound('No such channel');
    if (row.enabled && !updated.enabled) {
      // Messages still waiting on it end now (the Ops page shows them at once), not at their next retry.
      const ended = await this.repo.failPendingOf(id, CHANNEL_OFF);
      if (ended > 0)
        logger().info({ event: 'notifications.channel.disabled', channel_id: id, ended }, 'Queued messages of a turned-off channel ended');
    }
    return this.toPublic(updated);
  }

  async deleteChannel(id: number): Promise<void> {
    if (!(await this.repo.deleteChannel(id))) throw AppError.notFound('No such channel');
  }

  /** Sends a test message to the admin who asked, now, and reports what happened. */
  async sendTest(id: number, admin: User): Promise<NotificationTestResult> {
    const row = await this.repo.findChannel(id);
    if (!row) throw AppError.notFound('No such channel');
    const destination = await this.dispatch.destination(row, admin);
    if (destination.refusal !== undefined) return { delivered: false, durationMs: 0, error: destination.refusal };
    const message: Message = {
      id: `test-${Date.now()}`,
      event: 'test',
      ...testMessage(row.name, admin.language),
      link: this.publicUrl ?? null,
      occurredAt: new Date().toISOString(),
      request: null,
    };
    const started = performance.now();
    try {
      await this.dispatch.send(row, message, admin, destination.address, { event: 'test', last: true });
      return { delivered: true, durationMs: Math.round(performance.now() - started) };
    } catch (err) {
      return { delivered: false, durationMs: Math.round(performance.now() - started), error: failureText(err) };
    }
  }

  /** Listed with no secret set when they cannot be opened: the admin re-enters them. */
  private toPublic(row: ChannelRow): NotificationChannel {
    return toPublicChannel(row, this.readableSecrets(row));
  }

  private readableSecrets(row: ChannelRow): Record<string, string> {
    try {
      return this.dispatch.secretsOf(row);
    } catch {
      return {};
    }
  }

  private parseKindInput(kind: NotificationChannelKind, input: ChannelInput, previous: Record<string, string>) {
    const schema = CHANNEL_SCHEMAS[kind];
    const settings = schema.settings.safeParse(input.settings ?? {});
    if (!settings.success) throw invalid('settings', settings.error.issues);
    const secretsIn = schema.secrets.safeParse(input.secrets ?? {});
    if (!secretsIn.success) throw invalid('secrets', secretsIn.error.issues);
    const secrets: Record<string, string> = { ...previous };
    for (const [key, value] of Object.entries(secretsIn.data as Record<string, string | null | undefined>)) {
      if (value === null) delete secrets[key];
      else if (value !== undefined) secrets[key] = value;
    }
    const missing = schema.requiredSecrets.filter((k) => !secrets[k]);
    if (missing.length > 0)
      throw AppError.badRequest(
        `A ${kind} channel needs ${missing.join(' and ')}`,
        missing.map((m) => ({ path: `secrets.${m}`, message: 'required' })),
      );
    return {
      settings: settings.data as Record<string, unknown>,
      secrets: Object.keys(secrets).length > 0 ? this.box.seal(JSON.stringify(secrets)) : null,
    };
  }
}

function invalid(what: string, issues: { path: PropertyKey[]; message: string }[]) {
  return new AppError(400, 'VALIDATION_FAILED', `Invalid channel ${what}`, {
    details: issues.map((i) => ({ path: [what, ...i.path.map(String)].join('.'), message: i.message })),
  });
}
