#!/usr/bin/env bash
# The playground on a slow CPU: ./scripts/bench_playground.sh --throttled [--strict] (see there).
exec "$(dirname "${BASH_SOURCE[0]}")/bench_playground.sh" --throttled "$@"
