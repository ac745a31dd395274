#!/usr/bin/env bash
# Stroke end to distribution on screen, as `digitpad --measure` logs it: starts the desktop app on a virtual
# display, draws N strokes of a 7 with xdotool (one xdotool process per stroke, a point every 8 ms), clears the
# pad after each, and prints the app's figures: start-up, stroke to screen, and its memory after start and after
# every 20 strokes. The last line is the process's memory as this script reads it from /proc (resident, anonymous,
# file-mapped), after start and after the strokes, so that builds whose --measure does not report memory compare too.
#
# Usage: scripts/measure-strokes.sh [strokes (default 40)] [launcher (default target/digitpad/bin/digitpad)]
# The app reports after every 20 strokes, so the count is rounded up to a multiple of 20.
# Needs Xvfb and xdotool (Debian: xvfb, xdotool). Extra JVM options go in DIGITPAD_OPTS as usual.
set -euo pipefail
strokes=$(( (${1:-40} + 19) / 20 * 20 ))
launcher="${2:-target/digitpad/bin/digitpad}"
display=":$((100 + RANDOM % 800))"
log="$(mktemp)"
Xvfb "$display" -screen 0 1280x900x24 >/dev/null 2>&1 &
xvfb=$!
app=
cleanup() {
    [ -n "$app" ] && kill "$app" 2>/dev/null || true
    kill "$xvfb" 2>/dev/null || true
    rm -f "$log"
}
trap cleanup EXIT
export DISPLAY="$display"
sleep 1
"$launcher" --measure >"$log" 2>&1 &
app=$!

window=
for _ in $(seq 1 120); do
    window=$(xdotool search --name DigitPad 2>/dev/null | head -1 || true)
    [ -n "$window" ] && break
    sleep 0.25
done
[ -n "$window" ] || { echo "The DigitPad window did not appear; its log:" >&2; cat "$log" >&2; exit 1; }
for _ in $(seq 1 120); do
    grep -q "first prediction possible" "$log" && break
    sleep 0.25
done
sleep 2
# Resident, anonymous and file-mapped memory of the app's process, in MB, from /proc/PID/status.
memory() {
    awk '/^VmRSS:/ {r = $2} /^RssAnon:/ {a = $2} /^RssFile:/ {f = $2}
         END {if (r) printf "resident %d MB (anonymous %d MB, file-mapped %d MB)", r / 1024, a / 1024, f / 1024;
              else printf "not available"}' "/proc/$1/status" 2>/dev/null || printf "not available"
}
memory_after_start=$(memory "$app")
eval "$(xdotool getwindowgeometry --shell "$window")"
cx=$((X + 230))
cy=$((Y + 330))
for _ in $(seq 1 "$strokes"); do
    moves="mousemove $((cx - 60)) $((cy - 80)) mousedown 1"
    for k in $(seq 0 12); do moves="$moves mousemove $((cx - 60 + k * 10)) $((cy - 80)) sleep 0.008"; done
    for k in $(seq 0 14); do moves="$moves mousemove $((cx + 60 - k * 5)) $((cy - 80 + k * 12)) sleep 0.008"; done
    # shellcheck disable=SC2086 # one word per xdotool command
    xdotool $moves mouseup 1 sleep 0.35 key Delete sleep 0.25
done
sleep 1
memory_after_strokes=$(memory "$app")
kill "$app"
wait "$app" 2>/dev/null || true
app=
grep "measure:" "$log" | grep -v -e "measure: shown" -e "measure: why map of" | sed 's/.*measure: //'
echo "process memory read by this script: after start: $memory_after_start; after $strokes strokes: $memory_after_strokes"
