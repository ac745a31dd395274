#!/usr/bin/env bash
# A person's session with the real window, scripted: starts DigitPad on a virtual display (Xvfb) and a
# `digitpad serve` as the remote server, and with xdotool:
#   1. draws a 7 on the embedded server;
#   2. unticks Live with the mouse, draws a 7, presses Enter (it must be predicted, and Live stay off), ticks
#      Live again (the drawing must be predicted);
#   3. connects to the remote server in the Server tab and draws;
#   4. kills the remote server, draws two strokes (at most one notification), restarts the server on the same
#      port, and draws one stroke (it must be answered);
#   5. switches the theme to dark and back to light through the View menu;
#   6. draws 20 more strokes (the app reports memory and stroke figures after every 20), and exits with
#      File > Exit.
# It takes a screenshot at each step, checks the app's log (no exception, at most one notification for the
# outage, the stroke after the restart answered, Enter predicted), and prints the memory and stroke figures.
#
# Usage: scripts/window-session.sh [screenshot folder (default: a temporary one)] [launcher]
# Needs Xvfb, xdotool and ImageMagick's `import` (Debian: xvfb, xdotool, imagemagick). Exits non-zero if a
# check fails. The app runs with its own settings folder, so the user's settings are not touched.
set -euo pipefail
launcher="${2:-target/digitpad/bin/digitpad}"
work="$(mktemp -d)"
shots="${1:-$work/screenshots}"
mkdir -p "$shots" "$work/config"
display=":$((100 + RANDOM % 800))"
port=$((18700 + RANDOM % 800))
log="$work/app.log"

Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
app=
server=
cleanup() {
    [ -n "$app" ] && kill "$app" 2>/dev/null || true
    [ -n "$server" ] && kill -9 "$server" 2>/dev/null || true
    kill "$xvfb" 2>/dev/null || true
}
trap cleanup EXIT
export DISPLAY="$display" XDG_CONFIG_HOME="$work/config"
export DIGITPAD_OPTS="${DIGITPAD_OPTS:-} -Ddigitpad.log.file=off"
sleep 1

step() { echo "== $*"; }
fail() {
    echo "FAILED: $*" >&2
    echo "The app's log is in $log" >&2
    trap - EXIT
    cleanup
    exit 1
}
wait_for_log() { # pattern, seconds, [from line]
    local from="${3:-0}"
    for _ in $(seq 1 $(($2 * 4))); do
        tail -n +"$((from + 1))" "$log" | grep -q -- "$1" && return 0
        sleep 0.25
    done
    return 1
}
lines() { wc -l <"$log"; }
shot() { sleep 0.6; import -window root "$shots/$1.png"; echo "   screenshot $shots/$1.png"; }

start_server() {
    "$launcher" serve --port "$port" --rest_api_port 0 >>"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 240); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.25
    done
    fail "the remote server did not start; its log: $work/server.log"
}

# ---- the window's geometry: positions are relative to the window's top-left corner (1024x700) ----
X0=0
Y0=0
at() { echo "$((X0 + $1)) $((Y0 + $2))"; }
click() { # x y (window-relative)
    # shellcheck disable=SC2046 # two numbers
    xdotool mousemove $(at "$1" "$2") sleep 0.15 click 1
    sleep 0.3
}
# A 7 on the pad: a bar, then a diagonal; the pad spans about (20,73)-(583,636) in the window.
seven() {
    local x=160 y=180 moves
    # shellcheck disable=SC2046
    moves="mousemove $(at $x $y) mousedown 1"
    for k in $(seq 0 12); do moves="$moves mousemove $(at $((x + k * 20)) $y) sleep 0.01"; done
    for k in $(seq 1 14); do moves="$moves mousemove $(at $((x + 240 - k * 9)) $((y + k * 24))) sleep 0.01"; done
    # shellcheck disable=SC2086
    xdotool $moves mouseup 1
    sleep 0.6
}
clear_pad() {
    click 428 45 # Clear
}
# Where the controls are, in a 1024x700 window (measured on a screenshot)
LIVE_X=557 LIVE_Y=45
PREDICTION_TAB_X=648 PREDICTION_TAB_Y=81
SERVER_TAB_X=716 SERVER_TAB_Y=81
REMOTE_X=623 REMOTE_Y=141
ADDRESS_X=852 ADDRESS_Y=172
CONNECT_X=650 CONNECT_Y=386
FILE_MENU_X=29 FILE_MENU_Y=14
EXIT_ITEM_X=27 EXIT_ITEM_Y=142
VIEW_MENU_X=208 VIEW_MENU_Y=14
THEME_ITEM_X=229 THEME_ITEM_Y=67
LIGHT_ITEM_X=326 LIGHT_ITEM_Y=95
DARK_ITEM_X=325 DARK_ITEM_Y=119

step "starting the remote server on 127.0.0.1:$port and DigitPad on $display"
start_server
"$launcher" --measure >"$log" 2>&1 &
app=$!
window=
for _ in $(seq 1 240); do
    window=$(xdotool search --name '^DigitPad$' 2>/dev/null | head -1 || true)
    [ -n "$window" ] && break
    sleep 0.25
done
[ -n "$window" ] || fail "the DigitPad window did not appear"
wait_for_log "first prediction possible" 90 || fail "the embedded server did not become ready"
xdotool windowmove "$window" 128 33
sleep 1
eval "$(xdotool getwindowgeometry --shell "$window")"
X0=$X
Y0=$Y

step "1. a 7 on the embedded server"
seven
shot 01-embedded-seven

step "2. Live off, a 7, Enter; then Live on again"
clear_pad
click "$LIVE_X" "$LIVE_Y"
mark=$(lines)
seven
shot 02-live-off-drawn
tail -n +"$((mark + 1))" "$log" | grep -q "measure: shown" && fail "a stroke was predicted with Live off"
xdotool key Return
wait_for_log "measure: shown" 10 "$mark" || fail "Enter did not predict the drawing"
shot 03-enter-predicted
clear_pad
seven
mark=$(lines)
click "$LIVE_X" "$LIVE_Y"
wait_for_log "measure: shown" 10 "$mark" || fail "ticking Live again did not predict the drawing"

step "3. the remote server"
click "$SERVER_TAB_X" "$SERVER_TAB_Y"
click "$REMOTE_X" "$REMOTE_Y"
click "$ADDRESS_X" "$ADDRESS_Y"
xdotool key ctrl+a type --delay 20 "127.0.0.1:$port"
mark=$(lines)
click "$CONNECT_X" "$CONNECT_Y"
wait_for_log "Connected to 127.0.0.1:$port" 20 "$mark" || fail "could not connect to the remote server"
shot 04-remote-connected
click "$PREDICTION_TAB_X" "$PREDICTION_TAB_Y"
clear_pad
seven
shot 05-remote-seven

step "4. the remote server is killed, then restarted"
kill -9 "$server"
wait "$server" 2>/dev/null || true
server=
outage=$(lines)
clear_pad
seven
seven
sleep 2
shot 06-server-killed
start_server
restarted=$(lines)
for _ in $(seq 1 240); do # the port opens before the model is loaded: wait until it is served
    grep -q "now serving" "$work/server.log" && [ "$(grep -c "now serving" "$work/server.log")" -ge 2 ] && break
    sleep 0.25
done
sleep 1
clear_pad
seven
wait_for_log "measure: shown" 10 "$restarted" || fail "the first stroke after the restart was not answered"
shot 07-server-back
notifications=$(sed -n "$((outage + 1)),${restarted}p" "$log" | grep -c "Notification:" || true)
echo "   notifications during the outage: $notifications"
[ "$notifications" -le 1 ] || fail "$notifications notifications for one outage"

step "5. dark theme, then light"
click "$VIEW_MENU_X" "$VIEW_MENU_Y"
click "$THEME_ITEM_X" "$THEME_ITEM_Y"
click "$DARK_ITEM_X" "$DARK_ITEM_Y"
shot 08-dark
click "$VIEW_MENU_X" "$VIEW_MENU_Y"
click "$THEME_ITEM_X" "$THEME_ITEM_Y"
click "$LIGHT_ITEM_X" "$LIGHT_ITEM_Y"
shot 09-light

step "6. 20 strokes, then File > Exit"
for _ in $(seq 1 20); do
    clear_pad
    seven
done
click "$FILE_MENU_X" "$FILE_MENU_Y"
click "$EXIT_ITEM_X" "$EXIT_ITEM_Y"
exit_start=$(date +%s%N)
for _ in $(seq 1 240); do
    kill -0 "$app" 2>/dev/null || break
    sleep 0.25
done
kill -0 "$app" 2>/dev/null && fail "File > Exit did not close DigitPad within 60 s"
echo "   DigitPad exited $(( ($(date +%s%N) - exit_start) / 1000000 )) ms after File > Exit"
app=

step "checks"
# An error logged, a stack trace, or an uncaught exception (an exception's name inside a logged reason is fine)
if grep -nE " ERROR |^\s+at |^Caused by:|Exception in thread" "$log"; then
    fail "the log above has an error or exception"
fi
echo "   no exception or error in the log"
echo "== figures (from digitpad --measure)"
grep "measure:" "$log" | grep -v "measure: shown" | sed 's/.*measure: /   /'
echo "== screenshots in $shots"
