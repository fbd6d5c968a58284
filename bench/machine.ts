/** The machine a benchmark ran on, as every report records it. */
import { cpus, release } from 'node:os';
import { z } from 'zod';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  nodeVersion: string;
  platform: string;
  arch: string;
  /** os.release(): the kernel version on Linux and macOS, the build number on Windows. */
  kernel: string;
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    nodeVersion: process.version,
    platform: process.platform,
    arch: process.arch,
    kernel: release(),
  };
}

/** MachineInfo as a zod schema, for the benches' report schemas. */
export const machineSchema = z.object({
  cpuModel: z.string(),
  cores: z.number().int().positive(),
  nodeVersion: z.string(),
  platform: z.string(),
  arch: z.string(),
  kernel: z.string(),
});
