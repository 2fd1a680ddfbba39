/**
 * Runs the simulator on its own, for pointing a gateway (or curl) at it:
 *   PORT=4010 npx tsx src/simulator/main.ts
 * The only file of the simulator that reads the environment.
 */
import { SIM_MODELS, SIM_PATHS, startSimulator } from './index.js';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return value;
}

const port = intFromEnv('PORT', 4010);
if (port > 65535) {
  console.error(`PORT must be at most 65535, got ${port}`);
  process.exit(1);
}

try {
  const simulator = await startSimulator({
    port,
    host: process.env.HOST || '127.0.0.1',
    apiKey: process.env.SIM_API_KEY || undefined,
    queueMs: intFromEnv('SIM_QUEUE_MS', 3000),
    ...(process.env.SIM_GENERATE_MS ? { generateMs: intFromEnv('SIM_GENERATE_MS', 0) } : {}),
    publicUrl: process.env.SIM_PUBLIC_URL || undefined,
  });
  console.log(`Simulated AI/ML API provider listening on ${simulator.url}`);
  console.log(`Point a gateway at it with: AIMLAPI_BASE_URL=${simulator.url} AIMLAPI_KEY=${simulator.apiKey}`);
  console.log(`Models: ${Object.values(SIM_MODELS).join(', ')}; on ${SIM_PATHS.vendor} and ${SIM_PATHS.universal}`);
  console.log('Prompt tags: [sim:fail], [sim:legacy], [sim:never], [sim:late=30000], ... (see src/simulator/types.ts)');

  const shutdown = (): void => {
    void simulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  console.error(`Simulator could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
