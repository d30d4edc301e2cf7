/** A wrong environment variable. The message names every offending variable and never a secret's value. */
export class ConfigError extends Error {
  /** The environment variables that were rejected. */
  readonly variables: string[];
  constructor(problems: { variable: string; message: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
    this.variables = problems.map((p) => p.variable);
  }
}
