#!/bin/bash
# The terminal is given back as it was on every way out: quitting, a
# signal (TERM, HUP, INT from ^C), and a crash: the normal screen again
# (not the alternate one), echo and line editing back on.
. "$(dirname "$0")/lib.sh"
setup signals

given_back() {	# WINDOW EXIT-STATUS
	wait_for_text "[regie exited: $2]" 10 "$1"
	wait_for_text "[tty: icanon echo]" 5 "$1"
	[ "$(t display -p -t "regie:$1" '#{alternate_on}')" = 0 ] ||
	    fail "window $1 still on the alternate screen"
}

start_regie term
wait_for_text "Password" 10 term
kill -TERM "$(regie_pid term)"
given_back term 0

start_regie hup
login hup
kill -HUP "$(regie_pid hup)"
given_back hup 0

# ^C quits at once, even with a form half typed.
start_regie int
login int
keys int u n
wait_for_text "New user" 5 int
typing int "half"
keys int C-c
given_back int 0

# A crash still puts the terminal back before dying of its signal.
start_regie segv
wait_for_text "Password" 10 segv
kill -SEGV "$(regie_pid segv)"
wait_for_text "[regie exited: 139]" 10 segv
wait_for_text "[tty: icanon echo]" 5 segv
[ "$(t display -p -t regie:segv '#{alternate_on}')" = 0 ] || fail "crash left the alternate screen"

# F10 on a form that holds work asks first; no leaves regie running.
start_regie quit
login quit
keys quit u n
wait_for_text "New user" 5 quit
typing quit "half"
keys quit F10
wait_for_text "Quit anyway?" 5 quit
keys quit n
wait_gone "Quit anyway?" 5 quit
screen quit | grep -q "Login \* *half" || fail "the form went away after no"
keys quit F10
wait_for_text "Quit anyway?" 5 quit
keys quit y
given_back quit 0

# The crashed window is no regie to quit.
t kill-window -t regie:segv
finish
