/**
 * /admin/services: the services the dashboard monitors — list, add, edit,
 * enable/disable and remove (GET/POST /api/v1/admin/services,
 * PATCH/DELETE /api/v1/admin/services/:id).
 */
import { useId, useState, type FormEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { MonitoredService } from '../../api/types';
import { AddRowPanel, EditableRowsPanel, EditRowForm, RowActions, RowError } from '../../components/editable-row';
import { Page } from '../../components/page';
import { useApiData } from '../../hooks/use-api-data';
import { useAsyncAction } from '../../hooks/use-async-action';
import { confirmFrom } from '../../hooks/use-focus-next';
import { i18next } from '../../i18n';
import './admin-services-page.css';

interface ServiceDraft {
  name: string;
  url: string;
  enabled: boolean;
}

function ServiceFields({ draft, onChange, idPrefix }: { draft: ServiceDraft; onChange: (d: ServiceDraft) => void; idPrefix: string }) {
  const { t } = useTranslation('admin');
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-name`}>{t('channel.name')}</label>
        <input
          id={`${idPrefix}-name`}
          value={draft.name}
          required
          maxLength={100}
          onChange={(e) => onChange({ ...draft, name: e.target.value })}
        />
      </div>
      <div className="field field-wide">
        <label htmlFor={`${idPrefix}-url`}>{t('services.url')}</label>
        <input
          id={`${idPrefix}-url`}
          type="url"
          inputMode="url"
          value={draft.url}
          required
          placeholder="http://192.168.1.10:8989"
          onChange={(e) => onChange({ ...draft, url: e.target.value })}
        />
      </div>
      <div className="field field-check">
        <input
          id={`${idPrefix}-enabled`}
          type="checkbox"
          checked={draft.enabled}
          onChange={(e) => onChange({ ...draft, enabled: e.target.checked })}
        />
        <label htmlFor={`${idPrefix}-enabled`}>{t('services.monitored')}</label>
      </div>
    </>
  );
}

function ServiceRow({
  service,
  onSaved,
  onDeleted,
}: {
  service: MonitoredService;
  onSaved: (s: MonitoredService) => void;
  onDeleted: (id: number) => void;
}) {
  const { t } = useTranslation('admin');
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<ServiceDraft>({ name: service.name, url: service.url, enabled: service.enabled });
  const { busy, error, run } = useAsyncAction();
  const idPrefix = useId();

  const save = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const body = await api.patch('/api/v1/admin/services/:id', draft, { id: service.id });
      onSaved(body.service);
      setEditing(false);
    });
  };

  const remove = (event: MouseEvent<HTMLButtonElement>) => {
    if (!confirmFrom(event.currentTarget, i18next.t('admin:services.confirmRemove', { name: service.name }))) return;
    void run(async () => {
      await api.delete('/api/v1/admin/services/:id', { id: service.id });
      onDeleted(service.id);
    });
  };

  if (editing) {
    return (
      <EditRowForm
        label={t('common:editItem', { name: service.name })}
        busy={busy}
        error={error}
        onSubmit={save}
        onCancel={() => {
          setDraft({ name: service.name, url: service.url, enabled: service.enabled });
          setEditing(false);
        }}
      >
        <ServiceFields draft={draft} onChange={setDraft} idPrefix={idPrefix} />
      </EditRowForm>
    );
  }
  return (
    <li className="row">
      <span className="row-main">
        <strong>{service.name}</strong>
        <span className="muted row-sub url">{service.url}</span>
        <RowError error={error} />
      </span>
      {!service.enabled && <span className="badge badge-muted">{t('services.notMonitored')}</span>}
      <RowActions name={service.name} busy={busy} onEdit={() => setEditing(true)} onRemove={remove} />
    </li>
  );
}

function AddService({ onAdded }: { onAdded: (s: MonitoredService) => void }) {
  const { t } = useTranslation('admin');
  const empty: ServiceDraft = { name: '', url: '', enabled: true };
  const [draft, setDraft] = useState<ServiceDraft>(empty);
  const { busy, error, run } = useAsyncAction();
  const idPrefix = useId();

  const add = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      onAdded((await api.post('/api/v1/admin/services', draft)).service);
      setDraft(empty);
    });
  };

  return (
    <AddRowPanel
      heading={t('services.addHeading')}
      submitLabel={t('services.add')}
      busy={busy}
      canSubmit={Boolean(draft.name.trim() && draft.url.trim())}
      error={error}
      onSubmit={add}
    >
      <ServiceFields draft={draft} onChange={setDraft} idPrefix={idPrefix} />
    </AddRowPanel>
  );
}

export function AdminServicesPage() {
  const { t } = useTranslation('admin');
  const services = useApiData(async (signal) => (await api.get('/api/v1/admin/services', undefined, signal)).services, []);

  return (
    <Page title={t('home.tools.services.title')} ready={!services.loading} back={<Link to="/admin">← {t('home.title')}</Link>}>
      <AddService onAdded={(created) => services.setData((list) => (list ? [...list, created] : list))} />
      <EditableRowsPanel
        heading={t('dashboard:services.heading')}
        list={services}
        loadingLabel={t('services.loading')}
        empty={t('services.none')}
        row={(s, onSaved, onDeleted) => <ServiceRow key={s.id} service={s} onSaved={onSaved} onDeleted={onDeleted} />}
      />
    </Page>
  );
}
