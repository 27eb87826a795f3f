import { describe, expect, it } from 'vitest';
import { decideBackends, looksSoftware, type BackendCapabilities } from './backend-policy';
import { createNodeHost } from './host-node';

const gpu: BackendCapabilities = {
  webgpu: { available: true, software: false, adapter: 'nvidia' },
  webgl: { available: true, software: false },
  wasm: { available: true },
};
const software: BackendCapabilities = {
  webgpu: { available: true, software: true, adapter: 'google swiftshader' },
  webgl: { available: true, software: true },
  wasm: { available: true },
};
const noWebgpu: BackendCapabilities = {
  webgpu: { available: false, software: false, problem: 'navigator.gpu is missing' },
  webgl: { available: true, software: true },
  wasm: { available: true },
};

describe('decideBackends', () => {
  it('uses WebGPU for everything on a real GPU', () => {
    expect(decideBackends('auto', gpu, { trainsConvLayers: true })).toMatchObject({ ok: true, train: 'webgpu', features: null });
  });
  it('trains a frozen-trunk head on WASM with a software adapter', () => {
    expect(decideBackends('auto', software, { trainsConvLayers: false })).toMatchObject({ ok: true, train: 'wasm', features: null });
  });
  it('trains convolutions on WASM when the gradient kernels are registered (software adapter)', () => {
    const withKernels = { ...software, wasm: { available: true, trainsConvolutions: true } };
    expect(decideBackends('auto', withKernels, { trainsConvLayers: true })).toMatchObject({ ok: true, train: 'wasm', features: null });
    expect(decideBackends('wasm', withKernels, { trainsConvLayers: true })).toMatchObject({ ok: true, train: 'wasm' });
    expect(decideBackends('auto', { ...gpu, wasm: withKernels.wasm }, { trainsConvLayers: true })).toMatchObject({ train: 'webgpu' });
  });
  it('never trains convolutions on WASM without the gradient kernels', () => {
    const d = decideBackends('auto', software, { trainsConvLayers: true });
    expect(d).toMatchObject({ ok: true, train: 'webgpu', features: 'wasm' });
    const forced = decideBackends('wasm', software, { trainsConvLayers: true });
    expect(forced.ok).toBe(false);
  });
  it('explains a missing WebGPU and falls back', () => {
    const d = decideBackends('auto', noWebgpu, { trainsConvLayers: true });
    expect(d).toMatchObject({ ok: true, train: 'webgl', features: 'wasm' });
    expect(d.ok && d.reason).toContain('WebGPU not available');
  });
  it('honours a forced backend even on a software adapter', () => {
    expect(decideBackends('webgpu', software, { trainsConvLayers: false })).toMatchObject({ ok: true, train: 'webgpu', features: null });
  });
  it('fails clearly when a forced backend is missing', () => {
    const d = decideBackends('webgpu', noWebgpu, { trainsConvLayers: false });
    expect(d.ok).toBe(false);
    expect(!d.ok && d.message).toMatch(/WebGPU .*not available/);
  });
  it('falls back to CPU when nothing else exists', () => {
    const none: BackendCapabilities = {
      webgpu: { available: false, software: false },
      webgl: { available: false, software: false },
      wasm: { available: false },
    };
    expect(decideBackends('auto', none, { trainsConvLayers: true })).toMatchObject({ ok: true, train: 'cpu' });
  });
  it('recognises software renderers', () => {
    expect(looksSoftware('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))')).toBe(true);
    expect(looksSoftware('NVIDIA GeForce RTX 3060')).toBe(false);
  });
});

describe('the Node host uses the shared policy', () => {
  const plan = (backend: 'auto' | 'wasm' | 'cpu' | 'webgpu') =>
    ({ train: { backend }, nodeIds: { train: 'train' } }) as unknown as Parameters<ReturnType<typeof createNodeHost>['selectBackends']>[0];
  it('frozen trunk → WASM; trainable convs → WASM too (gradient kernels); browser-only choice → the automatic choice', async () => {
    const host = createNodeHost();
    expect((await host.selectBackends(plan('auto'), { trainsConvLayers: false })).train).toBe('wasm');
    expect((await host.selectBackends(plan('auto'), { trainsConvLayers: true })).train).toBe('wasm');
    const webgpu = await host.selectBackends(plan('webgpu'), { trainsConvLayers: false });
    expect(webgpu.train).toBe('wasm');
    expect(webgpu.reason).toMatch(/not available in Node/);
    expect((await host.selectBackends(plan('cpu'), { trainsConvLayers: false })).train).toBe('cpu');
    expect((await host.selectBackends(plan('wasm'), { trainsConvLayers: true })).train).toBe('wasm');
  });
});
