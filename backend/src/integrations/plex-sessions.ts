/**
 * What Plex Media Server says about playback, parsed into plain values:
 * `GET /status/sessions` (one `Metadata` entry per stream, with `User`,
 * `Player`, `Session` — bandwidth in kbps and location lan/wan — `Media`
 * with its `Part`s and `Stream`s, and a `TranscodeSession` when the server
 * converts anything) and the messages of the notification WebSocket
 * (`NotificationContainer` of type `playing` with
 * `PlaySessionStateNotification[]`, and `transcodeSession.start|update|end`).
 *
 * The play method follows what Plex itself shows: no TranscodeSession is a
 * direct play; a TranscodeSession whose video and audio are both copied is a
 * direct stream (remuxed into another container); anything transcoded is a
 * transcode. A transcode runs on hardware when Plex reports a hardware
 * decoder or encoder (`transcodeHwDecoding`/`transcodeHwEncoding`, e.g.
 * "vaapi") or the full hardware pipeline.
 */
import { z } from 'zod';

const id = z.union([z.string(), z.number()]).transform(String);
const num = z.union([z.number(), z.string()]).transform(Number).optional();
const flag = z.union([z.boolean(), z.number(), z.string()]).transform((v) => v === true || v === 1 || v === '1' || v === 'true');

const streamSchema = z.looseObject({
  streamType: num,
  codec: z.string().optional(),
  decision: z.string().optional(),
  selected: flag.optional(),
  displayTitle: z.string().optional(),
});

const partSchema = z.looseObject({
  container: z.string().optional(),
  decision: z.string().optional(),
  Stream: z.array(streamSchema).default([]),
});

const mediaSchema = z.looseObject({
  bitrate: num,
  container: z.string().optional(),
  videoCodec: z.string().optional(),
  audioCodec: z.string().optional(),
  videoResolution: z.union([z.string(), z.number()]).transform(String).optional(),
  height: num,
  selected: flag.optional(),
  Part: z.array(partSchema).default([]),
});

export const transcodeSessionSchema = z.looseObject({
  key: z.string(),
  throttled: flag.optional(),
  progress: num,
  speed: num,
  videoDecision: z.string().optional(),
  audioDecision: z.string().optional(),
  subtitleDecision: z.string().optional(),
  container: z.string().optional(),
  videoCodec: z.string().optional(),
  audioCodec: z.string().optional(),
  sourceVideoCodec: z.string().optional(),
  sourceAudioCodec: z.string().optional(),
  height: num,
  transcodeHwRequested: flag.optional(),
  transcodeHwFullPipeline: flag.optional(),
  transcodeHwDecoding: z.string().optional(),
  transcodeHwEncoding: z.string().optional(),
});

const sessionMetadataSchema = z.looseObject({
  sessionKey: id,
  ratingKey: id.optional(),
  type: z.string(),
  title: z.string(),
  grandparentTitle: z.string().optional(),
  parentIndex: num,
  index: num,
  year: num,
  duration: num,
  viewOffset: num,
  User: z.looseObject({ id: id.optional(), title: z.string().optional() }).optional(),
  Player: z.looseObject({
    title: z.string().optional(),
    product: z.string().optional(),
    platform: z.string().optional(),
    device: z.string().optional(),
    state: z.string().optional(),
    local: flag.optional(),
  }),
  Session: z.looseObject({ id: z.string().optional(), bandwidth: num, location: z.string().optional() }).optional(),
  Media: z.array(mediaSchema).default([]),
  TranscodeSession: transcodeSessionSchema.optional(),
});

/** GET /library/metadata/{ratingKey}: the item as stored, whose Media is the source file (not what a session receives). */
export const itemMediaSchema = z.looseObject({
  MediaContainer: z.looseObject({ Metadata: z.array(z.looseObject({ Media: z.array(mediaSchema).default([]) })).default([]) }),
});

export type SourceMedia = PlexPlaybackSession['source'];

export function toSourceMedia(media: z.infer<typeof mediaSchema> | undefined): SourceMedia {
  return {
    container: media?.container ?? null,
    videoCodec: media?.videoCodec ?? null,
    audioCodec: media?.audioCodec ?? null,
    bitrateKbps: media?.bitrate ?? null,
    height: media?.height ?? null,
  };
}

export const sessionsSchema = z.looseObject({
  MediaContainer: z.looseObject({ size: num, Metadata: z.array(sessionMetadataSchema).default([]) }),
});

export type PlayDecision = 'direct_play' | 'direct_stream' | 'transcode';
export type StreamLocation = 'lan' | 'wan';
export type PlayerState = 'playing' | 'paused' | 'buffering';

export interface PlexTranscode {
  key: string;
  videoDecision: 'transcode' | 'copy' | 'none';
  audioDecision: string;
  subtitleDecision: string | null;
  hwRequested: boolean;
  hardware: boolean;
  hwFullPipeline: boolean;
  speed: number | null;
  throttled: boolean;
  progress: number | null;
  container: string | null;
  videoCodec: string | null;
  sourceVideoCodec: string | null;
  height: number | null;
}

/** One stream as /status/sessions describes it. */
export interface PlexPlaybackSession {
  sessionKey: string;
  ratingKey: string | null;
  plexAccountId: string | null;
  plexUsername: string | null;
  type: string;
  title: string;
  show: string | null;
  season: number | null;
  episode: number | null;
  year: number | null;
  durationMs: number | null;
  viewOffsetMs: number | null;
  player: { title: string | null; product: string | null; platform: string | null; device: string | null };
  state: PlayerState;
  location: StreamLocation;
  /** The media: the file itself for a direct play; for a stream Plex converts, the file once the item is read (PlexClient.itemSource). */
  source: {
    container: string | null;
    videoCodec: string | null;
    audioCodec: string | null;
    bitrateKbps: number | null;
    height: number | null;
  };
  /** Session.bandwidth, the server's estimate of what the stream uses, in kbit/s. */
  bandwidthKbps: number;
  decision: PlayDecision;
  transcode: PlexTranscode | null;
}

export function toTranscode(t: z.infer<typeof transcodeSessionSchema>): PlexTranscode {
  const videoDecision = t.videoDecision === 'transcode' || t.videoDecision === 'copy' ? t.videoDecision : 'none';
  const hwFullPipeline = t.transcodeHwFullPipeline ?? false;
  return {
    key: t.key,
    videoDecision,
    audioDecision: t.audioDecision ?? 'none',
    subtitleDecision: t.subtitleDecision ?? null,
    hwRequested: t.transcodeHwRequested ?? false,
    hardware: hwFullPipeline || !!t.transcodeHwDecoding || !!t.transcodeHwEncoding,
    hwFullPipeline,
    speed: t.speed ?? null,
    throttled: t.throttled ?? false,
    progress: t.progress ?? null,
    container: t.container ?? null,
    videoCodec: t.videoCodec ?? null,
    sourceVideoCodec: t.sourceVideoCodec ?? null,
    height: t.height ?? null,
  };
}

export function playDecision(transcode: PlexTranscode | null): PlayDecision {
  if (!transcode) return 'direct_play';
  return transcode.videoDecision === 'transcode' || transcode.audioDecision === 'transcode' ? 'transcode' : 'direct_stream';
}

export function toPlaybackSessions(body: z.infer<typeof sessionsSchema>): PlexPlaybackSession[] {
  return body.MediaContainer.Metadata.map((m) => {
    const media = m.Media.find((x) => x.selected) ?? m.Media[0];
    const transcode = m.TranscodeSession ? toTranscode(m.TranscodeSession) : null;
    const state = m.Player.state === 'paused' || m.Player.state === 'buffering' ? m.Player.state : 'playing';
    const location: StreamLocation =
      m.Session?.location === 'wan' || (m.Session?.location === undefined && m.Player.local === false) ? 'wan' : 'lan';
    const episodic = m.type === 'episode';
    return {
      sessionKey: m.sessionKey,
      ratingKey: m.ratingKey ?? null,
      plexAccountId: m.User?.id ?? null,
      plexUsername: m.User?.title ?? null,
      type: m.type,
      title: m.title,
      show: episodic ? (m.grandparentTitle ?? null) : null,
      season: episodic ? (m.parentIndex ?? null) : null,
      episode: episodic ? (m.index ?? null) : null,
      year: m.year ?? null,
      durationMs: m.duration ?? null,
      viewOffsetMs: m.viewOffset ?? null,
      player: {
        title: m.Player.title ?? null,
        product: m.Player.product ?? null,
        platform: m.Player.platform ?? null,
        device: m.Player.device ?? null,
      },
      state,
      location,
      bandwidthKbps: m.Session?.bandwidth ?? 0,
      decision: playDecision(transcode),
      // For a transcode this is what the player receives; the monitor reads the source from the item.
      source: toSourceMedia(media),
      transcode,
    };
  });
}

const playStateSchema = z.looseObject({ sessionKey: id, state: z.string(), viewOffset: num, ratingKey: id.optional() });

export const notificationSchema = z.looseObject({
  NotificationContainer: z.looseObject({
    type: z.string(),
    PlaySessionStateNotification: z.array(playStateSchema).optional(),
    TranscodeSession: z.array(z.looseObject({ key: z.string() })).optional(),
  }),
});

/** A notification that matters for playback; everything else Plex sends (activity, timeline, status) is `other`. */
export type PlexNotification =
  | { kind: 'play-state'; sessionKey: string; state: string; viewOffsetMs: number | null }
  | { kind: 'transcode'; event: 'start' | 'update' | 'end'; key: string }
  | { kind: 'other' };

export function parseNotification(text: string): PlexNotification[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [{ kind: 'other' }];
  }
  const parsed = notificationSchema.safeParse(raw);
  if (!parsed.success) return [{ kind: 'other' }];
  const c = parsed.data.NotificationContainer;
  if (c.type === 'playing') {
    return (c.PlaySessionStateNotification ?? []).map((n) => ({
      kind: 'play-state' as const,
      sessionKey: n.sessionKey,
      state: n.state,
      viewOffsetMs: n.viewOffset ?? null,
    }));
  }
  const transcode = /^transcodeSession\.(start|update|end)$/.exec(c.type);
  if (transcode) {
    const event = transcode[1] as 'start' | 'update' | 'end';
    return (c.TranscodeSession ?? []).map((t) => ({ kind: 'transcode' as const, event, key: t.key }));
  }
  return [{ kind: 'other' }];
}
