"""S10a's twin: approximate k nearest neighbours by hnswlib's HNSW, on one thread.

memory-graph-bench writes, into --directory, what numpy_twin.py reads:
  vectors.f32         the stored vectors, float32 little-endian, row-major (count x dimension)
  queries.f32         the query vectors, the same way (queries x dimension)
  masks.u8            one byte a stored vector for each query (queries x count): 1 where S4's
                      filter keeps the node
and the exact answers the recall is measured against:
  exact.i32           every query's exact top k rows, int32 little-endian (queries x k), best
                      first, -1 where there are fewer than k
  exact-filtered.i32  the same among the rows S4's filter keeps
and, with --broad, S10ab's broad filters (each keeps about half of the nodes):
  masks-broad.u8      one byte a stored vector for each query, as masks.u8
  exact-broad.i32     every query's exact top k among the rows its broad filter keeps

and runs this script, which builds hnswlib.Index(space="cosine") over the vectors (labels: row
indexes) with M = --m and ef_construction = --ef-construction in one add_items call on one
thread, timed, then for each ef of --ef (ascending) measures recall@k and the latency of each
query, one at a time (knn_query on a single vector, k = --k): first an untimed pass that gives
the answers (and the recall), then a tenth of the queries to warm up, then --repetitions timed
runs; the run with the median throughput is reported, as numpy_twin.py does.

Unfiltered, every ef of the ladder is measured. Filtered, S4's filter is given to knn_query as a
Python callable over labels (the `__contains__` of a set of the rows the filter keeps, built
before timing, as numpy_twin.py gets a mask), and a query asks for at most as many neighbours as
the filter keeps (hnswlib raises when it finds fewer than k; a query that still finds too few
counts as answering nothing, "short" below). A selective filter is HNSW's weak spot: the walk meets
few nodes that pass and goes on until it has ef of them, often through the whole graph, so each
filtered query is slow. The filtered ladder therefore measures the recall alone (untimed) from the
smallest ef up, until it reaches the highest of --filtered-targets (comma-separated), and times
only --filtered-ef (64, MemoryGraph's) and the first ef reaching each target. With --broad, the
broad filters (S10ab's) are given the same way, and every ef of the ladder is timed: a filter that
keeps half of the nodes costs the walk little.

It writes JSON to --output: "hnswlib", "numpy", "python" (versions), "build_seconds", and for each
of "unfiltered" and "filtered" a list over the ef timed of {"ef", "recall", "short",
"latencies_ns", "seconds", "p50_ns", "mean_ns"}, and "filtered_recalls", a list over the ef
whose filtered recall was measured of {"ef", "recall", "short"}; with --broad, "broad", as
"unfiltered"; or {"skipped": why} when hnswlib
or NumPy cannot be imported.
"""

import argparse
import json
import os
import statistics
import sys
import time

# One BLAS thread, set before NumPy loads its BLAS (hnswlib itself is told below).
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(variable, "1")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--directory", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--dimension", type=int, required=True)
    parser.add_argument("--queries", type=int, required=True)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=100)
    parser.add_argument("--ef", default="10,16,24,32,48,64,96,128,192,256")
    parser.add_argument("--filtered-targets", default="0.95")
    parser.add_argument("--filtered-ef", type=int, default=64)
    parser.add_argument("--seed", type=int, default=100)
    parser.add_argument("--broad", action="store_true", help="also S10ab's broad filters")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    def write(document):
        with open(args.output, "w", encoding="utf-8") as output:
            json.dump(document, output)

    try:
        import numpy as np
    except ImportError as error:
        write({"skipped": f"{sys.executable} cannot import numpy ({error})"})
        return 0
    try:
        import hnswlib
    except ImportError as error:
        write({"skipped": f"{sys.executable} cannot import hnswlib ({error})"})
        return 0
    try:
        from importlib.metadata import version

        hnswlib_version = version("hnswlib")
    except Exception:  # installed without metadata: the version is unknown
        hnswlib_version = "?"

    def read(name, dtype, shape):
        return np.fromfile(os.path.join(args.directory, name), dtype=dtype).reshape(shape)

    vectors = read("vectors.f32", "<f4", (args.count, args.dimension))
    queries = read("queries.f32", "<f4", (args.queries, args.dimension))
    masks = read("masks.u8", np.uint8, (args.queries, args.count))
    k = args.k
    exact = {
        False: read("exact.i32", "<i4", (args.queries, k)),
        True: read("exact-filtered.i32", "<i4", (args.queries, k)),
    }
    if args.broad:
        exact["broad"] = read("exact-broad.i32", "<i4", (args.queries, k))
    ladder = sorted({int(ef) for ef in args.ef.split(",") if ef.strip()})

    index = hnswlib.Index(space="cosine", dim=args.dimension)
    index.set_num_threads(1)
    start = time.perf_counter_ns()
    index.init_index(max_elements=args.count, ef_construction=args.ef_construction, M=args.m, random_seed=args.seed)
    index.add_items(vectors, np.arange(args.count), num_threads=1)
    build_seconds = (time.perf_counter_ns() - start) / 1e9

    # The filters, before timing: the rows each keeps, as a set whose __contains__ is the callable.
    filters = {True: [set(np.flatnonzero(mask).tolist()) for mask in masks]}
    if args.broad:
        broad = read("masks-broad.u8", np.uint8, (args.queries, args.count))
        filters["broad"] = [set(np.flatnonzero(mask).tolist()) for mask in broad]
        del broad

    def search(query, filtered):
        """The query's top rows, best first (fewer when the filter keeps fewer), and whether it
        found too few for knn_query. `filtered`: False, True (S4's filter) or "broad"."""
        keeps = filters[filtered][query] if filtered else None
        want = min(k, len(keeps)) if filtered else k
        if want == 0:
            return [], False
        try:
            if filtered:
                labels, _ = index.knn_query(queries[query], k=want, num_threads=1, filter=keeps.__contains__)
            else:
                labels, _ = index.knn_query(queries[query], k=want, num_threads=1)
        except RuntimeError:  # fewer than `want` found
            return [], True
        return labels[0].tolist(), False

    def recall(answers, filtered):
        found = 0
        expected = 0
        for query, rows in enumerate(answers):
            truth = {row for row in exact[filtered][query].tolist() if row >= 0}
            found += len(truth.intersection(rows))
            expected += len(truth)
        return found / expected if expected else 1.0

    def answer(ef, filtered):
        """Every query's answer at `ef`, untimed, its recall and how many queries found too few."""
        index.set_ef(ef)
        passes = [search(query, filtered) for query in range(args.queries)]
        return recall([rows for rows, _ in passes], filtered), sum(1 for _, short in passes if short)

    def measure(ef, filtered, answered=None):
        quality, short = answered if answered is not None else answer(ef, filtered)
        index.set_ef(ef)
        for query in range(max(1, args.queries // 10)):
            search(query, filtered)
        runs = []
        for _ in range(args.repetitions):
            latencies = []
            begin = time.perf_counter_ns()
            for query in range(args.queries):
                before = time.perf_counter_ns()
                search(query, filtered)
                latencies.append(time.perf_counter_ns() - before)
            runs.append(((time.perf_counter_ns() - begin) / 1e9, latencies))
        runs.sort(key=lambda entry: -entry[0])  # by throughput, as Measurement.median
        seconds, latencies = runs[len(runs) // 2]
        return {
            "ef": ef,
            "recall": quality,
            "short": short,
            "latencies_ns": latencies,
            "seconds": seconds,
            "p50_ns": statistics.median(latencies),
            "mean_ns": statistics.fmean(latencies),
        }

    unfiltered = [measure(ef, False) for ef in ladder]
    # Filtered, the recall first, up the ladder until the highest target is reached; then the
    # timing of --filtered-ef and of the first ef reaching each target.
    targets = sorted({float(target) for target in args.filtered_targets.split(",") if target.strip()})
    recalls = []
    for ef in ladder:
        recalls.append((ef, answer(ef, True)))
        if not targets or recalls[-1][1][0] >= targets[-1]:
            break
    timed = {args.filtered_ef}
    for target in targets:
        reached = [ef for ef, (quality, _) in recalls if quality >= target]
        if reached:
            timed.add(reached[0])
    answered = dict(recalls)
    filtered = [measure(ef, True, answered.get(ef)) for ef in sorted(timed)]
    broad = [measure(ef, "broad") for ef in ladder] if args.broad else None

    write(
        {
            "hnswlib": hnswlib_version,
            "numpy": np.__version__,
            "python": sys.version.split()[0],
            "build_seconds": build_seconds,
            "unfiltered": unfiltered,
            "filtered": filtered,
            "filtered_recalls": [{"ef": ef, "recall": quality, "short": short} for ef, (quality, short) in recalls],
            "broad": broad,
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
