import { describe, expect, it } from 'vitest';
import { parseClusterNodes } from './topology';

describe('parseClusterNodes', () => {
  it('reads role, address, master, slot count and failure flags; skips handshakes and migrating slots', () => {
    const text = [
      'a1 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460',
      'b2 127.0.0.1:7002@17002 master,fail - 1 1 2 disconnected',
      'c3 127.0.0.1:7003@17003 master - 0 2 3 connected 5461-10922 10923-16383 [100->-d4]',
      'd4 127.0.0.1:7004@17004,host-4 slave a1 0 3 1 connected',
      'e5 127.0.0.1:7005@17005 slave,fail? c3 0 3 3 connected',
      'f6 :0@0 handshake - 0 0 0 connected',
      '',
    ].join('\n');
    expect(parseClusterNodes(text)).toEqual([
      { id: 'a1', address: '127.0.0.1:7001', master: true, masterId: '-', failing: false, slots: 5461 },
      { id: 'b2', address: '127.0.0.1:7002', master: true, masterId: '-', failing: true, slots: 0 },
      { id: 'c3', address: '127.0.0.1:7003', master: true, masterId: '-', failing: false, slots: 10923 },
      { id: 'd4', address: '127.0.0.1:7004', master: false, masterId: 'a1', failing: false, slots: 0 },
      { id: 'e5', address: '127.0.0.1:7005', master: false, masterId: 'c3', failing: true, slots: 0 },
    ]);
  });
});
