/**
 * /admin/services: the services the dashboard monitors — list, add, edit,
 * enable/disable and remove (GET/POST /api/v1/admin/services,
 * PATCH/DELETE /api/v1/admin/services/:id).
 */
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, messageOf } from '../../api/client';
import type { MonitoredService } from '../../api/types';
import { EmptyState, ErrorMessage, SkeletonRows } from '../../components/feedback';
import { Page } from '../../components/page';
import { useApiData } from '../../hooks/use-api-data';

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const idPrefix = useId();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = await api.patch('/api/v1/admin/services/:id', draft, { id: service.id });
      onSaved(body.service);
      setEditing(false);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!window.confirm(`Stop monitoring “${service.name}” and remove it?`)) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.delete('/api/v1/admin/services/:id', { id: service.id });
      onDeleted(service.id);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  if (editing) {
    return (
      <li className="row row-edit">
        <form className="form form-inline" onSubmit={save} aria-label={`Edit ${service.name}`}>
          <ServiceFields draft={draft} onChange={setDraft} idPrefix={idPrefix} />
          <div className="form-buttons">
            <button type="submit" className="button button-primary button-small" disabled={busy}>
              {busy ? 'Saving…' : 'Save'}
            </button>
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => {
                setDraft({ name: service.name, url: service.url, enabled: service.enabled });
                setEditing(false);
              }}
            >
              Cancel
            </button>
          </div>
          {error && <ErrorMessage message={error} />}
        </form>
      </li>
    );
  }
  return (
    <li className="row">
      <span className="row-main">
        <strong>{service.name}</strong>
        <span className="muted row-sub url">{service.url}</span>
        {error && (
          <span className="field-error" role="alert">
            {error}
          </span>
        )}
      </span>
      {!service.enabled && <span className="badge badge-muted">Not monitored</span>}
      <span className="row-controls">
        <button type="button" className="button button-small" onClick={() => setEditing(true)} aria-label={`Edit ${service.name}`}>
          Edit
        </button>
        <button
          type="button"
          className="button button-small button-danger"
          onClick={remove}
          disabled={busy}
          aria-label={`Remove ${service.name}`}
        >
          Remove
        </button>
      </span>
    </li>
  );
}

function AddService({ onAdded }: { onAdded: (s: MonitoredService) => void }) {
  const empty: ServiceDraft = { name: '', url: '', enabled: true };
  const [draft, setDraft] = useState<ServiceDraft>(empty);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const idPrefix = useId();

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onAdded((await api.post('/api/v1/admin/services', draft)).service);
      setDraft(empty);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="add-service-heading" className="panel">
      <h2 id="add-service-heading">Add a service</h2>
      <form className="form form-inline" onSubmit={add}>
        <ServiceFields draft={draft} onChange={setDraft} idPrefix={idPrefix} />
        <div className="form-buttons">
          <button type="submit" className="button button-primary" disabled={busy || !draft.name.trim() || !draft.url.trim()}>
            {busy ? 'Adding…' : 'Add service'}
          </button>
        </div>
        {error && <ErrorMessage message={error} />}
      </form>
    </section>
  );
}

export function AdminServicesPage() {
  const services = useApiData(async (signal) => (await api.get('/api/v1/admin/services', undefined, signal)).services, []);
  const update = (fn: (list: MonitoredService[]) => MonitoredService[]) => services.setData((list) => (list ? fn(list) : list));

  return (
    <Page title="Monitored services" ready={!services.loading} back={<Link to="/admin">← Administration</Link>}>
      <AddService onAdded={(created) => update((list) => [...list, created])} />
      <section aria-labelledby="services-list-heading" className="panel">
        <h2 id="services-list-heading">Services</h2>
        {services.loading ? (
          <SkeletonRows count={3} label="Loading services" />
        ) : services.error ? (
          <ErrorMessage message={services.error} onRetry={services.reload} />
        ) : !services.data || services.data.length === 0 ? (
          <EmptyState>No extra services are monitored yet. Add one above.</EmptyState>
        ) : (
          <ul className="rows">
            {services.data.map((s) => (
              <ServiceRow
                key={s.id}
                service={s}
                onSaved={(saved) => update((list) => list.map((x) => (x.id === saved.id ? saved : x)))}
                onDeleted={(id) => update((list) => list.filter((x) => x.id !== id))}
              />
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}
