'use client';

import type { RedisNodeInfo, RedisTopologyInfo } from '@/lib/api-types';
import type { Messages } from '@/lib/i18n/messages';
import type { Format } from '../format';
import { useFormat, useMessages } from '../i18n/locale-context';
import { useCacheInfo } from '../use-api';

const STATUS_STYLE: Record<RedisTopologyInfo['status'], string> = {
  ok: 'bg-emerald-100 text-emerald-900 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-700',
  degraded: 'bg-amber-100 text-amber-950 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-700',
  down: 'bg-red-100 text-red-900 ring-red-300 dark:bg-red-950 dark:text-red-200 dark:ring-red-700',
};

function roleDetail(node: RedisNodeInfo, t: Messages['topology'], format: Format): string {
  if (node.role === 'replica') return node.master_address ? t.replicaOf(node.master_address) : t.roles.replica;
  if (node.role === 'master' && node.slots !== null) return t.masterSlots(format.int(node.slots));
  return t.roles[node.role];
}

/**
 * The Redis deployment (standalone, Sentinel or Cluster): every node with its role, up/down, memory and keys, and
 * what is wrong when a node is down. Fed by the same cache-info poll as the rest of the overview. The problems are
 * the API's own sentences (English): they name nodes and addresses the dashboard has no code for.
 */
export function RedisTopology() {
  const { data, error } = useCacheInfo();
  const messages = useMessages();
  const t = messages.topology;
  const format = useFormat();
  const topology = data?.topology;
  if (!topology) {
    return <p className="text-sm text-slate-600 dark:text-slate-300">{error ? t.unavailable : messages.common.loadingLower}</p>;
  }
  return (
    <div className={`space-y-3 ${error ? 'opacity-60' : ''}`} data-stale={error ? true : undefined}>
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium" data-testid="topology-mode">
          {t.modes[topology.mode]}
        </span>
        <span
          data-testid="topology-status"
          className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${STATUS_STYLE[topology.status]}`}
        >
          {t.statuses[topology.status]}
        </span>
        <span className="text-slate-600 dark:text-slate-300">
          {t.nodesUp(format.int(topology.nodes.filter((n) => n.up).length), format.int(topology.nodes.length))}
        </span>
      </p>
      {topology.problems.length > 0 ? (
        <ul className="list-inside list-disc text-sm text-amber-900 dark:text-amber-200" data-testid="topology-problems" lang="en">
          {topology.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="topology-nodes">
          <caption className="sr-only">{t.caption}</caption>
          <thead>
            <tr className="text-left text-xs text-slate-600 dark:text-slate-300">
              <th scope="col" className="pb-1 font-medium">
                {t.node}
              </th>
              <th scope="col" className="pb-1 font-medium">
                {t.role}
              </th>
              <th scope="col" className="pb-1 font-medium">
                {t.state}
              </th>
              <th scope="col" className="pb-1 text-right font-medium">
                {t.memory}
              </th>
              <th scope="col" className="hidden pb-1 text-right font-medium sm:table-cell">
                {t.keys}
              </th>
            </tr>
          </thead>
          <tbody>
            {topology.nodes.map((node) => (
              <tr key={`${node.role}-${node.address}`} className="border-t border-slate-100 dark:border-slate-800" data-testid="topology-node">
                <th scope="row" className="py-1.5 pr-2 text-left font-mono text-xs font-normal break-all">
                  {node.address}
                </th>
                <td className="py-1.5 pr-2">{roleDetail(node, t, format)}</td>
                <td className="py-1.5 pr-2">
                  {node.up ? (
                    <span className="text-emerald-800 dark:text-emerald-300">{t.up}</span>
                  ) : (
                    <span className="font-semibold text-red-800 dark:text-red-300">{t.down}</span>
                  )}
                </td>
                <td className="tabular py-1.5 text-right">{format.bytes(node.used_memory)}</td>
                <td className="tabular hidden py-1.5 text-right sm:table-cell">{format.int(node.keys)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
