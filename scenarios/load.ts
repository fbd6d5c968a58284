/** Reads a scenario file: YAML → schema → a Scenario, or a ScenarioError naming every bad field. */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { formatPath, scenarioErrorMap, scenarioSchema, type Scenario } from './schema.ts';

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';

  constructor(
    readonly origin: string,
    /** One line per problem: "topology.links[2].latencyMs: expected number, got string". */
    readonly problems: readonly string[],
  ) {
    super(`${origin} is not a valid scenario:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** Validates already-parsed data against `schema`; problems are "path: message", paths under `prefix`. */
export function validateWith<Schema extends z.ZodType>(schema: Schema, data: unknown, origin: string, prefix: PropertyKey[] = []): z.output<Schema> {
  const result = schema.safeParse(data, { error: scenarioErrorMap });
  if (result.success) return result.data;
  throw new ScenarioError(
    origin,
    result.error.issues.map((issue) => `${formatPath([...prefix, ...issue.path])}: ${issue.message}`),
  );
}

/** Parses YAML text against `schema`; a YAML syntax error is a ScenarioError with its line and column. */
export function parseYamlWith<Schema extends z.ZodType>(schema: Schema, text: string, origin: string): z.output<Schema> {
  return validateWith(schema, parseYaml(text, origin), origin);
}

/** YAML text as plain data; a syntax error is a ScenarioError with its line and column. */
export function parseYaml(text: string, origin: string): unknown {
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  if (document.errors.length > 0) {
    throw new ScenarioError(
      origin,
      document.errors.map((err) => {
        const at = lines.linePos(err.pos[0]);
        return `line ${at.line}, column ${at.col}: ${err.message}`;
      }),
    );
  }
  return document.toJS();
}

/** The text of a scenario file; an unreadable file is a ScenarioError. */
export function readScenarioText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(path, [(err as Error).message]);
  }
}

export function parseScenario(text: string, origin = 'scenario'): Scenario {
  return parseYamlWith(scenarioSchema, text, origin);
}

export function loadScenario(path: string): Scenario {
  return parseScenario(readScenarioText(path), path);
}
