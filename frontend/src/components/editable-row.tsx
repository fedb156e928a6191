/**
 * The pieces of an admin list row that can be edited in place and removed
 * (monitored services, notification channels): the inline edit form with
 * Save/Cancel, the Edit/Remove buttons, and the busy/error state of the
 * actions behind them. A removed row's focus goes to the line saying it was
 * removed, above the list.
 */
import { useId, useState, type FormEvent, type MouseEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiData } from '../hooks/use-api-data';
import { useFocusNext } from '../hooks/use-focus-next';
import { EmptyState, ErrorMessage, SkeletonRows } from './feedback';

/** The row in edit mode: the fields, Save and Cancel, and the last error. */
export function EditRowForm(props: {
  label: string;
  busy: boolean;
  error?: string;
  onSubmit: (event: FormEvent) => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation('common');
  return (
    <li className="row row-edit">
      <form className="form form-inline" onSubmit={props.onSubmit} aria-label={props.label}>
        {props.children}
        <div className="form-buttons">
          <button type="submit" className="button button-primary button-small" disabled={props.busy}>
            {props.busy ? t('saving') : t('save')}
          </button>
          <button type="button" className="button button-small button-quiet" onClick={props.onCancel}>
            {t('cancel')}
          </button>
        </div>
        {props.error && <ErrorMessage message={props.error} />}
      </form>
    </li>
  );
}

/** A row action's failure, under the row's name. */
export function RowError({ error }: { error?: string }) {
  if (!error) return null;
  return (
    <span className="field-error" role="alert">
      {error}
    </span>
  );
}

/** The row's buttons: any of its own first, then Edit and Remove (`onRemove` gets the click, to confirm from its button). */
export function RowActions(props: {
  name: string;
  busy: boolean;
  onEdit: () => void;
  onRemove: (event: MouseEvent<HTMLButtonElement>) => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation('common');
  return (
    <span className="row-controls">
      {props.children}
      <button type="button" className="button button-small" onClick={props.onEdit} aria-label={t('editItem', { name: props.name })}>
        {t('edit')}
      </button>
      <button
        type="button"
        className="button button-small button-danger"
        onClick={props.onRemove}
        disabled={props.busy}
        aria-label={t('removeItem', { name: props.name })}
      >
        {t('remove')}
      </button>
    </span>
  );
}

/**
 * A panel listing editable rows: skeleton while loading, the error with a retry,
 * `empty` when there are none. `row` renders one item with the callbacks that
 * replace it in the list after a save or drop it after a removal; after a
 * removal the focus lands on "Removed <name>." under the heading.
 */
export function EditableRowsPanel<T extends { id: number; name?: string }>(props: {
  heading: string;
  list: ApiData<T[]>;
  loadingLabel: string;
  empty: ReactNode;
  row: (item: T, onSaved: (saved: T) => void, onDeleted: (id: number) => void) => ReactNode;
}) {
  const { t } = useTranslation('common');
  const headingId = useId();
  const focus = useFocusNext();
  // `count` remounts the line at each removal, so it takes the focus again.
  const [removed, setRemoved] = useState<{ name: string | undefined; count: number }>();
  const { list } = props;
  const update = (fn: (items: T[]) => T[]) => list.setData((items) => (items ? fn(items) : items));
  const onDeleted = (id: number) => {
    const gone = list.data?.find((x) => x.id === id);
    update((items) => items.filter((x) => x.id !== id));
    if (!gone) return;
    setRemoved((last) => ({ name: gone.name, count: (last?.count ?? 0) + 1 }));
    focus.moveFocus();
  };
  return (
    <section aria-labelledby={headingId} className="panel">
      <h2 id={headingId}>{props.heading}</h2>
      {removed && (
        <p key={removed.count} className="muted" role="status" tabIndex={-1} ref={focus.target}>
          {removed.name ? t('removedItem', { name: removed.name }) : t('removed')}
        </p>
      )}
      {list.loading ? (
        <SkeletonRows count={3} label={props.loadingLabel} />
      ) : list.error ? (
        <ErrorMessage message={list.error} onRetry={list.reload} />
      ) : !list.data || list.data.length === 0 ? (
        <EmptyState>{props.empty}</EmptyState>
      ) : (
        <ul className="rows">
          {list.data.map((item) =>
            props.row(item, (saved) => update((items) => items.map((x) => (x.id === saved.id ? saved : x))), onDeleted),
          )}
        </ul>
      )}
    </section>
  );
}

/** The panel that adds a row: its fields, one submit button and the last error. */
export function AddRowPanel(props: {
  heading: string;
  submitLabel: string;
  busy: boolean;
  canSubmit: boolean;
  error?: string;
  onSubmit: (event: FormEvent) => void;
  children: ReactNode;
}) {
  const { t } = useTranslation('common');
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="panel">
      <h2 id={headingId}>{props.heading}</h2>
      <form className="form form-inline" onSubmit={props.onSubmit}>
        {props.children}
        <div className="form-buttons">
          <button type="submit" className="button button-primary" disabled={props.busy || !props.canSubmit}>
            {props.busy ? t('adding') : props.submitLabel}
          </button>
        </div>
        {props.error && <ErrorMessage message={props.error} />}
      </form>
    </section>
  );
}
