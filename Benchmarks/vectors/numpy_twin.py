"""S10's twin: exact k nearest neighbours by NumPy brute force, the memory-bandwidth floor.

memory-graph-bench writes, into --directory:
  vectors.f32  the stored vectors, float32 little-endian, row-major (count x dimension)
  queries.f32  the query vectors, the same way (queries x dimension)
  masks.u8     one byte a stored vector for each query (queries x count): 1 where S4's filter
               keeps the node

and runs this script, which times each query one at a time, unfiltered and filtered: a
matrix-vector product over the rows (the filter's rows only, picked with np.flatnonzero),
then argpartition for the top k. The vectors have length 1, so the dot product ranks as the
cosine does. BLAS runs on one thread, as a MemoryGraph search runs on one. A tenth of the queries
warm up, then --repetitions timed runs; the run with the median throughput is reported.

It writes JSON to --output: for each of "unfiltered" and "filtered", every query's top-k row
indexes ("ids", best first), "latencies_ns" and "seconds" of the median run, "p50_ns",
"mean_ns"; or {"skipped": why} when NumPy cannot be imported.
"""

import argparse
import json
import os
import statistics
import sys
import time

# One BLAS thread, set before NumPy loads its BLAS.
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

    def read(name, dtype, shape):
        return np.fromfile(os.path.join(args.directory, name), dtype=dtype).reshape(shape)

    vectors = read("vectors.f32", "<f4", (args.count, args.dimension))
    queries = read("queries.f32", "<f4", (args.queries, args.dimension))
    masks = read("masks.u8", np.uint8, (args.queries, args.count))
    k = args.k

    def search(query, mask):
        rows = None if mask is None else np.flatnonzero(mask)
        scores = vectors @ query if rows is None else vectors[rows] @ query
        top = np.argpartition(-scores, k - 1)[:k] if scores.shape[0] > k else np.arange(scores.shape[0])
        top = top[np.argsort(-scores[top], kind="stable")]
        return top if rows is None else rows[top]

    def measure(filtered):
        def run(index):
            return search(queries[index], masks[index] if filtered else None)

        ids = [run(index).tolist() for index in range(args.queries)]
        for index in range(max(1, args.queries // 10)):
            run(index)
        runs = []
        for _ in range(args.repetitions):
            latencies = []
            start = time.perf_counter_ns()
            for index in range(args.queries):
                before = time.perf_counter_ns()
                run(index)
                latencies.append(time.perf_counter_ns() - before)
            runs.append(((time.perf_counter_ns() - start) / 1e9, latencies))
        runs.sort(key=lambda entry: -entry[0])  # by throughput, as Measurement.median
        seconds, latencies = runs[len(runs) // 2]
        return {
            "ids": ids,
            "latencies_ns": latencies,
            "seconds": seconds,
            "p50_ns": statistics.median(latencies),
            "mean_ns": statistics.fmean(latencies),
        }

    write(
        {
            "numpy": np.__version__,
            "python": sys.version.split()[0],
            "unfiltered": measure(False),
            "filtered": measure(True),
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
