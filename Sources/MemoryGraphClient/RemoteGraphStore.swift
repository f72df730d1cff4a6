public import MemoryGraphCore

/// A store behind `memory-graph serve` on another host, reached over its REST API.
public enum RemoteGraphStorePlaceholder {}
