public import MemoryGraphCore

/// A graph in a PostgreSQL database.
public enum PostgresGraphStorePlaceholder {}
