#!/bin/bash
# Pushed events: what another session changes shows here without a key
# press: the list reloads, a toast names the change, and it stays on the
# status line.
. "$(dirname "$0")/lib.sh"
setup events

start_regie watcher
login watcher
keys watcher u
wait_for_text "Alice Admin" 10 watcher

# Another regie, in another window, creates a user through its form.
start_regie editor
login editor
keys editor u n
wait_for_text "New user" 10 editor
typing editor "mlefevre"
keys editor Tab
typing editor "Marc Lefèvre"
keys editor Tab Tab Enter
wait_for_text "[ ] viewer" 5 editor
keys editor End Space Enter Tab Tab Tab
typing editor "lefevre-pass-1"
keys editor F2
wait_for_text "User mlefevre created" 10 editor

# The watcher pressed nothing.
wait_for_text "Marc Lefèvre" 10 watcher
wait_for_text "user #2 created" 5 watcher

# A change by a plain MessagePack-RPC client shows the same way.
rcall user.update '{id: 2, version: 1, name: "Marc Lefèvre-Roy"}' >/dev/null ||
    fail "rcall user.update"
wait_for_text "Lefèvre-Roy" 10 watcher
wait_for_text "user #2 updated" 5 watcher

# The toast goes; the last event stays on the status line.
wait_gone "★ user #2 updated" 10 watcher
wait_for_text "user #2 updated" 2 watcher

# An open audit log takes new rows as they come.
keys watcher Escape a
wait_for_text "user.update" 10 watcher
rcall user.disable '{id: 2}' >/dev/null || fail "rcall user.disable"
wait_for_text "user.disable" 10 watcher
finish
