#!/bin/bash
# Colour when the terminal has it; none at all with NO_COLOR, where
# attributes (reverse, bold, underline) still mark the cursor and headers.
. "$(dirname "$0")/lib.sh"
setup nocolor

# SGR colour parameters in what tmux shows: 30-37/40-47 (and 90-107),
# or 38;x / 48;x.
has_colour() {
	t capture-pane -p -e -t "regie:$1" | grep -qE $'\e\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m'
}

start_regie colour
login colour
keys colour u
wait_for_text "Alice Admin" 10 colour
has_colour colour || fail "no colour in a colour terminal"

start_regie mono NO_COLOR=1
login mono
keys mono u
wait_for_text "Alice Admin" 10 mono
has_colour mono && fail "colour shown although NO_COLOR is set"
# Still readable: the cursor row is reversed, the header bold.
t capture-pane -p -e -t regie:mono | grep -qE $'\e\\[[0-9;]*7[0-9;]*m' ||
    fail "no reverse video for the cursor in monochrome"
t capture-pane -p -e -t regie:mono | grep -qE $'\e\\[[0-9;]*1[0-9;]*m' ||
    fail "no bold in monochrome"
keys mono Escape i
wait_for_text "monochrome" 10 mono
keys colour Escape i
wait_for_text "colour, UTF-8" 10 colour

# NO_COLOR set but empty means colour (no-color.org).
start_regie empty NO_COLOR=
wait_for_text "Password" 10 empty
has_colour empty || fail "an empty NO_COLOR turned colour off"
finish
