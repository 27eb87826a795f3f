/**
 * The backend policy, one copy for every host: a pure function of what the host offers (capabilities). The browser
 * worker probes WebGPU/WebGL/WASM (host-browser/host.ts `probeCapabilities`); the Node host offers WASM and CPU
 * only. Unit tested in Node.
 *
 * Why these rules:
 * - A real GPU adapter makes WebGPU the fastest for everything.
 * - A software WebGPU adapter (SwiftShader, "fallback adapter") runs shaders on the CPU; there the WASM backend
 *   (SIMD + threads) computes trunk features much faster. tfjs-wasm itself has no convolution gradient kernels;
 *   Graft registers its own (`kernels/register.ts`, capability `wasm.trainsConvolutions`), so WASM also
 *   fine-tunes conv layers on machines without a GPU. Without them, WASM trains only a fully frozen trunk's head
 *   and conv layers train on a conv-capable backend (WebGPU > WebGL > CPU).
 * - A backend forced on the Train node is used for training as asked (features too), or the run fails with a
 *   clear message on the Train node: silently using something else would make the choice meaningless.
 */
import type { BackendChoice } from '../core/plan';
import type { BackendName } from './types';

export interface BackendCapabilities {
  webgpu: { available: boolean; software: boolean; adapter?: string; problem?: string };
  webgl: { available: boolean; software: boolean; renderer?: string; problem?: string };
  /** `trainsConvolutions`: the convolution gradient kernels are registered for WASM (kernels/register.ts). */
  wasm: { available: boolean; trainsConvolutions?: boolean; problem?: string };
}

export type BackendDecision =
  | { ok: true; train: BackendName; features: BackendName | null; reason: string; adapter?: string }
  | { ok: false; message: string };

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

export function decideBackends(
  choice: BackendChoice,
  caps: BackendCapabilities,
  needs: { trainsConvLayers: boolean },
): BackendDecision {
  const adapter = caps.webgpu.adapter;
  if (choice !== 'auto') {
    if (choice === 'cpu') return { ok: true, train: 'cpu', features: null, reason: 'CPU forced on the Train node.', adapter };
    const cap = caps[choice];
    if (!cap.available) {
      return {
        ok: false,
        message: `${LABEL[choice]} was chosen on the Train node but is not available in this browser` +
          `${cap.problem ? ` (${cap.problem})` : ''}. Choose "auto" to use the best available backend.`,
      };
    }
    if (choice === 'wasm' && needs.trainsConvLayers && !caps.wasm.trainsConvolutions) {
      return {
        ok: false,
        message:
          'WASM cannot train convolution layers (it has no Conv2DBackpropFilter kernel). Freeze the whole trunk ' +
          'in Freeze Layers, or choose another backend on the Train node.',
      };
    }
    const software = choice === 'webgpu' ? caps.webgpu.software : choice === 'webgl' ? caps.webgl.software : false;
    return {
      ok: true,
      train: choice,
      features: null,
      reason: `${LABEL[choice]} forced on the Train node${software ? ' (software adapter: slower than a real GPU)' : ''}.`,
      adapter,
    };
  }

  const noWebgpuNote = caps.webgpu.available
    ? ''
    : `WebGPU not available${caps.webgpu.problem ? ` (${caps.webgpu.problem})` : ''}; `;

  if (caps.webgpu.available && !caps.webgpu.software) {
    return { ok: true, train: 'webgpu', features: null, reason: 'GPU adapter found: WebGPU for everything.', adapter };
  }
  if (!caps.webgpu.available && caps.webgl.available && !caps.webgl.software) {
    return { ok: true, train: 'webgl', features: null, reason: `${noWebgpuNote}WebGL on the GPU for everything.`, adapter };
  }

  // Software-only graphics (or none): WASM is the fast path for inference.
  const softwareNote = caps.webgpu.available ? 'Software WebGPU adapter (no GPU); ' : noWebgpuNote;
  const convCapable: BackendName = caps.webgpu.available ? 'webgpu' : caps.webgl.available ? 'webgl' : 'cpu';
  if (caps.wasm.available) {
    if (needs.trainsConvLayers && caps.wasm.trainsConvolutions) {
      return {
        ok: true,
        train: 'wasm',
        features: null,
        reason: `${softwareNote}everything on WASM, convolution layers included (Graft's gradient kernels; fastest on CPU).`,
        adapter,
      };
    }
    if (!needs.trainsConvLayers) {
      return {
        ok: true,
        train: 'wasm',
        features: null,
        reason: `${softwareNote}trunk fully frozen: features and head training on WASM (fastest on CPU).`,
        adapter,
      };
    }
    return {
      ok: true,
      train: convCapable,
      features: 'wasm',
      reason:
        `${softwareNote}frozen trunk features on WASM; convolution layers train on ${LABEL[convCapable]} ` +
        '(WASM cannot train convolutions).',
      adapter,
    };
  }
  return {
    ok: true,
    train: convCapable,
    features: null,
    reason: `${softwareNote}WASM not available${caps.wasm.problem ? ` (${caps.wasm.problem})` : ''}; using ${LABEL[convCapable]}.`,
    adapter,
  };
}

/**
 * "Auto" candidates: the backends that can run this plan at all, in the rules' order of preference (the order the
 * probe measures them in; backend-probe.ts then picks by measured speed). Rules only filter here: a backend that is
 * missing, or WASM without convolution gradients when conv layers train, cannot work; slow-but-working backends
 * (software adapters, CPU) stay candidates and lose, or win, on the measurement.
 */
export function autoCandidates(
  caps: BackendCapabilities,
  needs: { trainsConvLayers: boolean },
): { candidates: BackendName[]; excluded: string[] } {
  const excluded: string[] = [];
  const usable: BackendName[] = [];
  for (const name of ['webgpu', 'webgl', 'wasm'] as const) {
    const cap = caps[name];
    if (!cap.available) excluded.push(`${LABEL[name]} not available${cap.problem ? ` (${cap.problem})` : ''}`);
    else if (name === 'wasm' && needs.trainsConvLayers && !caps.wasm.trainsConvolutions) {
      excluded.push('WASM cannot train convolution layers here (no gradient kernels)');
    } else usable.push(name);
  }
  usable.push('cpu');
  const rules = decideBackends('auto', caps, needs);
  const preferred = rules.ok ? [rules.train, ...(rules.features ? [rules.features] : [])] : [];
  const candidates = [...new Set([...preferred.filter((b) => usable.includes(b)), ...usable])];
  return { candidates, excluded };
}

/** Heuristic: renderer/adapter strings of CPU-emulated graphics. */
export function looksSoftware(text: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|lavapipe|microsoft basic render/i.test(text);
}
