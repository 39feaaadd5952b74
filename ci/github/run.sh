#!/usr/bin/env bash
# The drill step of hadrill's GitHub Action (action.yml): runs `hadrill drill`
# (or `hadrill compare`), then the baseline gate when a baseline is given, and
# writes the step's outputs. It always exits 0 when it got that far, with
# hadrill's exit code in the `exit-code` output: the upload step must still run
# after a failed drill, and the action's last step re-raises the code.
#
# Inputs arrive only as environment variables (IN_*), never pasted into this
# script, so a scenario path or SLO cannot inject shell code.
#   IN_SCENARIO IN_COMPARE IN_BASELINE IN_MAX_RTO_INCREASE IN_MAX_LOST_INCREASE
#   IN_SLO IN_REPORT_DIR IN_METRICS_TEXTFILE IN_PUSHGATEWAY IN_GRAFANA_URL
# HADRILL_BIN: hadrill's bin/hadrill.js (default: beside this script's repo).
# No errexit: hadrill's exit codes are captured (|| rc=$?), not fatal.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
hadrill_bin=${HADRILL_BIN:-$here/../../bin/hadrill.js}
report_dir=${IN_REPORT_DIR:-hadrill-report}
output_file=${GITHUB_OUTPUT:-/dev/null}

random_token() {
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}

# name<<DELIM form: a value (a report directory) may hold any character.
set_output() {
  local delim
  delim="hadrill_$(random_token)"
  printf '%s<<%s\n%s\n%s\n' "$1" "$delim" "$2" "$delim" >>"$output_file"
}

# Lines starting with :: are workflow commands: scenario text echoed by hadrill
# must not run as one. Commands stay off until resume_commands.
commands_token=""
stop_commands() {
  commands_token=$(random_token)
  echo "::stop-commands::$commands_token"
}
resume_commands() {
  if [ -n "$commands_token" ]; then echo "::$commands_token::"; fi
  commands_token=""
}

hadrill() {
  node "$hadrill_bin" "$@"
}

finish() {
  resume_commands
  set_output exit-code "$1"
  case "$1" in
    0) ;;
    1) echo "::error title=hadrill::An SLO was violated or the baseline gate found a regression; see the job summary and the report artifact." ;;
    *) echo "::error title=hadrill::hadrill exited $1 (2: bad input or set-up failure, a service could not be checked; 130/143: interrupted)." ;;
  esac
  exit 0
}

usage_error() {
  resume_commands
  echo "::error title=hadrill action::$1"
  set_output report-dir "$report_dir"
  set_output include-hidden-files false
  set_output exit-code 2
  exit 0
}

# upload-artifact refuses these characters in file paths.
case "$report_dir" in
  *[\":\<\>\|\*\?]* | *$'\r'* | *$'\n'*)
    report_dir=hadrill-report
    usage_error "The report-dir input may not hold any of \" : < > | * ? or a line break: upload-artifact refuses them in paths."
    ;;
esac

# --- which mode -------------------------------------------------------------
if [ -n "${IN_SCENARIO:-}" ] && [ -n "${IN_COMPARE:-}" ]; then
  usage_error "Give either the scenario input or the compare input, not both."
fi
if [ -z "${IN_SCENARIO:-}" ] && [ -z "${IN_COMPARE:-}" ]; then
  usage_error "Give the scenario input (a scenario file to drill) or the compare input (scenario files or report directories)."
fi
if [ -n "${IN_COMPARE:-}" ]; then
  for input in IN_SLO IN_METRICS_TEXTFILE IN_PUSHGATEWAY IN_GRAFANA_URL; do
    if [ -n "${!input:-}" ]; then
      name=${input#IN_}
      name=${name//_/-}
      usage_error "The ${name,,} input applies to a single drill (the scenario input); compare drills each scenario with its own slo: block."
    fi
  done
fi

set_output report-dir "$report_dir"
# A hidden directory (a segment starting with a dot, e.g. .hadrill/reports)
# is skipped by upload-artifact unless include-hidden-files is on.
hidden=false
IFS=/ read -r -a segments <<<"$report_dir"
for segment in "${segments[@]}"; do
  case "$segment" in
    . | ..) ;;
    .*) hidden=true ;;
  esac
done
set_output include-hidden-files "$hidden"

stop_commands
rc=0
# The report directories the gate and the outputs read: one per drill.
current=()
if [ -n "${IN_SCENARIO:-}" ]; then
  args=(drill "$IN_SCENARIO" --report-dir "$report_dir")
  # Space-separated NAME=VALUE items, split without globbing.
  read -r -a slos <<<"${IN_SLO:-}"
  for item in "${slos[@]}"; do args+=(--slo "$item"); done
  if [ -n "${IN_METRICS_TEXTFILE:-}" ]; then args+=(--metrics-textfile "$IN_METRICS_TEXTFILE"); fi
  if [ -n "${IN_PUSHGATEWAY:-}" ]; then args+=(--pushgateway "$IN_PUSHGATEWAY"); fi
  if [ -n "${IN_GRAFANA_URL:-}" ]; then args+=(--grafana-url "$IN_GRAFANA_URL"); fi
  echo "hadrill ${args[*]}"
  hadrill "${args[@]}" || rc=$?
  if [ -f "$report_dir/report.json" ]; then current+=("$report_dir"); fi
else
  read -r -a targets <<<"$IN_COMPARE"
  echo "hadrill compare ${targets[*]} --report-dir $report_dir"
  hadrill compare "${targets[@]}" --report-dir "$report_dir" || rc=$?
  for target in "${targets[@]}"; do
    case "$target" in
      *.yaml | *.yml | *.YAML | *.YML) ;;
      */report.json) if [ -f "$target" ]; then current+=("$(dirname "$target")"); fi ;;
      *) if [ -f "$target/report.json" ]; then current+=("$target"); fi ;;
    esac
  done
  # Scenario files were drilled into $report_dir/<scenario name>/.
  for report in "$report_dir"/*/report.json; do
    if [ -f "$report" ]; then current+=("$(dirname "$report")"); fi
  done
fi

# A directory named twice (a compare target inside the report directory) is gated once.
declare -A seen=()
unique=()
for dir in "${current[@]}"; do
  if [ -z "${seen[$dir]:-}" ]; then unique+=("$dir"); seen[$dir]=1; fi
done
current=("${unique[@]}")

# --- the baseline gate ------------------------------------------------------
# Only after a drill that produced a report (exit 0 or 1): the gate of a drill
# that could not run would only repeat its error.
if [ -n "${IN_BASELINE:-}" ] && [ "$rc" -le 1 ] && [ "${#current[@]}" -gt 0 ]; then
  gate_args=()
  if [ -n "${IN_MAX_RTO_INCREASE:-}" ]; then gate_args+=(--max-rto-increase "$IN_MAX_RTO_INCREASE"); fi
  if [ -n "${IN_MAX_LOST_INCREASE:-}" ]; then gate_args+=(--max-lost-increase "$IN_MAX_LOST_INCREASE"); fi
  mkdir -p "$report_dir"
  : >"$report_dir/baseline-gate.md"
  for dir in "${current[@]}"; do
    # A baseline holding report.json is the baseline of every drill; else it
    # is a compare run's report directory with one folder per scenario.
    baseline=$IN_BASELINE
    if [ ! -f "$IN_BASELINE/report.json" ] && [ -d "$IN_BASELINE" ]; then
      name=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).scenario.name)' "$dir/report.json") || name=""
      baseline=$IN_BASELINE/$name
      if [ ! -d "$baseline" ]; then
        echo "No baseline for scenario $name in $IN_BASELINE: its gate is skipped."
        continue
      fi
    fi
    echo "hadrill compare --baseline $baseline ${gate_args[*]} $dir"
    gate_rc=0
    hadrill compare --baseline "$baseline" "${gate_args[@]}" -f md "$dir" >"$report_dir/baseline-gate.part" || gate_rc=$?
    cat "$report_dir/baseline-gate.part"
    cat "$report_dir/baseline-gate.part" >>"$report_dir/baseline-gate.md"
    rm -f "$report_dir/baseline-gate.part"
    if [ "$gate_rc" -gt "$rc" ]; then rc=$gate_rc; fi
  done
fi

# --- outputs ----------------------------------------------------------------
# The worst verdict, the worst RTO in seconds and the lost writes summed over
# every drill's report.json. rto-seconds is empty when no service had an RTO
# to measure, or when one never recovered (the verdict then says fail).
if [ "${#current[@]}" -gt 0 ]; then
  figures=$(node -e '
    const fs = require("fs");
    const reports = process.argv.slice(1).map((d) => JSON.parse(fs.readFileSync(d + "/report.json", "utf8")));
    const verdicts = reports.map((r) => r.verdict);
    const verdict = verdicts.includes("fail") ? "fail" : verdicts.includes("incomplete") ? "incomplete" : "pass";
    const services = reports.flatMap((r) => r.services);
    const rtos = services.filter((s) => s.rtoMs !== null).map((s) => s.rtoMs);
    const rto = services.some((s) => !s.recovered) || rtos.length === 0 ? "" : (Math.max(...rtos) / 1000).toFixed(3);
    const lost = services.reduce((n, s) => n + s.lost, 0);
    process.stdout.write([verdict, rto, lost].join("\n") + "\n");
  ' "${current[@]}") || figures=""
  {
    read -r verdict
    read -r rto_seconds
    read -r lost_writes
  } <<<"$figures"
  set_output verdict "${verdict:-}"
  set_output rto-seconds "${rto_seconds:-}"
  set_output lost-writes "${lost_writes:-}"
else
  set_output verdict ""
  set_output rto-seconds ""
  set_output lost-writes ""
fi

# The metrics textfile travels with the reports, so the artifact keeps one layout.
if [ -n "${IN_METRICS_TEXTFILE:-}" ] && [ -f "$IN_METRICS_TEXTFILE" ] && [ -d "$report_dir" ]; then
  cp "$IN_METRICS_TEXTFILE" "$report_dir/metrics.prom"
fi

finish "$rc"
