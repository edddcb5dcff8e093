#!/usr/bin/env bash
# Every test: the notebooks (nbdev_test, 2 workers) and the pytest suite under tests/ (which also
# checks that nbdev_export and nbdev_clean would change nothing). Ends with `N passed, N failed`.
# FLAGS="slow" also runs the cells flagged `#| slow`.
set -uo pipefail
bin=.venv/bin
out=.test-results
mkdir -p "$out"
export PYTHONHASHSEED=0 MPLBACKEND=Agg
# two notebooks run at once on two cores: one thread each, and idle threads sleep instead of spinning
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
echo "test: notebooks (nbdev_test --n_workers 2${FLAGS:+ --flags $FLAGS})"
start=$(date +%s)
"$bin/nbdev_test" --n_workers 2 --do_print --timing ${FLAGS:+--flags "$FLAGS"} 2>&1 | tee "$out/nbdev.log"
echo "test: notebooks took $(( $(date +%s) - start )) s"
echo "test: pytest suite (tests/)"
"$bin/python" -m pytest tests -q -p no:cacheprovider --junitxml="$out/pytest.xml" 2>&1 | tee "$out/pytest.log"
exec "$bin/python" scripts/summary.py "$out/nbdev.log" "$out/pytest.xml"
