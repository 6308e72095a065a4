import { describe, expect, it } from 'vitest';
import { submitJob } from './jobs.ts';

describe('job lifecycle', () => {
  it('goes queued -> running -> completed with scaled latency', async () => {
    const t0 = Date.now();
    const job = submitJob({ id: 'j1', backend: 'x', circuits: 1, shots: 10, queueSeconds: 3600, runSeconds: 100, latencyScale: 1e-5, execute: () => 42 });
    expect(job.status).toBe('queued');
    await expect(job.result).resolves.toBe(42);
    expect(job.events.map((e) => e.status)).toEqual(['queued', 'running', 'completed']);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
  it('reports failures', async () => {
    const job = submitJob({ id: 'j2', backend: 'x', circuits: 1, shots: 10, queueSeconds: 0, runSeconds: 0, execute: () => { throw new Error('device error'); } });
    await expect(job.result).rejects.toThrow(/device error/);
    expect(job.status).toBe('failed');
    expect(job.events.at(-1)!.message).toBe('device error');
  });
  it('cancels while queued', async () => {
    const job = submitJob({ id: 'j3', backend: 'x', circuits: 1, shots: 10, queueSeconds: 1000, runSeconds: 0, latencyScale: 1, execute: () => 1 });
    setTimeout(() => job.cancel(), 10);
    await expect(job.result).rejects.toThrow(/cancelled/);
    expect(job.status).toBe('cancelled');
  });
});
