/** Our cache's contenders — filled in once lib/redis-cache is on main. */
import type { ContenderFactory } from './contenders';

export const oursContenders: ContenderFactory[] = [];
