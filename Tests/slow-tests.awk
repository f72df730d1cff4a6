# Prints a regular expression for `swift test --skip` that matches every suite and test tagged
# `.slow`. Swift Testing filters by test ID (`Target.Suite/function(labels:)`), not by tag, so
# `make test-fast` reads the IDs from the sources: a `.tags(…, .slow, …)` trait belongs to the
# next suite type or test function declared after it.
#
#   awk -f Tests/slow-tests.awk $(find Tests -name '*.swift')

FNR == 1 { type = ""; pending = 0 }

# A comment that mentions the tag tags nothing.
/^[ \t]*\/\// { next }

/\.tags\(.*\.slow/ { pending = 1 }

# A type at the top level: the suite of the functions below it.
/^(final )?(struct|class|enum|actor|extension) [A-Za-z_]/ {
    line = $0
    sub(/^final /, "", line)
    split(line, words, /[^A-Za-z0-9_]+/)
    type = words[2]
    if (pending) { ids[++count] = type "\\b"; pending = 0 }
    next
}

pending && /^[ \t]+((static|mutating|nonisolated) )*func [A-Za-z_]/ {
    name = $0
    sub(/^.*func /, "", name)
    sub(/[^A-Za-z0-9_].*/, "", name)
    ids[++count] = type "/" name "\\("
    pending = 0
}

END {
    for (i = 1; i <= count; i++) printf "%s%s", (i > 1 ? "|" : ""), ids[i]
    print ""
}
