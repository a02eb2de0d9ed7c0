#!/bin/bash
# Login: a wrong password is refused on the login screen and nothing
# else happens; the right one opens the home menu with the modules the
# roles allow; the login comes prefilled from -u or the config file; the
# server from the config file; quitting gives the terminal back.
. "$(dirname "$0")/lib.sh"
setup login

# A viewer, to see that the menu follows the roles.
rcall user.create '{login: "vlecomte", name: "Véronique Lecomte", roles: ["viewer"],
    password: "viewer-pass-1"}' >/dev/null || fail "rcall user.create"

start_regie main
wait_for_text "Password" 10
wait_for_text "connected" 10
# The connection state is in the top line.
screen | head -n 1 | grep -q "connected" || fail "connection state not on the top line"
# The key bar shows what works here.
screen | tail -n 1 | grep -q "Enter Log in" || fail "no key bar on the login screen"

typing main "$ADMIN_LOGIN"
keys main Enter
typing main "not-the-password"
keys main Enter
wait_for_text "Wrong login or password" 15
expect_not "Hello,"
# The password is cleared, the login kept.
screen | grep -q "Login \* *$ADMIN_LOGIN" || fail "login not kept after a failure"

typing main "$ADMIN_PASSWORD"
keys main Enter
wait_for_text "Hello, Alice Admin (admin)" 15
wait_for_text "Users" 2
wait_for_text "Audit log" 2
wait_for_text "Server info" 2
screen | head -n 1 | grep -q "admin  ● connected" || fail "user and state not on the top line"

# Server info says what we talk to, and to an admin what the instance
# is doing: this client is one of its connections, with a session.
keys main i
wait_for_text "regied 0.1.0" 10
wait_for_text "Session expires" 2
wait_for_text "Page cache" 5
screen | grep -qE "Connections +[1-9][0-9]* \([1-9][0-9]* with a session\); [0-9]+ calls running on 4 workers" ||
    fail "Server info does not show the instance's connections"
screen | grep -qE "Page cache +(on: [0-9]+ pages|off)" || fail "Server info does not show the page cache"
keys main Escape
wait_for_text "Hello," 5

# q quits, and the terminal is given back (the shell prints after it).
keys main q
wait_for_text "[regie exited: 0]" 10

# A viewer, prefilled with -u, sees no admin module; over TCP this time
# (-s given twice: the last one wins, as getopt goes).
start_regie viewer -- -s "127.0.0.1:$tcp_port" -u vlecomte
wait_for_text "Server: 127.0.0.1:$tcp_port" 10 viewer
wait_for_text "Password" 10 viewer
screen viewer | grep -q "Login \* *vlecomte" || fail "-u did not prefill the login"
typing viewer "viewer-pass-1"
keys viewer Enter
wait_for_text "Hello, Véronique Lecomte (viewer)" 15 viewer
expect_not "Audit log" viewer
expect_not "Users " viewer
wait_for_text "Server info" 2 viewer
keys viewer i
wait_for_text "Session expires" 10 viewer
expect_not "Page cache" viewer
keys viewer F10
wait_for_text "[regie exited: 0]" 10 viewer

# The config file gives the server and the login; -s and REGIE_SERVER win.
mkdir -p "$XDG_CONFIG_HOME/regie"
printf '# test\nserver = %s\nlogin = vlecomte\n' "$sock" > "$XDG_CONFIG_HOME/regie/regie.conf"
cmd=$(printf '%q ' env TERM=screen LANG=C.UTF-8 HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" "$bin/regie")
t new-window -d -t regie -n conf "$cmd; echo '[regie exited:' \$?']'; sleep 3600"
wait_for_text "Server: $sock" 10 conf
screen conf | grep -q "Login \* *vlecomte" || fail "login from the config file not prefilled"
wait_for_text "connected" 10 conf
keys conf F10
wait_for_text "[regie exited: 0]" 10 conf

cmd=$(printf '%q ' env TERM=screen LANG=C.UTF-8 HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" REGIE_SERVER=127.0.0.1:9 "$bin/regie")
t new-window -d -t regie -n env "$cmd; echo '[regie exited:' \$?']'; sleep 3600"
wait_for_text "Server: 127.0.0.1:9" 10 env
wait_for_text "offline" 10 env
keys env F10
wait_for_text "[regie exited: 0]" 10 env

# A bad config file is refused with its line, before the screen changes.
printf 'server = x\nsevrer = y\n' > "$XDG_CONFIG_HOME/regie/regie.conf"
out=$("$bin/regie" 2>&1 </dev/null)
echo "$out" | grep -q 'regie.conf: line 2: unknown key "sevrer"' ||
    fail "bad config not reported: $out"
finish
