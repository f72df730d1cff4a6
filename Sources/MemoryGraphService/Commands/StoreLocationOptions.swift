import ArgumentParser

/// The store a service command serves: `--path DIR` (an LMDB store, the default backend) or
/// `--backend lmdb:DIR | postgres://…`.
struct StoreLocationOptions: ParsableArguments {
    @Option(help: "The LMDB store's directory (created when missing); the same as --backend lmdb:PATH.")
    var path: String?
    @Option(
        help: ArgumentHelp(
            "Where the store is: lmdb:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME].",
            valueName: "location"))
    var backend: BackendLocation?

    func validate() throws {
        guard (path == nil) != (backend == nil) else {
            throw ValidationError("give the store with either --path DIR or --backend lmdb:DIR|postgres://…")
        }
    }

    /// Where the store is.
    var location: BackendLocation {
        if let backend { return backend }
        return .lmdb(path: path ?? "")
    }
}
