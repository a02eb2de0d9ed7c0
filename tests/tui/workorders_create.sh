#!/bin/bash
# A work order made directly, and a contractor's line on it. The
# supervisor fills the New work order form from the list: an empty title
# is said under its field, then the server's refusal of a planned end
# before the start under that one; once created, the number is announced,
# the work order opens, and the list has it. Then an external service
# line of 120,00 € from the detail: the real cost rises by exactly that,
# on the screen and on the server. A viewer is offered neither key.
. "$(dirname "$0")/lib.sh"
setup workorders_create

id_of() {	# the first "id" of rcall's JSON answer
	sed -n 's/^{"id": \([0-9]*\).*/\1/p'
}
call_id() {	# METHOD JSON: the id of what was made (empty on failure)
	local out
	out=$(rcall "$@") || { echo "rcall $1: $out" >&2; return 1; }
	echo "$out" | id_of
}
field() {	# NAME: the first string value of NAME in rcall's JSON answer
	sed -n "s/.*\"$1\": \"\([^\"]*\)\".*/\1/p" | head -n 1
}
row() {		# WINDOW TEXT: the screen line holding TEXT
	screen "$1" | grep -F -- "$2"
}
under() {	# WINDOW LABEL TEXT: TEXT is on the line after the field LABEL
		# (on a screen, or in a dialog's frame)
	screen "$1" | grep -A1 -E "(^|│) *$2" | tail -n 1 | grep -qF -- "$3"
}
keybar() {	# WINDOW: the bottom line, the keys that work there
	screen "$1" | tail -n 1
}

svc=$(call_id service.create '{code: "EV", name: "Espaces verts"}')
call_id service.create '{code: "BAT", name: "Bâtiments"}' >/dev/null
site=$(call_id site.create '{code: "PARC-ORME", name: "Parc de l'"'"'Orme"}')
sup=$(call_id user.create "{login: \"sfaure\", name: \"Sophie Faure\", roles: [\"supervisor\"],
    services: [$svc], password: \"faure-pass-1\"}")
viewer=$(call_id user.create '{login: "lvue", name: "Léa Vue", roles: ["viewer"],
    password: "vue-pass-12"}')
dubois=$(call_id contractor.create '{name: "Élagage Dubois", trade: "arborist"}')
call_id contractor.create '{name: "Clôtures Martin", trade: "general"}' >/dev/null
[ -n "$svc" ] && [ -n "$site" ] && [ -n "$sup" ] && [ -n "$viewer" ] && [ -n "$dubois" ] ||
    fail "the test data was not loaded"
start=$(date -d '+10 days' +%F)
early=$(date -d '+3 days' +%F)
end=$(date -d '+12 days' +%F)
target=$(date -d '+20 days' +%F)

start_regie sup
login sup sfaure faure-pass-1
keys sup w
wait_for_text "No work order here" 10 sup
keybar sup | grep -q "n New" || fail "the supervisor is not offered n New"
keys sup n
wait_for_text "New work order" 5 sup
# Corrective, normal, and the supervisor's own service, unless changed.
wait_until 5 "the supervisor's service chosen" eval 'row sup "Service" | grep -q "Espaces verts"'
row sup "Type" | grep -q "corrective" || fail "the type is not corrective by default"
row sup "Priority" | grep -q "normal" || fail "the priority is not normal by default"
keys sup Enter
typing sup "prev"
wait_for_text "preventive" 5 sup
keys sup Enter Tab Tab Tab
typing sup "orme"
wait_for_text "PARC-ORME Parc de l'Orme" 10 sup
keys sup Enter
wait_until 5 "the site chosen" eval 'row sup "Site" | grep -q "PARC-ORME"'
# The title left empty; a planned end before the start.
keys sup Tab Tab Tab
typing sup "Tailler, ramasser, broyer"
keys sup Tab
typing sup "$start"
keys sup Tab
typing sup "$early"
keys sup Tab
typing sup "$target"
# Esc with something typed asks first; no keeps the form as it was.
keys sup Escape
wait_for_text "The work order is not created. Leave anyway?" 5 sup
keys sup n
wait_gone "Leave anyway?" 5 sup
row sup "Description" | grep -q "Tailler, ramasser" || fail "the typed description is lost"
keys sup F2
wait_until 5 "\"Required\" under the title" under sup "Title" "Required"
typing sup "Taille des haies du parc"
keys sup F2
wait_until 10 "the server's refusal under the planned end" \
    under sup "Planned end" "before"
# The cursor is on the planned end: corrected, and created.
keys sup C-u
typing sup "$end"
keys sup F2
wait_for_text "Work order OT-" 10 sup
wait_for_text "1 Info" 10 sup
number=$(screen sup | grep -o "OT-[0-9]*-[0-9]*" | head -n 1)
[ -n "$number" ] || fail "no work order number shown"
wait_for_text "Taille des haies du parc" 5 sup
row sup "Status" | grep -q "planned" || fail "the new work order is not planned"
row sup "Type" | grep -q "preventive, normal" || fail "not preventive, normal"
row sup "Site" | grep -q "Parc de l'Orme" || fail "the site is not shown"
# The server holds what was typed.
wo=$(rcall workorder.list "{query: \"$number\"}" | grep -o '"id": [0-9]*' | head -n 1 |
    grep -o '[0-9]*')
[ -n "$wo" ] || fail "the server does not list $number"
got=$(rcall workorder.get "{id: $wo}")
for pair in "number:$number" "type:preventive" "status:planned" "planned_start:$start" \
    "planned_end:$end" "target_date:$target"; do
	[ "$(echo "$got" | field "${pair%%:*}")" = "${pair#*:}" ] ||
	    fail "the server holds ${pair%%:*} = $(echo "$got" | field "${pair%%:*}"), not ${pair#*:}"
done
echo "$got" | grep -q "\"service_id\": $svc" || fail "not in the supervisor's service"
keys sup Escape
# (The message line names it too: wait for its row.)
wait_until 10 "the list shows the new one" \
    eval 'screen sup | grep -q "^$number .*planned *Taille des haies"'

# Some material first, so the cost does not start at nothing.
rcall workorder.add_material "{id: $wo, description: \"Sacs de déchets verts\",
    quantity: \"4\", unit_cost: \"9.35\"}" >/dev/null || fail "rcall workorder.add_material"
before=$(rcall workorder.get "{id: $wo}" | field total)
expected=$(awk -v b="$before" 'BEGIN { printf "%.2f", b + 120.00 + 0.0000001 }')
[ -n "$before" ] && awk -v e="$expected" 'BEGIN { exit !(e > 120 && e < 1000) }' ||
    fail "unexpected cost before: $before"
keys sup Enter
wait_for_text "1 Info" 10 sup
wait_until 10 "the real cost of $before €" eval 'screen sup | grep -q "Real cost *$before €"'
keybar sup | grep -q "s Service" || fail "the supervisor is not offered s Service"
keys sup s
wait_for_text "External service on $number" 10 sup
typing sup "dubois"
wait_for_text "Élagage Dubois (arborist)" 5 sup
keys sup Enter Tab
typing sup "Broyage des branches"
keys sup Tab
# Too much for the server: the dialog again, the reason under the amount.
typing sup "2000000000"
keys sup F2
wait_until 10 "the server's refusal under the amount" under sup "Amount" "amount must be"
row sup "What they did" | grep -q "Broyage des branches" || fail "the description was lost"
row sup "Contractor" | grep -q "Élagage Dubois" || fail "the contractor was lost"
keys sup C-u
typing sup "120,00"
keys sup F2
wait_for_text "$number: external service added, real cost $expected €" 10 sup
wait_until 5 "the real cost of $expected €" eval 'screen sup | grep -q "Real cost *$expected €"'
screen sup | grep -q "Services *120.00 €" || fail "the services cost is not 120.00 €"
after=$(rcall workorder.get "{id: $wo}" | field total)
[ "$after" = "$expected" ] || fail "the server's real cost is $after, not $before + 120.00"
keys sup 4
wait_until 5 "the line on the services tab" \
    eval 'row sup "Élagage Dubois" | grep -q "Broyage des branches.*120.00 €"'

# A viewer reads the list and the work order, and is offered neither key.
start_regie view
login view lvue vue-pass-12
keys view w
wait_until 10 "the viewer's list" eval 'screen view | grep -q "^$number "'
keybar view | grep -q "n New" && fail "a viewer is offered n New"
keys view n
keys view Enter
wait_for_text "1 Info" 10 view
expect_not "New work order" view
wait_for_text "Real cost" 5 view
keybar view | grep -q "s Service" && fail "a viewer is offered s Service"
keys view s
keys view 4
wait_for_text "Broyage des branches" 5 view
expect_not "External service on" view
finish
