/** The machine a benchmark ran on, as every report records it. */
import { readFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { z } from 'zod';
import { measuringSettingsInEffect } from './measuring-node.ts';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  nodeVersion: string;
  platform: string;
  arch: string;
  /** os.release(): the kernel version on Linux and macOS, the build number on Windows. */
  kernel: string;
  /** Which of the measuring Node flags and environment (bench/measuring-node.ts) this process ran with. */
  nodeSettings: string[];
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
    nodeSettings: measuringSettingsInEffect(),
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
  // Reports written before the settings were recorded have none.
  nodeSettings: z.array(z.string()).default([]),
});

/** What one "core" (100 % CPU) is here: /proc/cpuinfo's model name and logical CPU count, and whether it is a VM. */
export interface CoreDescription {
  model: string;
  logical: number;
  /** The CPU flags say "hypervisor" (a virtual CPU, maybe a hyperthread of a shared host); null: unknown. */
  hypervisor: boolean | null;
}

export function coreDescription(): CoreDescription {
  let cpuinfo: string;
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    const info = machineInfo();
    return { model: info.cpuModel, logical: info.cores, hypervisor: null };
  }
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? machineInfo().cpuModel;
  const logical = cpuinfo.match(/^processor\s*:/gm)?.length ?? machineInfo().cores;
  const flags = /^flags\s*:\s*(.+)$/m.exec(cpuinfo)?.[1];
  return { model, logical, hypervisor: flags === undefined ? null : flags.split(/\s+/).includes('hypervisor') };
}
