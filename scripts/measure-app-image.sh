#!/usr/bin/env bash
# Start-up times of the app-image built by `mvn -Ppackage package`:
#  - `bin/digitpad predict --json seven.png`, wall time, cold (first run in a new, empty home folder) and
#    warm (the same home folder again);
#  - the window, `bin/DigitPad --measure` under Xvfb: "window visible" and "first prediction possible" as the
#    app logs them, cold and warm likewise.
# With DROP_CACHES=1 (as root) each cold run also starts with the page cache dropped, as after a reboot.
#
# Usage: scripts/measure-app-image.sh [runs (default 3)] [image folder (default target/jpackage/DigitPad)]
# Needs Xvfb and ImageMagick's convert (Debian: xvfb, imagemagick).
set -euo pipefail
runs="${1:-3}"
image="$(cd "${2:-target/jpackage/DigitPad}" && pwd)"
work="$(mktemp -d)"
display=":$((100 + RANDOM % 800))"
xvfb_pid=
cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

convert -size 280x280 xc:white -stroke black -strokewidth 22 -fill none \
    -draw "polyline 60,50 220,50 110,240" "$work/seven.png"

# A user's environment: no JDK on the PATH, no JAVA_HOME. Java takes user.home from the password database, not
# from $HOME, so the bundled JVM is told the test home explicitly.
as_user() {
    local home=$1; shift
    env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 DISPLAY="$display" JAVA_TOOL_OPTIONS="-Duser.home=$home" "$@"
}
cold_prepare() {
    if [ "${DROP_CACHES:-0}" = 1 ]; then sync; echo 1 > /proc/sys/vm/drop_caches; fi
}
millis() { date +%s%3N; }

predict() {
    local home=$1 start end
    start=$(millis)
    as_user "$home" "$image/bin/digitpad" predict --json "$work/seven.png" > "$work/out.json" 2>/dev/null
    end=$(millis)
    grep -q '"digit":7' "$work/out.json" || { echo "wrong answer: $(cat "$work/out.json")" >&2; exit 1; }
    echo $((end - start))
}

window() {
    local home=$1 log="$work/window.log" pid
    as_user "$home" "$image/bin/DigitPad" --measure > "$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 600); do
        grep -q "first prediction possible" "$log" && break
        sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    visible=$(sed -n 's/.*window visible \([0-9]*\) ms.*/\1/p' "$log")
    first=$(sed -n 's/.*first prediction possible \([0-9]*\) ms.*/\1/p' "$log")
    echo "${visible:-?} ${first:-?}"
}

Xvfb "$display" -screen 0 1280x900x24 >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1

echo "| run | predict cold (ms) | predict warm (ms) | window visible cold / warm (ms) | first prediction possible cold / warm (ms) |"
echo "|---|---|---|---|---|"
for run in $(seq 1 "$runs"); do
    home="$work/home-$run"; mkdir -p "$home"
    cold_prepare; pc=$(predict "$home"); pw=$(predict "$home")
    whome="$work/whome-$run"; mkdir -p "$whome"
    cold_prepare; read -r wvc wfc <<< "$(window "$whome")"; read -r wvw wfw <<< "$(window "$whome")"
    echo "| $run | $pc | $pw | $wvc / $wvw | $wfc / $wfw |"
done
echo
echo "Files a predict run left in its home folder:"
(cd "$work/home-1" && find . -type f | sed 's/^/    /')
