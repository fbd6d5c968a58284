import { parseThroughputArgs, printThroughputSummary, runThroughputBench, writeThroughputReport } from '../../bench/throughput.ts';
import { runCryptoBench, printCryptoSummary, writeCryptoReport } from '../../bench/crypto.ts';
import { UsageError, type Command } from './common.ts';

const help = `Usage: asoc-lab bench <name> [options]

Benchmarks write JSON into reports/ and print a summary.
  throughput   ASoc v1 vs raw node:net over loopback, two processes, delivery measured
               (asoc-lab bench throughput --help for its options)
  crypto       HMAC-SHA256 and SHA-256 with node:crypto and @noble/hashes (tinybench)`;

export const benchCommand: Command = {
  name: 'bench',
  summary: 'run a benchmark (throughput, crypto) and write its JSON into reports/',
  help,
  async run(argv) {
    const [name, ...rest] = argv;
    if (name === 'throughput') {
      const options = parseThroughputArgs(rest);
      if (!options) return 0; // --help was printed
      const report = await runThroughputBench(options);
      printThroughputSummary(report);
      console.log(`report: ${await writeThroughputReport(report, options.out)}`);
      return 0;
    }
    if (name === 'crypto') {
      const report = await runCryptoBench({});
      printCryptoSummary(report);
      console.log(`report: ${await writeCryptoReport(report)}`);
      return 0;
    }
    if (name === undefined || name === '--help' || name === '-h') {
      console.log(help);
      return name === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown benchmark "${name}"\n\n${help}`);
  },
};
