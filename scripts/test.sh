#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds Release and ASan+UBSan, runs both, then
# the suites that share a client across threads under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

for preset in release asan; do
  echo "== $preset build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "== $preset tests"
  ctest --preset "$preset"
done

# TSan: only the suites whose operations run on an io_context shared by several threads (4 in each)
# with cancellation and destruction racing reads, built as one executable of their own
# (test/CMakeLists.txt: openrouter_tsan_tests).
echo "== tsan build (the multi-thread suites only)"
cmake --preset tsan >/dev/null
cmake --build --preset tsan --target openrouter_tsan_tests
echo "== tsan tests"
export TSAN_OPTIONS="suppressions=$PWD/test/tsan.supp halt_on_error=1 second_deadlock_stack=1"
for suite in tls_stream_test/openssl_runs_only_on_the_callers_strand,a_close_from_the_strand_races_no_read shared_client_threads_test client_pool_test client_stream_test router_test sync_client_test fleet_redis_test/a_state_shared_by_threads_settles_every_attempt detail_wakeable_test strand_test; do
  echo "-- tsan: $suite"
  build/tsan/test/openrouter_tsan_tests --run_test="$suite" --report_level=short
done
# Again with the client_fixture's streams multiplexed on HTTP/2 sessions (their own strands).
for suite in shared_client_threads_test client_stream_test router_test; do
  echo "-- tsan: $suite over HTTP/2"
  OPENROUTER_TEST_HTTP=2 build/tsan/test/openrouter_tsan_tests --run_test="$suite" --report_level=short
done
