/**
 * Season-by-season requests of a show: the ticked seasons, and sending them
 * as one request (POST /api/v1/media/requests with `seasons`); then the
 * quota and the title are read again.
 */
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { TitleDetails } from '../api/types';
import { useAsyncAction } from './use-async-action';

export interface SentSeasons {
  requestId: number;
  seasons: number[];
}

export function useSeasonRequest(title: TitleDetails, afterRequest: () => void) {
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [sent, setSent] = useState<SentSeasons>();
  const { busy, error, run } = useAsyncAction();
  const toggle = (season: number) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(season)) next.delete(season);
      else next.add(season);
      return next;
    });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const seasons = [...selected].sort((a, b) => a - b);
    if (seasons.length === 0 || busy) return;
    void run(async () => {
      try {
        const { request } = await api.post('/api/v1/media/requests', { mediaType: 'tv', tmdbId: title.tmdbId, seasons });
        setSent({ requestId: request.id, seasons });
        setSelected(new Set());
      } finally {
        afterRequest();
      }
    });
  };
  return { selected, toggle, submit, sending: busy, error, sent };
}
