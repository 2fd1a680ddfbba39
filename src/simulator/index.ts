/**
 * The built-in simulated provider: a real HTTP server speaking docs/provider.md, used when no
 * AIMLAPI_KEY is configured and by tests that need a provider that fails on demand. It imports
 * nothing of the gateway (only helpers of src/lib), so it cannot share the gateway's mistakes.
 */
export { startSimulator } from './server.js';
export { creditsFor, defaultGenerateMs } from './lifecycle.js';
export { BEHAVIOURS } from './types.js';
export { SIM_MODELS, SIM_PATHS } from './spec.js';
export type { AspectRatio, Duration, GenerationPath, Model, Resolution, Style } from './spec.js';
export type {
  Behaviour,
  CreateRecord,
  ExpireOptions,
  Fault,
  FaultStatus,
  GenerateMsFn,
  InjectOptions,
  NextOptions,
  Outage,
  OutageMode,
  OutageOptions,
  Simulator,
  SimulatorOptions,
  SimulatorStats,
} from './types.js';
