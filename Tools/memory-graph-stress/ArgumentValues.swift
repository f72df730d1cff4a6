public import ArgumentParser
public import MemoryGraph

/// `--durability full|noMetaSync|noSync`.
extension MemoryGraph.Durability: ExpressibleByArgument {}

/// `--strategy immediate|batch|lazy`.
extension MemoryGraph.IndexUpdateStrategy: ExpressibleByArgument {}
