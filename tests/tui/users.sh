#!/bin/bash
# Admin → Users: create a user with an accented name and see it listed,
# aligned with the others; a server error lands on its field; edit; the
# filter asks the server as one types; bulk disable after a question;
# the audit log shows the change, before and after.
. "$(dirname "$0")/lib.sh"
setup users

start_regie main
login main
keys main u
wait_for_text "Login " 10
wait_for_text "Alice Admin" 10

# New user: the form, filled field by field.
keys main n
wait_for_text "New user" 5
wait_for_text "Password *" 5
typing main "hfaure"
keys main Tab
typing main "Hélène Fauré"
keys main Tab
typing main "not-an-address"
keys main Tab
# Inline validation, as soon as the field is left.
wait_for_text "! An address such as name@example.org" 5
keys main BTab C-u
typing main "helene.faure@ville.example"
keys main Tab
wait_gone "! An address" 5
# Roles: Enter opens the list, Space ticks, Enter takes.
keys main Enter
wait_for_text "[ ] supervisor" 5
keys main Down Down Space
wait_for_text "[x] agent" 5
keys main Enter
wait_for_text "Roles *     agent" 5
keys main Tab Tab Tab
typing main "short"
keys main F2
# The password is too short: said on the field, nothing sent.
wait_for_text "! At least 8 characters" 5
keys main C-u
typing main "long-enough-1"
keys main F2
wait_for_text "User hfaure created" 10
wait_for_text "Hélène Fauré" 5

# Accented and plain names line up: the State column starts at the same
# column on every row.
cols=$(screen | grep -E "^ +(admin|hfaure) " | while IFS= read -r line; do
	prefix=${line%%active*}
	echo "${#prefix}"
done | sort -u | wc -l)
[ "$cols" -eq 1 ] || fail "columns do not line up with accented names"

# The same login again: the server's error shows on the login field.
keys main n
wait_for_text "New user" 5
typing main "hfaure"
keys main Tab
typing main "Homonyme"
keys main Tab Tab Enter Space Enter Tab Tab Tab
typing main "long-enough-2"
keys main F2
wait_for_text "! " 10
screen | grep -A1 "Login \*" | grep -q "! " || fail "server error not on the login field"
keys main Escape
wait_for_text "Leave anyway?" 5
keys main y
wait_for_text "hfaure" 5
expect_not "Homonyme"

# Edit: the name, then save; the list shows it at once.
keys main /
typing main "faure"
wait_for_text "/faure" 5
wait_gone "Alice Admin" 5
keys main Enter
keys main Enter
wait_for_text "Edit hfaure" 5
keys main C-u
typing main "Hélène Fauré-Lebrun"
# Someone else saves this user meanwhile: the save says so and offers
# their version, which replaces what was typed.
psql "$conninfo" -qAt -c "update users set email = 'h.faure@verignac.fr', version = version + 1
    where login = 'hfaure'" >/dev/null || fail "psql"
keys main F2
wait_for_text "Changed meanwhile" 10
keys main y
wait_for_text "h.faure@verignac.fr" 10
expect_not "Fauré-Lebrun"
keys main C-u
typing main "Hélène Fauré-Lebrun"
keys main F2
wait_for_text "User hfaure saved" 10
wait_for_text "Hélène Fauré-Lebrun" 5

# Esc clears the filter first, then leaves.
keys main Escape
wait_for_text "Alice Admin" 5

# Bulk: select hfaure, disable after a question.
keys main Down Space
wait_for_text "1 selected" 5
keys main d
wait_for_text "Disable the 1 selected users?" 5
keys main n
wait_gone "Disable the 1" 5
screen | grep "hfaure" | grep -q "active" || fail "disabled without a yes"
keys main d
wait_for_text "Disable the 1 selected users?" 5
keys main y
wait_for_text "Disabled" 10
screen | grep "hfaure" | grep -q "disabled" || fail "hfaure not shown disabled"

# A new password through the dialog; the two must match.
keys main End p
wait_for_text "New password for hfaure" 5
typing main "another-pass-1"
keys main Tab
typing main "another-pass-2"
keys main F2
wait_for_text "The two passwords differ" 5
keys main C-u
typing main "another-pass-1"
keys main F2
wait_for_text "New password set for hfaure" 10

# Audit: the update is there; Enter shows before and after.
keys main Escape
wait_for_text "Hello," 5
keys main a
wait_for_text "user.update" 10
keys main /
typing main "update"
keys main Enter
wait_for_text "user.update" 5
expect_not "user.create"
keys main Enter
wait_for_text "Fields marked * changed." 5
screen | grep -q "^\*name *Hélène Fauré *Hélène Fauré-Lebrun" ||
    fail "the changed name is not shown before and after"
keys main Escape
wait_for_text "/update" 5
keys main Escape
wait_for_text "user.create" 5

# The admin this test started with was made by regied useradd, as no
# user: its row says so, and shows the account as created.
keys main /
typing main "useradd"
keys main Enter
wait_for_text "regied useradd" 5
keys main Enter
wait_for_text "By: no user (the server's command line)" 5
screen | grep -qE "^\*login +admin" || fail "the user made by regied useradd is not shown as created"
keys main Escape
wait_for_text "/useradd" 5
finish
