/** Status badges: request status, service state, library availability and problem reports, as text plus colour. */
import { useTranslation } from 'react-i18next';
import type { Availability, IssueStatus, RequestStatus, ServiceState } from '../api/types';
import { i18next } from '../i18n';
import './badges.css';

const REQUEST_TONES: Record<RequestStatus, string> = {
  pending: 'warning',
  approved: 'info',
  declined: 'danger',
  processing: 'info',
  available: 'success',
  failed: 'danger',
  cancelled: 'muted',
};

/** A request status in words, in the current language (outside components too: live announcements). */
export function requestStatusLabel(status: RequestStatus): string {
  return i18next.t(`common:requestStatus.${status}`);
}

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  const { t } = useTranslation('common');
  return <span className={`badge badge-${REQUEST_TONES[status]}`}>{t(`requestStatus.${status}`)}</span>;
}

const SERVICE_TONES: Record<ServiceState, string> = { up: 'success', down: 'danger', degraded: 'warning', unknown: 'muted' };

export function ServiceBadge({ status }: { status: ServiceState }) {
  const { t } = useTranslation('common');
  return <span className={`badge badge-${SERVICE_TONES[status]}`}>{t(`serviceState.${status}`)}</span>;
}

const AVAILABILITY_TONES: Record<Availability, string> = {
  available: 'success',
  partially_available: 'info',
  processing: 'info',
  requested: 'warning',
  blocklisted: 'muted',
  none: 'muted',
};

export function AvailabilityBadge({ availability }: { availability: Availability }) {
  const { t } = useTranslation('common');
  return <span className={`badge badge-${AVAILABILITY_TONES[availability]}`}>{t(`availability.${availability}`)}</span>;
}

export function IssueStatusBadge({ status }: { status: IssueStatus }) {
  const { t } = useTranslation('common');
  return <span className={`badge badge-${status === 'resolved' ? 'success' : 'warning'}`}>{t(`issueStatus.${status}`)}</span>;
}
