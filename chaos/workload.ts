/** What the drills ask for: the warmed products (the probe product among them) and the warmed day counts. */
export const PROBE_PRODUCT = 'Pão de Açúcar';
export const WARM_PRODUCTS = ['Pão de Açúcar', 'Bolo', 'Baguete', 'Sonho'] as const;
export const WARM_DAYS = [7, 30] as const;
