import { describe, expect, it } from 'vitest';
import { chooseQueue, servedQueues } from './routing';

describe('chooseQueue', () => {
  it('sends heavy jobs to the GPU queue only while a GPU grader is alive', () => {
    expect(chooseQueue({ workMacs: 2e13, gpuWorkers: 1, gpuMinWorkMacs: 5e12 })).toBe('gpu');
    expect(chooseQueue({ workMacs: 2e13, gpuWorkers: 0, gpuMinWorkMacs: 5e12 })).toBe('general');
    expect(chooseQueue({ workMacs: 1e12, gpuWorkers: 1, gpuMinWorkMacs: 5e12 })).toBe('general');
    expect(chooseQueue({ workMacs: 1, gpuWorkers: 1, gpuMinWorkMacs: 0 })).toBe('gpu');
    expect(chooseQueue({ workMacs: null, gpuWorkers: 1, gpuMinWorkMacs: 0 })).toBe('general');
  });
});

describe('servedQueues', () => {
  it('serves the GPU queue first on a GPU backend, the general queue alone elsewhere', () => {
    expect(servedQueues('auto', 'node-gpu')).toEqual(['gpu', 'general']);
    expect(servedQueues('auto', 'wasm')).toEqual(['general']);
  });
  it('takes an explicit list and names a wrong entry', () => {
    expect(servedQueues('gpu', 'wasm')).toEqual(['gpu']);
    expect(servedQueues('gpu, general,gpu', 'cpu')).toEqual(['gpu', 'general']);
    expect(() => servedQueues('gpu,tpu', 'cpu')).toThrow(/"tpu"/);
  });
});
