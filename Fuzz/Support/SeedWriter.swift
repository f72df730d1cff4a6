import Foundation

/// When the environment variable `FUZZ_WRITE_SEEDS` names a directory, writes each seed there
/// as a file named after its key and exits; `make fuzz-seeds` regenerates `Fuzz/Corpus` this way.
///
/// Called from `LLVMFuzzerInitialize`, before libFuzzer reads its corpus.
func writeSeedsIfRequested(_ seeds: () -> [String: [UInt8]]) {
    guard let directory = ProcessInfo.processInfo.environment["FUZZ_WRITE_SEEDS"] else { return }
    let folder = URL(fileURLWithPath: directory, isDirectory: true)
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, bytes) in seeds() {
            try Data(bytes).write(to: folder.appendingPathComponent(name))
        }
    } catch {
        FileHandle.standardError.write(Data("cannot write seeds to \(directory): \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}

/// libFuzzer's start-up hook for every target: each target's file defines its `seeds`.
@_cdecl("LLVMFuzzerInitialize")
public func initializeFuzzer(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    writeSeedsIfRequested(seeds)
    return 0
}
