#!/bin/bash
# Estate → Assets: find an asset by typing part of its name, open it,
# record a condition and see it in the history; the type's attributes
# with their labels; parent and children with single keys; a change made
# elsewhere shows without a key press; the detail at 60x20; the tree
# with accented names aligned; the form shows the chosen type's
# attributes and the server's error on the attribute it names.
. "$(dirname "$0")/lib.sh"
setup assets

# A small estate, loaded as any client would.
id_of() {	# the first "id" of rcall's JSON answer
	sed -n 's/^{"id": \([0-9]*\).*/\1/p'
}
call_id() {	# METHOD JSON: the id of what was made (empty on failure)
	local out
	out=$(rcall "$@") || { echo "rcall $1: $out" >&2; return 1; }
	echo "$out" | id_of
}
type_id() {
	call_id asset_type.get "{code: \"$1\"}"
}
svc=$(call_id service.create '{code: "EV", name: "Espaces verts"}')
site=$(call_id site.create '{code: "PARC-ORME", name: "Parc de l'"'"'Orme",
    address: "12 allée des Tilleuls", lat: "46.3400", lon: "3.4700"}')
t_green=$(type_id green_space)
t_tree=$(type_id tree)
t_building=$(type_id building)
t_floor=$(type_id floor)
park=$(call_id asset.create "{name: \"Parc de l'Orme\", type_id: $t_green,
    service_id: $svc, site_id: $site,
    attributes: \"{\\\"kind\\\": \\\"park\\\", \\\"area\\\": 12000}\"}")
maple=$(call_id asset.create "{name: \"Érable sycomore du kiosque\", type_id: $t_tree,
    parent_id: $park, condition: 4,
    attributes: \"{\\\"species\\\": \\\"Acer pseudoplatanus\\\", \\\"height\\\": 14.5}\"}")
call_id asset.create "{name: \"Tilleul à grandes feuilles\", type_id: $t_tree, parent_id: $park,
    attributes: \"{\\\"species\\\": \\\"Tilia cordata\\\"}\"}" >/dev/null
square=$(call_id asset.create "{name: \"Square Émile-Zola\", type_id: $t_green,
    service_id: $svc, attributes: \"{\\\"kind\\\": \\\"garden\\\", \\\"area\\\": 800}\"}")
hall=$(call_id asset.create "{name: \"Hôtel de ville\", type_id: $t_building,
    service_id: $svc, attributes: \"{\\\"floor_area\\\": 1914.5}\"}")
call_id asset.create "{name: \"Rez-de-chaussée\", type_id: $t_floor, parent_id: $hall,
    attributes: \"{\\\"level\\\": 0}\"}" >/dev/null
[ -n "$svc" ] && [ -n "$park" ] && [ -n "$maple" ] && [ -n "$square" ] && [ -n "$hall" ] ||
    fail "the estate was not loaded"

start_regie main
login main
keys main e
wait_for_text "Assets" 10
wait_for_text "Hôtel de ville" 10

# Find by typing part of a name: the answer comes as one types.
keys main /
wait_for_text "Search:" 5
typing main "sycom"
wait_for_text "Érable sycomore" 5
expect_not "Tilleul"
keys main Enter
wait_for_text "1 Info" 5
wait_for_text "Parc de l'Orme" 5
wait_for_text "4/5" 5

# The type's attributes, with the type's labels and units.
keys main 2
wait_for_text "Species" 5
screen | grep -q "Height *14.5 m" || fail "attribute height not shown with its unit"

# A new condition through the dialog; it is in the history at once.
keys main c
wait_for_text "Score *" 5
keys main Enter
typing main "2"
wait_for_text "2 — bad" 5
keys main Enter Tab
typing main "Branche cassée côté allée"
keys main F2
wait_for_text "Condition 2 recorded" 10
keys main 4
wait_for_text "Branche cassée côté allée" 5
screen | grep -q " 2 Branche cassée côté allée *Alice Admin" ||
    fail "the history does not show the new score, note and author"
keys main 1
wait_for_text "2/5" 5

# At 60x20 the detail still shows its tabs, the history and the key bar.
keys main 4
t resize-window -t regie:main -x 60 -y 20
wait_until 5 "60x20" eval '[ "$(screen | wc -L)" -le 60 ] && [ "$(screen | wc -l)" -eq 20 ]'
wait_for_text "4 History" 5
wait_for_text "Branche cassée" 5
screen | tail -n 1 | grep -q "c Condition" || fail "no key bar at 60x20"
t resize-window -t regie:main -x 80 -y 24
wait_until 5 "80x24" eval '[ "$(screen | wc -l)" -eq 24 ]'

# Changed by someone else: shown without a key press.
rcall asset.set_condition "{id: $maple, score: 5, note: \"Élagage fait\"}" >/dev/null ||
    fail "rcall asset.set_condition"
wait_for_text "Élagage fait" 10

# Emptied in the edit form, cleared for good: the date and the amount.
version=$(rcall asset.get "{id: $maple}" | sed -n 's/.*"version": \([0-9]*\).*/\1/p')
rcall asset.update "{id: $maple, version: $version, commissioned: \"2015-04-01\",
    replacement_value: \"1200.00\"}" >/dev/null || fail "rcall asset.update"
keys main 1
wait_until 10 "the date and amount shown" eval \
    'screen | grep -qE "Commissioned +[0-9]" && screen | grep -qE "Replacement +[0-9]"'
keys main e
wait_for_text "Replacement value" 5
for i in 1 2 3 4 5 6 7; do
	keys main Tab
done
keys main C-u Tab C-u F2
wait_gone "Replacement value" 10
wait_until 10 "the date and amount cleared" eval \
    '! screen | grep -qE "Commissioned +[0-9]|Replacement +[0-9]"'
[ -z "$(rcall asset.get "{id: $maple}" | grep -E '"commissioned": "|"replacement_value": "')" ] ||
    fail "the date or the amount was not cleared on the server"
keys main 4

# Move: the new parent is found by searching, then confirmed.
keys main m
wait_for_text "Search:" 5
typing main "zola"
wait_for_text "Square Émile-Zola" 5
keys main Enter
wait_for_text "Émile-Zola?" 5
keys main y
wait_for_text "Moved" 10
keys main 1
wait_until 5 "the new parent shown" eval 'screen | grep -q "Parent *EV-[0-9]* Square Émile-Zola"'

# Parent with p (on its children), back, children with C.
keys main p
wait_for_text "Cond." 5
wait_for_text "Érable sycomore du kiosque" 5
expect_not "Tilleul"
# A child made elsewhere shows without a key press: its event names the
# new asset only, so the page looks up where it landed.
call_id asset.create "{name: \"Cerisier du Japon\", type_id: $t_tree, parent_id: $square,
    attributes: \"{\\\"species\\\": \\\"Prunus serrulata\\\"}\"}" >/dev/null ||
    fail "rcall asset.create"
wait_for_text "Cerisier du Japon" 10
keys main 1
wait_until 5 "the square's page" eval 'screen | grep -q "Name *Square Émile-Zola"'
keys main Escape
wait_gone "Cond." 5
keys main C
wait_for_text "Nothing inside" 5

# The tree: sites first, then what is at the top of each, then inside;
# accented names keep the columns aligned.
keys main Escape
wait_for_text "Search:" 5
keys main Escape
wait_gone "Search:" 5
keys main t
wait_for_text "PARC-ORME Parc de l'Orme" 5
wait_for_text "Everything at the top" 5
keys main Home Right
at_depth() {	# DEPTH NAME: a row that many levels in
	screen | grep -qE "^ {$(($1 * 2))}[▸▾ ] [A-Z]+-[0-9]+ $2"
}
wait_until 5 "the park asset under its site" at_depth 1 "Parc de l'Orme"
keys main Down Right
wait_until 5 "the park's trees under it" at_depth 2 "Tilleul à grandes feuilles"
at_depth 2 "Érable" && fail "the maple moved away, yet is still under the park"
# Every row has its type at the same column, whatever the accents before.
widths=$(screen | grep -E "^ *[▸▾ ] [A-Z]+-[0-9]+ " | while IFS= read -r line; do
	prefix=${line%% Tree*}
	[ "$prefix" = "$line" ] && prefix=${line%% Green space*}
	echo "${#prefix}"
    done | sort -u)
[ "$(echo "$widths" | wc -l)" -eq 1 ] && [ "$(screen | grep -cE "^ *[▸▾ ] [A-Z]+-[0-9]+ ")" -ge 2 ] ||
    fail "tree columns do not line up with accented names: $widths"
keys main Left
wait_gone "Tilleul" 5
# The group of everything at the top holds the town hall, on no site.
keys main End Right
wait_until 5 "the town hall in the group" at_depth 1 "Hôtel de ville"

# A new asset: choosing the type brings its attributes into the form; the
# server's verdict on one of them lands on that field.
keys main n
wait_for_text "New asset" 5
keys main Tab
typing main "Chêne de la Liberté"
keys main Tab
typing main "tree"
wait_for_text "Tree" 5
keys main Enter
wait_for_text "Species *" 5
wait_for_text "Planting year" 5
# Inside: a picker that searches the server as one types.
keys main Tab
typing main "Parc de l"
wait_for_text "Parc de l'Orme" 5
keys main Enter
wait_until 5 "the park chosen" eval 'screen | grep -q "Inside *[A-Z]*-[0-9]* Parc de l.Orme"'
for i in 1 2 3 4 5 6 7 8 9; do
	keys main Tab
done
typing main "Quercus robur"
keys main Tab Tab
typing main "1200"
keys main F2
wait_for_text "! planting_year must be between" 10
screen | grep -A1 "Planting year" | grep -q "! " || fail "server error not on its field"
keys main C-u
typing main "1848"
keys main F2
wait_for_text "created" 10
# A viewer reads the estate and gets the changes, but is offered no
# change to make.
rcall user.create '{login: "vlegrand", name: "Véronique Legrand", roles: ["viewer"],
    password: "legrand-pass-1"}' >/dev/null || fail "rcall user.create"
start_regie viewer
login viewer vlegrand legrand-pass-1
wait_for_text "Assets" 5 viewer
keys viewer e /
typing viewer "chêne"
wait_for_text "Chêne de la Liberté" 5 viewer
keys viewer Enter
wait_for_text "1 Info" 5 viewer
wait_for_text "Next tab" 5 viewer
screen viewer | tail -n 1 | grep -qE "c Condition|e Edit|m Move" &&
    fail "a viewer is offered changes"
keys viewer c
expect_not "Score *" viewer
rcall asset.set_condition "{id: $(rcall asset.search '{query: "chene de la"}' |
    sed -n 's/^{"items": \[{"id": \([0-9]*\).*/\1/p'), score: 1, note: \"Foudroyé\"}" \
    >/dev/null || fail "rcall asset.set_condition"
wait_for_text "1/5" 10 viewer
finish
