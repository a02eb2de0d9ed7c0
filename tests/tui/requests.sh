#!/bin/bash
# Requests end to end, with two clients side by side: a school's referent
# files a request in the form (the server's error lands on its field);
# the supervisor's validation queue shows it without a key press and
# approves it; the referent's "My requests" shows it approved with its
# work order number. Then reject with a reason, a question answered by
# the referent (who then corrects the contact), a duplicate picked among
# the open requests of the same site, a request sent to another service,
# a bulk approval of two with the result of each, and the marks of
# a request nearly due and of one past its target date (also in
# monochrome: the supervisor runs with NO_COLOR).
. "$(dirname "$0")/lib.sh"
setup requests

id_of() {	# the first "id" of rcall's JSON answer
	sed -n 's/^{"id": \([0-9]*\).*/\1/p'
}
call_id() {	# METHOD JSON: the id of what was made (empty on failure)
	local out
	out=$(rcall "$@") || { echo "rcall $1: $out" >&2; return 1; }
	echo "$out" | id_of
}
as_referent() {	# METHOD JSON: a call as the referent
	"$rcall_bin" -s "$sock" -u mdupont -p dupont-pass-1 "$@"
}
file() {	# DESCRIPTION [URGENCY]: the referent files a request on the school
	as_referent request.submit "{site_id: $school, category_id: $plumbing,
	    description: \"$1\", urgency: \"${2:-normal}\"}" >/dev/null ||
	    fail "rcall request.submit $1"
}
row() {		# WINDOW TEXT: the screen line holding TEXT
	screen "$1" | grep -F -- "$2"
}
cursor_on() {	# WINDOW TEXT: the line holding TEXT is the cursor's (reverse
		# video in monochrome, cyan in colour)
	t capture-pane -p -e -t "regie:$1" | grep -F -- "$2" | grep -qE $'\e\\[([0-9;]*;)?(7|46)m'
}

svc=$(call_id service.create '{code: "BAT", name: "Bâtiments"}')
school=$(call_id site.create '{code: "EC-JAURES", name: "École Jean-Jaurès",
    address: "3 rue des Écoles"}')
call_id site.create '{code: "GYM-NORD", name: "Gymnase Nord"}' >/dev/null
call_id service.create '{code: "EV", name: "Espaces verts"}' >/dev/null
plumbing=$(rcall category.list | grep -o '"id": [0-9]*, "code": "plumbing"' | grep -o '[0-9]*')
version=$(rcall category.get "{id: $plumbing}" 2>/dev/null | grep -o '"version": [0-9]*' |
    grep -o '[0-9]*')
rcall category.update "{id: $plumbing, version: ${version:-1}, service_id: $svc}" >/dev/null ||
    fail "rcall category.update"
call_id user.create "{login: \"mdupont\", name: \"Marie Dupont\", roles: [\"referent\"],
    sites: [$school], password: \"dupont-pass-1\"}" >/dev/null
call_id user.create "{login: \"jmartin\", name: \"Jean Martin\", roles: [\"supervisor\"],
    services: [$svc], password: \"martin-pass-1\"}" >/dev/null
[ -n "$svc" ] && [ -n "$school" ] && [ -n "$plumbing" ] || fail "the data was not loaded"

start_regie sup NO_COLOR=1
login sup jmartin martin-pass-1
keys sup v
wait_for_text "Nothing waits for a decision" 10 sup
start_regie ref
login ref mdupont dupont-pass-1
keys ref n
wait_for_text "New request" 5 ref
# Leaving a form with something chosen asks first; yes leaves it.
typing ref "jaur"
wait_for_text "EC-JAURES École Jean-Jaurès" 10 ref
keys ref Enter
wait_until 5 "the site chosen" eval 'row ref "Site " | grep -q "EC-JAURES"'
keys ref Escape
wait_for_text "The request is not filed. Leave anyway?" 5 ref
keys ref y
wait_gone "EC-JAURES" 5 ref
keys ref n
wait_for_text "New request" 5 ref
wait_until 5 "a fresh form" eval '! row ref "Site " | grep -q "EC-JAURES"'
# The form: the site picked among the referent's sites only; a category
# nobody routed yet is refused by the server, on its field.
typing ref "jaur"
wait_for_text "EC-JAURES École Jean-Jaurès" 10 ref
expect_not "GYM-NORD" ref
keys ref Enter
wait_until 5 "the site chosen" eval 'row ref "Site " | grep -q "EC-JAURES"'
keys ref Tab Tab
typing ref "heat"
wait_for_text "Heating (not routed yet)" 5 ref
keys ref Enter Tab Tab
typing ref "Fuite sous l'évier de la cantine"
keys ref F2
wait_for_text "is not routed to a service yet" 10 ref
screen ref | grep -A1 "Category" | grep -q "! the category" ||
    fail "the server's error is not on the category field"
keys ref C-u
typing ref "plumb"
wait_for_text "Plumbing → Bâtiments" 5 ref
keys ref Enter F2
# Filed: its number is announced and the request opens.
wait_for_text "Request DI-" 10 ref
wait_for_text "Timeline" 5 ref
number=$(screen ref | grep -o "DI-[0-9]*-[0-9]*" | head -n 1)
[ -n "$number" ] || fail "no request number shown"

# The supervisor's queue shows it without a key press.
wait_for_text "$number" 10 sup
wait_for_text "Fuite sou" 5 sup
keys sup a
wait_for_text "Approve $number" 5 sup
wait_for_text "Bâtiments" 5 sup
keys sup F2
wait_for_text "approved: work order OT-" 10 sup
wo=$(screen sup | grep -o "OT-[0-9]*-[0-9]*" | head -n 1)
wait_for_text "Nothing waits for a decision" 5 sup
# The referent's open request follows, then "My requests" shows it
# approved with its work order.
wait_for_text "$number — approved" 10 ref
wait_for_text "Work order  $wo" 5 ref
keys ref Escape
wait_for_text "Hello," 5 ref
keys ref r
wait_for_text "My requests" 5 ref
wait_until 10 "approved with $wo in My requests" eval 'row ref "$number" | grep -q "approved.*$wo"'

# Reject, with a reason (required: the dialog will not go without one).
file "Robinet qui goutte"
wait_for_text "Robinet qui" 10 sup
keys sup r
wait_for_text "Reject DI-" 5 sup
keys sup F2
wait_for_text "Reason" 5 sup
typing sup "Déjà réparé ce matin"
keys sup F2
wait_for_text ": rejected" 10 sup
wait_until 10 "rejected in My requests" eval 'row ref "DI-" | grep -q "rejected"'

# A question: the request leaves the queue until the referent answers
# it from its page; then it is back, marked as answered.
file "Chasse d'eau bloquée"
wait_for_text "Chasse d" 10 sup
keys sup i
wait_for_text "Ask about DI-" 5 sup
typing sup "Quel étage ?"
keys sup F2
wait_for_text "Nothing waits for a decision" 10 sup
wait_until 10 "needs info in My requests" eval 'row ref "DI-" | grep -q "needs info"'
keys ref Home
wait_until 5 "cursor on the question" cursor_on ref "needs info"
keys ref Enter
wait_for_text "Question" 5 ref
wait_for_text "Quel étage ?" 5 ref
keys ref a
wait_for_text "Answer *" 5 ref
typing ref "Premier étage, toilettes filles"
keys ref F2
wait_for_text "— submitted" 10 ref
wait_for_text "Premier étage, toilettes filles" 5 ref
wait_for_text "(answered) Chasse" 10 sup
# The requester corrects the contact while it waits.
keys ref e
wait_for_text "Correct the request" 5 ref
keys ref Tab Tab C-u
typing ref "Poste 214"
keys ref F2
wait_for_text "corrected" 10 ref
wait_for_text "changed: contact" 5 ref
wait_for_text "Poste 214" 5 ref

# A duplicate: the original is picked among the open requests of the
# same site (here the one just answered).
file "WC filles HS"
wait_for_text "WC filles HS" 10 sup
keys sup Down
wait_until 5 "cursor on the new one" cursor_on sup "WC filles HS"
keys sup d
wait_for_text "duplicates…" 5 sup
wait_for_text "Original *" 5 sup
screen sup | grep -q "Chasse d'eau bloquée" || fail "the original is not offered"
keys sup F2
wait_for_text ": duplicate" 10 sup
wait_gone "WC filles HS" 5 sup

# Sent to another service: it leaves this queue.
file "Arrosage en panne"
wait_for_text "Arrosage en" 10 sup
keys sup End
wait_until 5 "cursor on the new request" cursor_on sup "Arrosage en"
keys sup s
wait_for_text "to" 5 sup
wait_for_text "Service *" 5 sup
typing sup "espaces"
wait_for_text "Espaces verts" 5 sup
keys sup Enter F2
wait_for_text "sent to Espaces verts" 10 sup
wait_gone "Arrosage en" 5 sup

# Bulk: two selected with Space, approved at once; each one's result.
file "Radiateur 4"
file "Radiateur 5"
wait_for_text "Radiateur 5" 10 sup
keys sup Home Down Space Space
wait_for_text "2 selected" 5 sup
keys sup a
wait_for_text "Approve 2 requests" 5 sup
keys sup F2
wait_for_text "2 done, 0 refused" 10 sup
[ "$(screen sup | grep -c "approved: work order OT-")" -eq 2 ] ||
    fail "the result of each approval is not shown"
keys sup Enter
wait_gone "Radiateur" 5 sup

# Marks: a request due today (!), one past its target date (!!), the
# latter bold even without colour.
file "Porte du préau forcée" urgent
wait_for_text "Porte du pr" 10 sup
# Dated by hand, so that public holidays cannot move the marks.
psql "$conninfo" -qAt -c "update requests set target_date = current_date - 2
    where description like 'Chasse d''eau bloq%';
    update requests set target_date = current_date where description like 'Porte du%'" \
    >/dev/null || fail "psql"
keys sup F5
wait_until 10 "late mark" eval 'row sup "Chasse" | grep -qE "^ *!! +DI-.* -2$"'
wait_until 5 "due mark" eval 'row sup "Porte du" | grep -qE "^ *! +DI-.* 0$"'
# Off the cursor row (reverse video), the late mark is drawn bold.
keys sup Home
late_bold() {	# an SGR with bold (1) just before the mark
	t capture-pane -p -e -t regie:sup | grep -q $'\e\\[[0-9;]*1[0-9;]*m!!'
}
wait_until 5 "the late mark bold in monochrome" late_bold
finish
