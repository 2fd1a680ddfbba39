/**
 * The built-in simulated provider: a real HTTP server speaking CONTRACT §1, used when no
 * AIMLAPI_KEY is configured and by tests that need a provider that fails on demand.
 */
export { startSimulator } from './server.js';
export { defaultGenerateMs } from './lifecycle.js';
export { BEHAVIOURS } from './types.js';
export type {
  Behaviour,
  Fault,
  FaultStatus,
  GenerateMsFn,
  InjectOptions,
  Simulator,
  SimulatorOptions,
  SimulatorStats,
} from './types.js';
