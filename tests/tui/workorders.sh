#!/bin/bash
# Work orders end to end, with two regie side by side: the supervisor
# assigns one work order from its detail and books another on the
# planning board; the agent's My work (60x20) shows each without a key
# press, marked new until opened; the agent starts, reports 2.5 hours and
# a part, and finishes with codes; the supervisor sees the real cost,
# worth the agent's rate as the server holds it, and closes.
. "$(dirname "$0")/lib.sh"
setup workorders

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

svc=$(call_id service.create '{code: "EV", name: "Espaces verts"}')
site=$(call_id site.create '{code: "PARC-ORME", name: "Parc de l'"'"'Orme",
    address: "12 allée des Tilleuls"}')
sup=$(call_id user.create "{login: \"sfaure\", name: \"Sophie Faure\", roles: [\"supervisor\"],
    services: [$svc], password: \"faure-pass-1\"}")
agt=$(call_id user.create "{login: \"pmartin\", name: \"Paul Martin\", roles: [\"agent\"],
    services: [$svc], password: \"martin-pass-1\"}")
agent=$(call_id agent.create "{code: \"PMA\", name: \"Paul Martin\", service_id: $svc,
    user_id: $agt, trade: \"gardener\", rate: \"33.17\", rate_effective: \"2020-01-01\"}")
leak=$(call_id workorder.create "{type: \"corrective\", priority: \"high\", service_id: $svc,
    site_id: $site, title: \"Fuite vanne secteur 3\", description: \"La vanne fuit\"}")
hedge=$(call_id workorder.create "{type: \"preventive\", service_id: $svc, site_id: $site,
    title: \"Taille des haies\"}")
[ -n "$svc" ] && [ -n "$site" ] && [ -n "$sup" ] && [ -n "$agt" ] && [ -n "$agent" ] &&
    [ -n "$leak" ] && [ -n "$hedge" ] || fail "the test data was not loaded"
leak_no=$(rcall workorder.get "{id: $leak}" | field number)
hedge_no=$(rcall workorder.get "{id: $hedge}" | field number)

# The real cost as the server will value it: the agent's rate in force
# today, read back from the server, times 2.5 hours, plus the part.
rate=$(rcall agent.get "{id: $agent}" | field rate)
[ -n "$rate" ] || fail "no rate for the agent"
labour=$(awk -v r="$rate" 'BEGIN { printf "%.2f", r * 2.5 + 0.0000001 }')
total=$(awk -v l="$labour" 'BEGIN { printf "%.2f", l + 12.40 }')

start_regie sup
login sup sfaure faure-pass-1
start_regie agt
t resize-window -t regie:agt -x 60 -y 20
login agt pmartin martin-pass-1
keys agt m
wait_for_text "Nothing assigned to you" 10 agt

# The supervisor assigns the leak from its detail.
keys sup w
wait_for_text "$leak_no" 10 sup
keys sup /
wait_for_text "Filter the work orders" 5 sup
keys sup Tab Tab Tab Tab
typing sup "vanne"
keys sup F2
wait_gone "$hedge_no" 10 sup
wait_for_text "$leak_no" 10 sup
keys sup Enter
wait_for_text "1 Info" 10 sup
keys sup a
wait_for_text "Assign $leak_no" 10 sup
keys sup Enter
typing sup "paul"
wait_for_text "[ ] PMA Paul Martin" 5 sup
keys sup Space Enter F2
wait_until 10 "the leak assigned, on the supervisor's screen" \
    eval 'screen sup | grep -q "Status *assigned"'

# The agent pressed nothing: the work is there, marked new.
wait_until 10 "the leak in My work, marked new" \
    eval 'screen agt | grep -q "● $leak_no"'
wait_for_text "New work: $leak_no" 5 agt

# The supervisor books the hedges on the planning board, next week.
keys sup Escape Escape Escape
wait_for_text "Hello," 5 sup
keys sup p
# Both wait for a booking, the urgent leak first.
wait_for_text "Unplanned (2)" 10 sup
wait_for_text "Paul Martin" 5 sup
week_line=$(screen sup | sed -n 2p)
keys sup ">"
wait_until 10 "the next week shown" eval '[ "$(screen sup | sed -n 2p)" != "$week_line" ]'
keys sup Tab Down Enter
wait_for_text "Selected $hedge_no" 5 sup
keys sup a
wait_for_text "$hedge_no assigned to Paul Martin" 10 sup
wait_for_text "Unplanned (1)" 10 sup
wait_until 10 "the hedges in My work, marked new" \
    eval 'screen agt | grep -q "● $hedge_no"'
wait_for_text "[1/1] $hedge_no Taille des haies" 5 sup
# At 80x24 the whole week fits: seven cells and the occupancy.
screen sup | grep -qE "^Paul Martin( +([0-9.]+/[0-9.]+|·)){7} +[0-9]+%$" ||
    fail "the week does not fit at 80 columns"
# The service's occupancy in the header is the server's.
occupancy=$(rcall plan.week "{service_id: $svc, week: \"$(date -d '+7 days' +%F)\"}" |
    grep -o '"occupancy": [0-9.]*' | head -n 1 | awk '{ printf "%d", $2 * 100 + 0.5 }')
[ -n "$occupancy" ] && [ "$occupancy" -gt 0 ] || fail "no occupancy from the server"
wait_for_text "h, $occupancy %" 5 sup

# Moved a day later, then removed: the hedges wait for a booking again.
keys sup m
wait_for_text "Moving $hedge_no" 5 sup
keys sup Right Enter
wait_for_text "Planning saved" 10 sup
wait_for_text "[1/1] $hedge_no" 10 sup
screen sup | grep -qE "^Paul Martin +[0-9.]+/[0-9.]+ +[1-9][0-9.]*/" ||
    fail "the booking is not on the next day"
keys sup x
wait_for_text "Remove the booking of Paul Martin for $hedge_no" 5 sup
keys sup y
wait_for_text "Unplanned (2)" 10 sup

# Opened once, no longer new.
keys agt Enter
wait_for_text "1 Info" 10 agt
wait_for_text "La vanne fuit" 10 agt
keys agt Escape
wait_until 10 "the leak no longer marked" \
    eval 'screen agt | grep -q "^  $leak_no"'
screen agt | grep -q "● $hedge_no" || fail "the hedges lost their mark"

# Start, 2.5 hours today, a part, finish with codes.
in_progress() {	# the leak's row says in progress
	screen agt | grep -q "$leak_no in progress"
}
keys agt s
wait_for_text "$leak_no: started" 10 agt
wait_until 10 "the leak in progress" in_progress
keys agt p
wait_for_text "Pause — $leak_no" 5 agt
typing agt "Attente du joint"
keys agt F2
wait_for_text "Paused: Attente du joint" 10 agt
keys agt c
wait_for_text "$leak_no: resumed" 10 agt
wait_until 10 "the leak in progress again" in_progress
keys agt h
wait_for_text "Hours *" 5 agt
typing agt "2,5"
keys agt F2
wait_for_text "$leak_no: hours recorded" 10 agt
keys agt m
wait_for_text "Unit cost *" 5 agt
typing agt "Joint de vanne 1/2"
keys agt Tab Tab
typing agt "12,40"
keys agt F2
wait_for_text "$leak_no: part recorded" 10 agt
# A wrong entry, removed from the work order's material tab.
keys agt m
wait_for_text "Unit cost *" 5 agt
typing agt "Erreur de saisie"
keys agt Tab Tab
typing agt "99"
keys agt F2
wait_for_text "$leak_no: part recorded" 10 agt
keys agt Enter
wait_for_text "1 Info" 10 agt
keys agt 3
wait_for_text "Erreur de saisie" 10 agt
keys agt Down d
wait_for_text "Remove the line “Erreur de saisie" 5 agt
keys agt y
wait_for_text "$leak_no: line removed" 10 agt
wait_gone "Erreur de saisie" 10 agt
keys agt Escape
wait_gone "1 Info" 5 agt
wait_until 10 "back on the leak, in progress" in_progress
keys agt f
wait_for_text "Problem" 5 agt
keys agt Enter
typing agt "leak"
wait_for_text "LEAK Leak" 5 agt
keys agt Enter Tab Enter
typing agt "worn"
wait_for_text "WORN-SEAL Worn seal (LEAK)" 5 agt
keys agt Enter Tab Enter
typing agt "replaced the seal"
wait_for_text "REPLACE-SEAL Replaced the seal" 5 agt
keys agt Enter Tab
typing agt "Joint changé, essai OK"
keys agt F2
wait_for_text "$leak_no: finished" 10 agt
wait_gone "$leak_no " 10 agt

# The supervisor sees the real cost, from the agent's own rate, and
# closes after reading it once more in the question.
keys sup Escape
wait_for_text "Hello," 5 sup
keys sup w
wait_for_text "$leak_no" 10 sup
keys sup /
wait_for_text "Filter the work orders" 5 sup
keys sup Tab Tab Tab Tab
typing sup "vanne"
keys sup F2
wait_gone "$hedge_no" 10 sup
wait_for_text "$leak_no" 10 sup
keys sup Enter
wait_for_text "1 Info" 10 sup
wait_until 10 "the labour at the agent's rate ($rate x 2.5 = $labour)" \
    eval 'screen sup | grep -q "Labour *$labour €"'
screen sup | grep -q "Material *12.40 €" || fail "the part is not in the material cost"
screen sup | grep -q "Real cost *$total €" || fail "the real cost is not $total €"
screen sup | grep -q "Cause *WORN-SEAL Worn seal" || fail "the codes are not shown"
keys sup c
wait_for_text "Close $leak_no?" 10 sup
wait_for_text "Real cost: $total €" 5 sup
keys sup y
wait_until 10 "the work order closed" eval 'screen sup | grep -q "Status *closed"'
rcall workorder.get "{id: $leak}" | grep -q '"status": "closed"' ||
    fail "the server does not hold it closed"
# Closed, it takes no more hours (the agent's list no longer has it).
rcall workorder.add_labour "{id: $leak, day: \"2020-06-01\", hours: \"1\", agent_id: $agent}" \
    >/dev/null 2>&1 && fail "a closed work order took hours"
finish
