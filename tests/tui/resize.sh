#!/bin/bash
# Resizing live: 80x24 to 60x20 and back redraws at once, the state and
# the key bar stay visible, the columns refit; too small says so; a form
# keeps what was typed through it all.
. "$(dirname "$0")/lib.sh"
setup resize

rcall user.create '{login: "egarnier", name: "Étienne Garnier", email: "e.garnier@ville.example",
    roles: ["supervisor", "agent"], password: "garnier-pass-1"}' >/dev/null || fail "rcall"

start_regie main
login main
keys main u
wait_for_text "Étienne Garnier" 10
screen | grep -q "E-mail" || fail "no E-mail column at 80 columns"

screen_is() {	# WIDTH HEIGHT: the whole screen has that size and its frame
	[ "$(screen | wc -L)" -le "$1" ] && [ "$(screen | wc -l)" -eq "$2" ] &&
	    screen | head -n 1 | grep -q "connected" &&
	    screen | tail -n 1 | grep -q "Help"
}
line_has() {	# LINE-SELECTOR TEXT
	screen | $1 | grep -qF -- "$2"
}

t resize-window -t regie:main -x 60 -y 20
wait_until 5 "60x20 with state and key bar" screen_is 60 20
wait_for_text "egarnier" 5
wait_until 5 "key bar at 60x20" line_has "tail -n 1" "Enter Edit"

# Below the minimum: a clear word, no garbage.
t resize-window -t regie:main -x 30 -y 8
wait_for_text "Terminal too small" 5

t resize-window -t regie:main -x 80 -y 24
wait_until 5 "80x24 with state and key bar" screen_is 80 24
wait_for_text "e.garnier@" 5
wait_until 5 "key bar refit at 80 columns" line_has "tail -n 1" "p Password"

# A form at 60x20 stays usable, and keeps its text across resizes.
keys main n
wait_for_text "New user" 5
typing main "jmartin"
wait_for_text "jmartin" 5
t resize-window -t regie:main -x 60 -y 20
wait_until 5 "form at 60x20" screen_is 60 20
wait_until 5 "save key at 60x20" line_has "tail -n 1" "F2 Save"
wait_for_text "Password *" 5
screen | grep -q "Login \* *jmartin" || fail "typed text lost in the resize"
t resize-window -t regie:main -x 80 -y 24
wait_until 5 "form at 80x24" screen_is 80 24
keys main Tab
typing main "Jeanne Martin"
wait_for_text "Jeanne Martin" 5
screen | grep -q "Login \* *jmartin" || fail "typed text lost in the second resize"
finish
