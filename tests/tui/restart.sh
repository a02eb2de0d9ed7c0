#!/bin/bash
# The server restarts: the client shows it is offline, keeps what is
# typed in a form meanwhile, reconnects by itself with its session, and
# carries on: the save goes through and pushed events still arrive.
# Then the server ends the session: a login on top, and the work below
# is still there after it.
. "$(dirname "$0")/lib.sh"
setup restart

start_regie main
login main
keys main u
wait_for_text "Alice Admin" 10
keys main n
wait_for_text "New user" 5
typing main "cbernard"
keys main Tab
typing main "Chloé Bernard"

stop_regied
wait_for_text "offline" 10
wait_for_text "Connection lost" 5
# Typing goes on while offline.
keys main Tab
typing main "chloe.bernard@ville.example"
wait_for_text "chloe.bernard@ville.example" 5

start_regied
wait_for_text "● connected" 20
wait_for_text "Reconnected" 5
screen | grep -q "Login \* *cbernard" || fail "login typed before the restart lost"
screen | grep -q "Name \* *Chloé Bernard" || fail "name typed before the restart lost"
keys main Tab Enter
wait_for_text "[ ] referent" 5
keys main Down Down Down Down Space Enter Tab Tab Tab
typing main "bernard-pass-1"
keys main F2
# Saved with the resumed session: no login asked.
wait_for_text "User cbernard created" 10
wait_for_text "Chloé Bernard" 5
expect_not "Log in"

# The new connection is subscribed again.
rcall user.create '{login: "pdurand", name: "Paul Durand", roles: ["agent"],
    password: "durand-pass-1"}' >/dev/null || fail "rcall user.create"
wait_for_text "Paul Durand" 10

# The server ends the session (the admin's password is reset elsewhere):
# a login on top of the open form, which is still there after.
keys main n
wait_for_text "New user" 5
typing main "ahenry"
rcall user.set_password "{id: 1, password: \"admin-pass-456\"}" >/dev/null ||
    fail "rcall user.set_password"
ADMIN_PASSWORD=admin-pass-456
wait_for_text "Your session has ended" 10
typing main "$ADMIN_PASSWORD"
keys main Enter
wait_for_text "Logged in again" 15
wait_for_text "New user" 5
screen | grep -q "Login \* *ahenry" || fail "the form was lost across the new login"
finish
