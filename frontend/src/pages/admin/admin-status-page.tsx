/**
 * /admin/status: announcements (a banner for everyone, optionally until a
 * time) and maintenance windows (some services or all, from–to, a message),
 * each with "End now" (/api/v1/admin/status/*). During a window the covered
 * services send no outage messages and their alerts are held back.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Announcement, AnnouncementSeverity, MaintenanceWindow } from '@medianest/contracts';
import { api } from '../../api/client';
import { AddRowPanel, EditableRowsPanel, RowError } from '../../components/editable-row';
import { formatDateTime } from '../../components/format';
import { Page } from '../../components/page';
import { maintenanceScope } from '../../api/notices';
import { useApiData, type ApiData } from '../../hooks/use-api-data';
import { useAsyncAction } from '../../hooks/use-async-action';

/** A Date as the value of an <input type="datetime-local"> (local time, minutes). */
function localInput(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

const toIso = (local: string) => new Date(local).toISOString();

function phase(from: string | null, until: string | null, now = Date.now()): 'planned' | 'active' | 'over' {
  if (until !== null && Date.parse(until) <= now) return 'over';
  if (from !== null && Date.parse(from) > now) return 'planned';
  return 'active';
}

const PHASE_TONES = { planned: 'info', active: 'warning', over: 'muted' } as const;

function PhaseBadge({ state }: { state: keyof typeof PHASE_TONES }) {
  const { t } = useTranslation('admin');
  return <span className={`badge badge-${PHASE_TONES[state]}`}>{t(`notices.phase.${state}`)}</span>;
}

function EndButton({ label, busy, onEnd }: { label: string; busy: boolean; onEnd: () => void }) {
  const { t } = useTranslation('admin');
  return (
    <button type="button" className="button button-small" disabled={busy} onClick={onEnd} aria-label={label}>
      {busy ? t('notices.ending') : t('notices.end')}
    </button>
  );
}

function AnnouncementRow({ a, onSaved }: { a: Announcement; onSaved: (a: Announcement) => void }) {
  const { t } = useTranslation('admin');
  const { busy, error, run } = useAsyncAction();
  const state = phase(null, a.expiresAt);
  return (
    <li className="row">
      <span className="row-main">
        <strong>{a.message}</strong>
        <span className="muted row-sub">
          {t(`notices.severity.${a.severity}`)} · {t('notices.since', { when: formatDateTime(a.createdAt) })}
          {a.expiresAt ? ` · ${t('notices.until', { when: formatDateTime(a.expiresAt) })}` : ''}
        </span>
        <RowError error={error} />
      </span>
      <PhaseBadge state={state} />
      {state !== 'over' && (
        <EndButton
          label={t('notices.endAnnouncement', { message: a.message })}
          busy={busy}
          onEnd={() =>
            void run(async () =>
              onSaved((await api.post('/api/v1/admin/status/announcements/:id/end', undefined, { id: a.id })).announcement),
            )
          }
        />
      )}
    </li>
  );
}

function MaintenanceRow({ m, onSaved }: { m: MaintenanceWindow; onSaved: (m: MaintenanceWindow) => void }) {
  const { t } = useTranslation('admin');
  const { busy, error, run } = useAsyncAction();
  const state = phase(m.startsAt, m.endsAt);
  return (
    <li className="row">
      <span className="row-main">
        <strong>{maintenanceScope(m)}</strong>
        <span className="row-sub">{m.message}</span>
        <span className="muted row-sub">
          {formatDateTime(m.startsAt)} – {formatDateTime(m.endsAt)}
        </span>
        <RowError error={error} />
      </span>
      <PhaseBadge state={state} />
      {state !== 'over' && (
        <EndButton
          label={t('notices.endMaintenance', { scope: maintenanceScope(m) })}
          busy={busy}
          onEnd={() =>
            void run(async () => onSaved((await api.post('/api/v1/admin/status/maintenance/:id/end', undefined, { id: m.id })).maintenance))
          }
        />
      )}
    </li>
  );
}

function AddAnnouncement({ onAdded }: { onAdded: (a: Announcement) => void }) {
  const { t } = useTranslation('admin');
  const [message, setMessage] = useState('');
  const [severity, setSeverity] = useState<AnnouncementSeverity>('info');
  const [until, setUntil] = useState('');
  const { busy, error, run } = useAsyncAction();
  const id = useId();
  const add = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const body = { message, severity, expiresAt: until ? toIso(until) : null };
      onAdded((await api.post('/api/v1/admin/status/announcements', body)).announcement);
      setMessage('');
      setUntil('');
    });
  };
  return (
    <AddRowPanel
      heading={t('notices.announce')}
      submitLabel={t('notices.announce')}
      busy={busy}
      canSubmit={message.trim() !== ''}
      error={error}
      onSubmit={add}
    >
      <div className="field field-span">
        <label htmlFor={`${id}-message`}>{t('notices.message')}</label>
        <input id={`${id}-message`} value={message} maxLength={500} required onChange={(e) => setMessage(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-severity`}>{t('channel.kind')}</label>
        <select id={`${id}-severity`} value={severity} onChange={(e) => setSeverity(e.target.value as AnnouncementSeverity)}>
          <option value="info">{t('notices.severity.info')}</option>
          <option value="warning">{t('notices.severity.warning')}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-until`}>{t('notices.untilOptional')}</label>
        <input id={`${id}-until`} type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
      </div>
    </AddRowPanel>
  );
}

function AddMaintenance({ onAdded }: { onAdded: (m: MaintenanceWindow) => void }) {
  const { t } = useTranslation('admin');
  const services = useApiData(async (signal) => (await api.get('/api/v1/services/status', undefined, signal)).services, []);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [from, setFrom] = useState(() => localInput(new Date()));
  const [to, setTo] = useState(() => localInput(new Date(Date.now() + 3_600_000)));
  const [message, setMessage] = useState('');
  const { busy, error, run } = useAsyncAction();
  const id = useId();
  const add = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const body = { services: chosen, startsAt: toIso(from), endsAt: toIso(to), message };
      onAdded((await api.post('/api/v1/admin/status/maintenance', body)).maintenance);
      setMessage('');
    });
  };
  const toggle = (key: string, on: boolean) =>
    setChosen((list) => {
      const next = on ? [...(list ?? []), key] : (list ?? []).filter((k) => k !== key);
      return next.length === 0 ? null : next;
    });
  return (
    <AddRowPanel
      heading={t('notices.plan')}
      submitLabel={t('notices.plan')}
      busy={busy}
      canSubmit={message.trim() !== '' && from !== '' && to !== ''}
      error={error}
      onSubmit={add}
    >
      <fieldset className="field-span choices">
        <legend>{t('dashboard:services.heading')}</legend>
        <div className="field field-check">
          <input id={`${id}-all`} type="checkbox" checked={chosen === null} onChange={(e) => e.target.checked && setChosen(null)} />
          <label htmlFor={`${id}-all`}>{t('common:banners.allServices')}</label>
        </div>
        {(services.data ?? []).map((s) => (
          <div className="field field-check" key={s.service}>
            <input
              id={`${id}-${s.service}`}
              type="checkbox"
              checked={chosen?.includes(s.service) ?? false}
              onChange={(e) => toggle(s.service, e.target.checked)}
            />
            <label htmlFor={`${id}-${s.service}`}>{s.name}</label>
          </div>
        ))}
      </fieldset>
      <div className="field field-span">
        <label htmlFor={`${id}-message`}>{t('notices.told')}</label>
        <input
          id={`${id}-message`}
          value={message}
          maxLength={500}
          required
          placeholder={t('notices.toldPlaceholder')}
          onChange={(e) => setMessage(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-from`}>{t('notices.from')}</label>
        <input id={`${id}-from`} type="datetime-local" value={from} required onChange={(e) => setFrom(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>{t('notices.to')}</label>
        <input id={`${id}-to`} type="datetime-local" value={to} required onChange={(e) => setTo(e.target.value)} />
      </div>
    </AddRowPanel>
  );
}

/** An add form above the list it adds to (newest first). */
function NoticeSection<T extends { id: number }>(props: {
  list: ApiData<T[]>;
  add: (onAdded: (item: T) => void) => ReactNode;
  heading: string;
  loadingLabel: string;
  empty: string;
  row: (item: T, onSaved: (saved: T) => void) => ReactNode;
}) {
  const { list } = props;
  return (
    <>
      {props.add((item) => list.setData((items) => [item, ...(items ?? [])]))}
      <EditableRowsPanel heading={props.heading} list={list} loadingLabel={props.loadingLabel} empty={props.empty} row={props.row} />
    </>
  );
}

export function AdminStatusPage() {
  const { t } = useTranslation('admin');
  const announcements = useApiData(
    async (signal) => (await api.get('/api/v1/admin/status/announcements', undefined, signal)).announcements,
    [],
  );
  const maintenance = useApiData(async (signal) => (await api.get('/api/v1/admin/status/maintenance', undefined, signal)).maintenance, []);
  return (
    <Page
      title={t('home.tools.status.title')}
      ready={!announcements.loading && !maintenance.loading}
      back={<Link to="/admin">← {t('home.title')}</Link>}
    >
      <NoticeSection
        list={announcements}
        add={(onAdded) => <AddAnnouncement onAdded={onAdded} />}
        heading={t('notices.announcements')}
        loadingLabel={t('notices.loadingAnnouncements')}
        empty={t('notices.noAnnouncements')}
        row={(a, onSaved) => <AnnouncementRow key={a.id} a={a} onSaved={onSaved} />}
      />
      <NoticeSection
        list={maintenance}
        add={(onAdded) => <AddMaintenance onAdded={onAdded} />}
        heading={t('notices.windows')}
        loadingLabel={t('notices.loadingWindows')}
        empty={t('notices.noWindows')}
        row={(m, onSaved) => <MaintenanceRow key={m.id} m={m} onSaved={onSaved} />}
      />
    </Page>
  );
}
