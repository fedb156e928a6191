/** Status badges: request status, service state, library availability and problem reports, as text plus colour. */
import type { Availability, IssueStatus, RequestStatus, ServiceState } from '../api/types';
import './badges.css';

const REQUEST_LABELS: Record<RequestStatus, string> = {
  pending: 'Pending approval',
  approved: 'Approved',
  declined: 'Declined',
  processing: 'Processing',
  available: 'Available',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const REQUEST_TONES: Record<RequestStatus, string> = {
  pending: 'warning',
  approved: 'info',
  declined: 'danger',
  processing: 'info',
  available: 'success',
  failed: 'danger',
  cancelled: 'muted',
};

export function requestStatusLabel(status: RequestStatus): string {
  return REQUEST_LABELS[status];
}

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  return <span className={`badge badge-${REQUEST_TONES[status]}`}>{REQUEST_LABELS[status]}</span>;
}

const SERVICE_LABELS: Record<ServiceState, string> = { up: 'Up', down: 'Down', degraded: 'Degraded', unknown: 'Unknown' };
const SERVICE_TONES: Record<ServiceState, string> = { up: 'success', down: 'danger', degraded: 'warning', unknown: 'muted' };

export function ServiceBadge({ status }: { status: ServiceState }) {
  return <span className={`badge badge-${SERVICE_TONES[status]}`}>{SERVICE_LABELS[status]}</span>;
}

const AVAILABILITY_LABELS: Record<Availability, string> = {
  available: 'Available',
  partially_available: 'Partly available',
  processing: 'Processing',
  requested: 'Requested',
  none: 'Not in library',
};
const AVAILABILITY_TONES: Record<Availability, string> = {
  available: 'success',
  partially_available: 'info',
  processing: 'info',
  requested: 'warning',
  none: 'muted',
};

export function AvailabilityBadge({ availability }: { availability: Availability }) {
  return <span className={`badge badge-${AVAILABILITY_TONES[availability]}`}>{AVAILABILITY_LABELS[availability]}</span>;
}

export function IssueStatusBadge({ status }: { status: IssueStatus }) {
  return status === 'resolved' ? <span className="badge badge-success">Resolved</span> : <span className="badge badge-warning">Open</span>;
}
