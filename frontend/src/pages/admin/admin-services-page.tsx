/**
 * /admin/services: the services the dashboard monitors — list, add, edit,
 * enable/disable and remove (GET/POST /api/v1/admin/services,
 * PATCH/DELETE /api/v1/admin/services/:id).
 */
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { MonitoredService } from '../../api/types';
import { AddRowPanel, EditableRowsPanel, EditRowForm, RowActions, RowError } from '../../components/editable-row';
import { Page } from '../../components/page';
import { useApiData } from '../../hooks/use-api-data';
import { useAsyncAction } from '../../hooks/use-async-action';
import './admin-services-page.css';

interface ServiceDraft {
  name: string;
  url: string;
  enabled: boolean;
}

function ServiceFields({ draft, onChange, idPrefix }: { draft: ServiceDraft; onChange: (d: ServiceDraft) => void; idPrefix: string }) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-name`}>Name</label>
        <input
          id={`${idPrefix}-name`}
          value={draft.name}
          required
          maxLength={100}
          onChange={(e) => onChange({ ...draft, name: e.target.value })}
        />
      </div>
      <div className="field field-wide">
        <label htmlFor={`${idPrefix}-url`}>URL</label>
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
        <label htmlFor={`${idPrefix}-enabled`}>Monitored</label>
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

  const remove = () => {
    if (!window.confirm(`Stop monitoring “${service.name}” and remove it?`)) return;
    void run(async () => {
      await api.delete('/api/v1/admin/services/:id', { id: service.id });
      onDeleted(service.id);
    });
  };

  if (editing) {
    return (
      <EditRowForm
        label={`Edit ${service.name}`}
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
      {!service.enabled && <span className="badge badge-muted">Not monitored</span>}
      <RowActions name={service.name} busy={busy} onEdit={() => setEditing(true)} onRemove={remove} />
    </li>
  );
}

function AddService({ onAdded }: { onAdded: (s: MonitoredService) => void }) {
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
      heading="Add a service"
      submitLabel="Add service"
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
  const services = useApiData(async (signal) => (await api.get('/api/v1/admin/services', undefined, signal)).services, []);

  return (
    <Page title="Monitored services" ready={!services.loading} back={<Link to="/admin">← Administration</Link>}>
      <AddService onAdded={(created) => services.setData((list) => (list ? [...list, created] : list))} />
      <EditableRowsPanel
        heading="Services"
        list={services}
        loadingLabel="Loading services"
        empty="No extra services are monitored yet. Add one above."
        row={(s, onSaved, onDeleted) => <ServiceRow key={s.id} service={s} onSaved={onSaved} onDeleted={onDeleted} />}
      />
    </Page>
  );
}
