// The package ships no types: the Redis Cluster slot (0–16383) of a key, honouring its hash tag.
declare module 'cluster-key-slot' {
  function clusterKeySlot(key: string | Buffer): number;
  export default clusterKeySlot;
}
