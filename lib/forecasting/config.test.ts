import { describe, expect, it } from 'vitest';
import { ForecastingConfigError, MAX_PRODUCT_NAME_LENGTH, productNameProblem, readForecastingConfig as readConfig } from './config';

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

describe('product names', () => {
  it('accepts names up to the limit and refuses longer ones and control characters, saying why', () => {
    expect(productNameProblem('Pão de Açúcar')).toBeNull();
    expect(productNameProblem('x'.repeat(MAX_PRODUCT_NAME_LENGTH))).toBeNull();
    expect(productNameProblem('x'.repeat(MAX_PRODUCT_NAME_LENGTH + 1))).toBe(`product name is longer than ${MAX_PRODUCT_NAME_LENGTH} characters`);
    expect(productNameProblem('Bolo\u0000')).toBe('product name contains control characters');
    expect(productNameProblem('Bolo\u007f')).toBe('product name contains control characters');
  });
});
