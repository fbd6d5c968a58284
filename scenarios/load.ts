/** Reads a scenario file: YAML → schema → a Scenario, or a ScenarioError naming every bad field. */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
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

/** Validates already-parsed data (a YAML document's value). */
function validateScenario(data: unknown, origin = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(data, { error: scenarioErrorMap });
  if (result.success) return result.data;
  throw new ScenarioError(
    origin,
    result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
  );
}

/** Parses YAML text; a YAML syntax error is a ScenarioError with its line and column. */
export function parseScenario(text: string, origin = 'scenario'): Scenario {
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
  return validateScenario(document.toJS(), origin);
}

export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(path, [(err as Error).message]);
  }
  return parseScenario(text, path);
}
