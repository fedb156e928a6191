import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { onResponseClose } from './response-close';

describe('onResponseClose', () => {
  it('runs every callback once, in the order added, from one listener', () => {
    const res = new EventEmitter() as unknown as ServerResponse;
    const ran: string[] = [];
    onResponseClose(res, () => ran.push('span'));
    onResponseClose(res, () => ran.push('metrics'));
    onResponseClose(res, () => ran.push('access line'));
    expect(res.listenerCount('close')).toBe(1);
    res.emit('close');
    res.emit('close');
    expect(ran).toEqual(['span', 'metrics', 'access line']);
  });
});
