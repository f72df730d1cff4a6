// The `MemoryGraph` product: the core API and its embedded LMDB backend under one import, so
// `import MemoryGraph` and `MemoryGraph(path:)` open a store as they always have.
@_exported public import MemoryGraphCore
@_exported public import MemoryGraphLMDB
