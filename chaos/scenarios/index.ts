/** Every chaos scenario, in the order `npm run chaos` runs them. */
import type { Scenario } from '../types';
import appKill from './app-kill';
import clientPause from './client-pause';
import clusterFailover from './cluster-failover';
import partition from './partition';
import partitionOne from './partition-one';
import postgresRestart from './postgres-restart';
import redisRestart from './redis-restart';
import sentinelFailover from './sentinel-failover';

export const SCENARIOS: Scenario[] = [
  clusterFailover,
  sentinelFailover,
  clientPause,
  redisRestart,
  postgresRestart,
  appKill,
  partition,
  partitionOne,
];
