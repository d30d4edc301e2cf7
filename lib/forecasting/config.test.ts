import { describe, expect, it } from 'vitest';
import { ForecastingConfigError, readForecastingConfig as readConfig } from './config';

const readForecastingConfig = (env: Record<string, string>) => readConfig(env as NodeJS.ProcessEnv);

describe('forecasting configuration', () => {
  it('reads SEED_DEMO_DATA like the cache reads its booleans: case-insensitive, empty = default', () => {
    expect(readForecastingConfig({ SEED_DEMO_DATA: 'FALSE' }).seedDemoData).toBe(false);
    expect(readForecastingConfig({ SEED_DEMO_DATA: ' 0 ' }).seedDemoData).toBe(false);
    expect(readForecastingConfig({ SEED_DEMO_DATA: 'True' }).seedDemoData).toBe(true);
    expect(readForecastingConfig({ SEED_DEMO_DATA: '' }).seedDemoData).toBe(true);
  });

  it('treats an empty DATABASE_PATH as unset (a copied .env with the line emptied)', () => {
    expect(readForecastingConfig({ DATABASE_PATH: '' }).databasePath).toMatch(/data[\\/]sales\.db$/);
  });

  it('names the variable of a wrong value', () => {
    expect(() => readForecastingConfig({ SEED_DEMO_DATA: 'nah' })).toThrow(ForecastingConfigError);
    expect(() => readForecastingConfig({ SEED_DEMO_DATA: 'nah' })).toThrow(/SEED_DEMO_DATA/);
  });
});
