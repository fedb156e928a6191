/**
 * Playback on the fake Plex server: what `GET /status/sessions` answers
 * (one `Metadata` entry per stream with `User`, `Player`, `Session`,
 * `Media`/`Part`/`Stream` and, when the server converts anything, a
 * `TranscodeSession`), and the notification WebSocket
 * `/:/websockets/notifications` (token in the `X-Plex-Token` header or
 * query parameter, like the real server), which sends a
 * `NotificationContainer` of type `playing` for every play-state change and
 * `transcodeSession.start|update|end` for the transcoder.
 *
 * Test hooks: `play`, `update`, `stop` (with notifications), `vanish` (the
 * session ends and the notification is lost), `closeSockets`,
 * `refuseSockets(status)` / `acceptSockets()`.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeTranscode {
  videoDecision: 'transcode' | 'copy';
  audioDecision: 'transcode' | 'copy';
  subtitleDecision?: 'burn' | 'copy';
  container: string;
  videoCodec: string;
  audioCodec: string;
  height: number;
  hwRequested: boolean;
  /** The hardware decoder/encoder Plex uses ("vaapi", "qsv", "nvenc"); absent when it runs on the CPU. */
  hwDecoding?: string;
  hwEncoding?: string;
  hwFullPipeline?: boolean;
  speed: number;
  throttled?: boolean;
  progress?: number;
}

export interface FakeStreamSpec {
  sessionKey: string;
  account: { id: number; title: string };
  item: {
    ratingKey: string;
    type: 'movie' | 'episode';
    title: string;
    grandparentTitle?: string;
    parentIndex?: number;
    index?: number;
    year?: number;
    duration: number;
  };
  player: { title: string; product: string; platform: string; device: string; address: string; local: boolean };
  source: { container: string; videoCodec: string; audioCodec: string; bitrate: number; height: number };
  /** kbit/s, as Plex reports Session.bandwidth. */
  bandwidth: number;
  location: 'lan' | 'wan';
  state?: 'playing' | 'paused' | 'buffering';
  viewOffset?: number;
  transcode?: FakeTranscode;
}

const NOTIFICATIONS_PATH = '/:/websockets/notifications';

export class FakePlexPlayback {
  readonly streams = new Map<string, FakeStreamSpec>();
  /** Upgrade requests the socket received (headers and URL), for asserting what a client sent. */
  readonly upgrades: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private refuseStatus: number | undefined;

  constructor(private readonly token: string | undefined) {}

  attach(server: http.Server): void {
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      this.upgrades.push({ url: req.url ?? '/', headers: req.headers });
      const given = req.headers['x-plex-token'] ?? url.searchParams.get('X-Plex-Token');
      const status = url.pathname !== NOTIFICATIONS_PATH ? 404 : this.token && given !== this.token ? 401 : this.refuseStatus;
      if (status) {
        socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: text/html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
    });
  }

  get socketCount(): number {
    return this.wss.clients.size;
  }

  /** The /status/sessions body. */
  container(): unknown {
    const metadata = [...this.streams.values()].map((s) => this.metadata(s));
    return { MediaContainer: { size: metadata.length, Metadata: metadata } };
  }

  /** /library/metadata/{ratingKey} of an item being played: its own file, whatever the sessions receive. */
  item(ratingKey: string): unknown {
    const s = [...this.streams.values()].find((x) => x.item.ratingKey === ratingKey);
    if (!s) return undefined;
    return {
      ratingKey,
      key: `/library/metadata/${ratingKey}`,
      type: s.item.type,
      title: s.item.title,
      duration: s.item.duration,
      Media: [
        {
          id: Number(ratingKey),
          duration: s.item.duration,
          bitrate: s.source.bitrate,
          height: s.source.height,
          videoResolution: s.source.height >= 2160 ? '4k' : String(s.source.height),
          container: s.source.container,
          videoCodec: s.source.videoCodec,
          audioCodec: s.source.audioCodec,
          Part: [{ id: Number(ratingKey), container: s.source.container, key: `/library/parts/${ratingKey}/file.${s.source.container}` }],
        },
      ],
    };
  }

  play(spec: FakeStreamSpec): void {
    this.streams.set(spec.sessionKey, { state: 'playing', viewOffset: 0, ...spec });
    this.notifyPlaying(spec.sessionKey);
    if (spec.transcode) this.notify('transcodeSession.start', { TranscodeSession: [this.transcodeSession(spec)] });
  }

  /** Changes a stream (position, state, transcoder) and sends what the server would. */
  update(sessionKey: string, patch: Partial<Omit<FakeStreamSpec, 'transcode'>> & { transcode?: Partial<FakeTranscode> }): void {
    const current = this.streams.get(sessionKey);
    if (!current) throw new Error(`no fake stream ${sessionKey}`);
    const next: FakeStreamSpec = { ...current, ...patch, transcode: current.transcode && { ...current.transcode, ...patch.transcode } };
    this.streams.set(sessionKey, next);
    if (next.transcode) this.notify('transcodeSession.update', { TranscodeSession: [this.transcodeSession(next)] });
    this.notifyPlaying(sessionKey);
  }

  stop(sessionKey: string): void {
    const spec = this.streams.get(sessionKey);
    if (!spec) return;
    this.streams.delete(sessionKey);
    this.notify('playing', { PlaySessionStateNotification: [this.playState(spec, 'stopped')] });
    if (spec.transcode) this.notify('transcodeSession.end', { TranscodeSession: [this.transcodeSession(spec)] });
  }

  /** The stream ends but no notification reaches anyone (a dropped message): only a poll can notice. */
  vanish(sessionKey: string): void {
    this.streams.delete(sessionKey);
  }

  closeSockets(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  /** New socket connections are answered with `status` (e.g. 503) until `acceptSockets()`. */
  refuseSockets(status = 503): void {
    this.refuseStatus = status;
  }

  acceptSockets(): void {
    this.refuseStatus = undefined;
  }

  private notifyPlaying(sessionKey: string): void {
    const spec = this.streams.get(sessionKey)!;
    this.notify('playing', { PlaySessionStateNotification: [this.playState(spec, spec.state ?? 'playing')] });
  }

  private playState(spec: FakeStreamSpec, state: string) {
    return {
      sessionKey: spec.sessionKey,
      clientIdentifier: `client-${spec.sessionKey}`,
      guid: '',
      ratingKey: spec.item.ratingKey,
      url: '',
      key: `/library/metadata/${spec.item.ratingKey}`,
      viewOffset: spec.viewOffset ?? 0,
      playQueueItemID: 1000 + Number(spec.sessionKey),
      playQueueID: 500 + Number(spec.sessionKey),
      state,
    };
  }

  private notify(type: string, body: Record<string, unknown>): void {
    const message = JSON.stringify({ NotificationContainer: { type, size: 1, ...body } });
    for (const ws of this.wss.clients as Set<WebSocket>) ws.send(message);
  }

  private transcodeSession(s: FakeStreamSpec) {
    const t = s.transcode!;
    return {
      key: `/transcode/sessions/tx-${s.sessionKey}`,
      throttled: t.throttled ?? false,
      complete: false,
      progress: t.progress ?? 12.5,
      size: -22,
      speed: t.speed,
      error: false,
      duration: s.item.duration,
      remaining: 30,
      context: 'streaming',
      sourceVideoCodec: s.source.videoCodec,
      sourceAudioCodec: s.source.audioCodec,
      videoDecision: t.videoDecision,
      audioDecision: t.audioDecision,
      ...(t.subtitleDecision ? { subtitleDecision: t.subtitleDecision } : {}),
      protocol: 'dash',
      container: t.container,
      videoCodec: t.videoCodec,
      audioCodec: t.audioCodec,
      audioChannels: 2,
      width: Math.round((t.height * 16) / 9),
      height: t.height,
      transcodeHwRequested: t.hwRequested,
      ...(t.hwDecoding ? { transcodeHwDecoding: t.hwDecoding, transcodeHwDecodingTitle: `Hardware (${t.hwDecoding})` } : {}),
      ...(t.hwEncoding ? { transcodeHwEncoding: t.hwEncoding, transcodeHwEncodingTitle: `Hardware (${t.hwEncoding})` } : {}),
      transcodeHwFullPipeline: t.hwFullPipeline ?? false,
      timeStamp: 1765050000.123,
      maxOffsetAvailable: 600.5,
      minOffsetAvailable: 0,
    };
  }

  private metadata(s: FakeStreamSpec) {
    const t = s.transcode;
    const episode = s.item.type === 'episode';
    return {
      addedAt: 1703239000,
      duration: s.item.duration,
      guid: `plex://${s.item.type}/${s.item.ratingKey}`,
      key: `/library/metadata/${s.item.ratingKey}`,
      librarySectionID: episode ? '2' : '1',
      librarySectionTitle: episode ? 'TV Shows' : 'Movies',
      ratingKey: s.item.ratingKey,
      sessionKey: s.sessionKey,
      title: s.item.title,
      type: s.item.type,
      viewOffset: s.viewOffset ?? 0,
      ...(s.item.year ? { year: s.item.year } : {}),
      ...(episode ? { grandparentTitle: s.item.grandparentTitle, parentIndex: s.item.parentIndex, index: s.item.index } : {}),
      Media: [
        {
          audioChannels: 6,
          audioCodec: t?.audioDecision === 'transcode' ? t.audioCodec : s.source.audioCodec,
          bitrate: t ? Math.min(s.bandwidth, s.source.bitrate) : s.source.bitrate,
          container: t ? t.container : s.source.container,
          duration: s.item.duration,
          height: t ? t.height : s.source.height,
          id: `${s.item.ratingKey}-media`,
          videoCodec: t?.videoDecision === 'transcode' ? t.videoCodec : s.source.videoCodec,
          videoResolution: String(t ? t.height : s.source.height),
          selected: true,
          Part: [
            {
              container: t ? t.container : s.source.container,
              decision: t ? 'transcode' : 'directplay',
              duration: s.item.duration,
              id: `${s.item.ratingKey}-part`,
              selected: true,
              Stream: [
                {
                  streamType: 1,
                  codec: t?.videoDecision === 'transcode' ? t.videoCodec : s.source.videoCodec,
                  decision: t ? t.videoDecision : 'directplay',
                  selected: true,
                },
                {
                  streamType: 2,
                  codec: t?.audioDecision === 'transcode' ? t.audioCodec : s.source.audioCodec,
                  decision: t ? t.audioDecision : 'directplay',
                  selected: true,
                },
              ],
            },
          ],
        },
      ],
      User: { id: String(s.account.id), thumb: `https://plex.tv/users/${s.account.id}/avatar`, title: s.account.title },
      Player: {
        address: s.player.address,
        device: s.player.device,
        machineIdentifier: `client-${s.sessionKey}`,
        model: '',
        platform: s.player.platform,
        platformVersion: '1.0',
        product: s.player.product,
        profile: s.player.product,
        remotePublicAddress: s.location === 'wan' ? s.player.address : '127.0.0.1',
        state: s.state ?? 'playing',
        title: s.player.title,
        version: '4.145.1',
        local: s.player.local,
        relayed: false,
        secure: true,
        userID: s.account.id,
      },
      Session: { id: `session-${s.sessionKey}-id`, bandwidth: s.bandwidth, location: s.location },
      ...(t ? { TranscodeSession: this.transcodeSession(s) } : {}),
    };
  }
}
