-- The workflow mix, direct: regiebench's six calls, each the statements
-- its handler runs, in their order, between the BEGIN and COMMIT that
-- serverd/dispatch.c puts around a mutating call (no request_key: no
-- idempotency lookup nor store). The checks a handler makes in C on what
-- it read (rights, versions, states) cost nothing here and are left out.
--
-- Variables (run.sh passes them): category, site, agent (the agents row)
-- and agent_ids ({agent}); the three callers' user ids referent,
-- supervisor, agent_user, and the scope regied gives each (NAME_reads_all,
-- NAME_sites for estate and request scope; NAME_wo_all, NAME_wo_agent,
-- NAME_wo_referent for WO_SCOPE, serverd/workorder.h); the words and
-- texts the handlers bind (method names m_*, ops op_*, statuses, the
-- request's description, the report's figures and its timeline notes):
-- pgbench's \set holds no strings, hence -D. A variable named null_* is
-- never set: pgbench binds it as NULL, as regied binds an absent optional
-- parameter (and 0 for an 'I' parameter). An empty string, which no
-- pgbench variable can hold, is written '' where regied binds "".
-- pgbench numbers each occurrence of a variable on its own where regied
-- reuses $n: a repeat is cast where PostgreSQL could not otherwise tell
-- its type. Results the next statements need are kept with \gset, as
-- the handlers keep them in C.

\set no false
\set yes true

-- 1. request.submit {category_id, site_id, urgency, description}, by the
-- referent: serverd/request.c request_submit (the category, request_place
-- for a site, the INSERT), request_event, request_record (its snapshot,
-- then regie_change: audit row + NOTIFY, serverd/db.c db_change), and
-- the answer, request_load (the request, its timeline, its duplicates).
BEGIN;
SELECT service_id, active, name FROM request_categories WHERE id = :category;
SELECT 1 FROM sites WHERE id = :site AND (:referent_reads_all::boolean OR
 id = ANY (:referent_sites::bigint[]));
INSERT INTO requests (number, category_id, service_id, asset_id, site_id,
 description, urgency, requester_id, requester_name, contact, desired_date,
 target_date, documents, created_by)
SELECT regie_next_number('DI'), cat.id, cat.service_id, :null_asset, :site, :description, :normal, :referent,
 COALESCE(:null_requester_name, (SELECT name FROM users WHERE id = :referent), '?'), '', :null_desired::date,
 regie_add_working_days(current_date, regie_category_delay(cat.id, :normal)), :no_documents, :referent
FROM request_categories cat WHERE cat.id = :category RETURNING id \gset request_
INSERT INTO request_events (request_id, user_id, kind, status, note,
 ref) VALUES (:request_id, :referent, :status, :submitted, '', :null_ref);
SELECT (request_snapshot(r.id) || CASE WHEN :no THEN
 jsonb_build_object('work_order', work_order_snapshot(r.work_order_id))
 ELSE '{}' END)::text, r.service_id, r.site_id, COALESCE(r.requester_id, r.created_by)
FROM requests r WHERE r.id = :request_id \gset after_
SELECT regie_change(:referent, :m_submit, :e_request, :request_id, :null_before::jsonb,
 :after_text::jsonb, :op_submit, :after_service_id, :after_site_id, :after_coalesce);
SELECT r.id, r.number, r.status, r.category_id, c.code AS category,
 c.name AS category_name, r.service_id, s.code AS service_code,
 s.name AS service_name, r.asset_id, a.code AS asset_code, a.name AS asset_name,
 r.site_id, si.code AS site_code, si.name AS site_name, r.description, r.urgency,
 regie_urgency_rank(r.urgency) AS urgency_rank, r.requester_id, r.requester_name,
 r.contact, r.desired_date, r.target_date,
 CASE WHEN r.status IN ('submitted', 'needs_info')
   THEN r.target_date - current_date END AS days_left,
 r.documents, r.created_by, cb.login AS created_by_login, r.created, r.updated,
 r.decided_by, r.decided, r.reason, r.question, r.duplicate_of,
 d.number AS duplicate_of_number, r.work_order_id, w.number AS work_order_number,
 w.status AS work_order_status, r.version
FROM requests r JOIN request_categories c ON c.id = r.category_id
 JOIN services s ON s.id = r.service_id
 LEFT JOIN assets a ON a.id = r.asset_id LEFT JOIN sites si ON si.id = r.site_id
 LEFT JOIN users cb ON cb.id = r.created_by
 LEFT JOIN requests d ON d.id = r.duplicate_of
 LEFT JOIN work_orders w ON w.id = r.work_order_id
WHERE (:referent_reads_all::boolean OR r.site_id = ANY (:referent_sites::bigint[]) OR r.requester_id = :referent
 OR r.created_by = :referent) AND r.id = :request_id;
SELECT e.id, e.at, e.user_id, u.login AS user_login, u.name AS user_name,
 e.kind, e.status, e.note, e.ref FROM request_events e
 LEFT JOIN users u ON u.id = e.user_id WHERE e.request_id = :request_id ORDER BY e.id;
SELECT id, number, status FROM requests WHERE duplicate_of = :request_id
 ORDER BY id;
COMMIT;

-- 2. request.approve {id, version}, by the supervisor: serverd/request.c
-- request_do_approve (request_lock FOR UPDATE with its snapshot, the work
-- order's INSERT, the request's UPDATE, request_event, the "workorder"
-- NOTIFY), request_record with the work order (regie_change), and the
-- answer, request_load.
BEGIN;
SELECT request_snapshot(r.id)::text, r.version, r.service_id,
 r.site_id, r.asset_id, r.requester_id, r.created_by, r.status, r.number
FROM requests r WHERE (:supervisor_reads_all::boolean OR r.site_id = ANY (:supervisor_sites::bigint[]) OR r.requester_id = :supervisor
 OR r.created_by = :supervisor) AND r.id = :request_id FOR UPDATE \gset lock_
INSERT INTO work_orders (number, type, status, priority, asset_id, site_id,
 service_id, title, description, request_id, planned_start, planned_end, target_date,
 created_by) SELECT regie_next_number('OT'), 'corrective', 'planned',
 COALESCE(:null_priority, r.urgency), r.asset_id, r.site_id, COALESCE(:null_service, r.service_id),
 COALESCE(:null_title, left(c.name || ' — ' || COALESCE(a.name, si.name), 200)),
 r.description, r.id, :null_start::date, :null_end::date, r.target_date, :supervisor
FROM requests r JOIN request_categories c ON c.id = r.category_id
 LEFT JOIN assets a ON a.id = r.asset_id LEFT JOIN sites si ON si.id = r.site_id
WHERE r.id = :request_id RETURNING id, number, service_id \gset wo_
UPDATE requests SET status = 'approved', work_order_id = :wo_id,
 decided_by = :supervisor, decided = now(), updated = now(), version = version + 1
WHERE id = :request_id;
INSERT INTO request_events (request_id, user_id, kind, status, note,
 ref) VALUES (:request_id, :supervisor, :status, :approved, '', :wo_number);
SELECT pg_notify('regie', json_build_object('topic', 'workorder',
 'op', 'create', 'id', :wo_id::bigint, 'service', :wo_service_id::bigint, 'site', :lock_site_id::bigint,
 'owner', NULL, 'by', :supervisor::bigint)::text);
SELECT (request_snapshot(r.id) || CASE WHEN :yes THEN
 jsonb_build_object('work_order', work_order_snapshot(r.work_order_id))
 ELSE '{}' END)::text, r.service_id, r.site_id, COALESCE(r.requester_id, r.created_by)
FROM requests r WHERE r.id = :request_id \gset after_
SELECT regie_change(:supervisor, :m_approve, :e_request, :request_id, :lock_request_snapshot::jsonb,
 :after_text::jsonb, :op_approve, :after_service_id, :after_site_id, :after_coalesce);
SELECT r.id, r.number, r.status, r.category_id, c.code AS category,
 c.name AS category_name, r.service_id, s.code AS service_code,
 s.name AS service_name, r.asset_id, a.code AS asset_code, a.name AS asset_name,
 r.site_id, si.code AS site_code, si.name AS site_name, r.description, r.urgency,
 regie_urgency_rank(r.urgency) AS urgency_rank, r.requester_id, r.requester_name,
 r.contact, r.desired_date, r.target_date,
 CASE WHEN r.status IN ('submitted', 'needs_info')
   THEN r.target_date - current_date END AS days_left,
 r.documents, r.created_by, cb.login AS created_by_login, r.created, r.updated,
 r.decided_by, r.decided, r.reason, r.question, r.duplicate_of,
 d.number AS duplicate_of_number, r.work_order_id, w.number AS work_order_number,
 w.status AS work_order_status, r.version
FROM requests r JOIN request_categories c ON c.id = r.category_id
 JOIN services s ON s.id = r.service_id
 LEFT JOIN assets a ON a.id = r.asset_id LEFT JOIN sites si ON si.id = r.site_id
 LEFT JOIN users cb ON cb.id = r.created_by
 LEFT JOIN requests d ON d.id = r.duplicate_of
 LEFT JOIN work_orders w ON w.id = r.work_order_id
WHERE (:supervisor_reads_all::boolean OR r.site_id = ANY (:supervisor_sites::bigint[]) OR r.requester_id = :supervisor
 OR r.created_by = :supervisor) AND r.id = :request_id;
SELECT e.id, e.at, e.user_id, u.login AS user_login, u.name AS user_name,
 e.kind, e.status, e.note, e.ref FROM request_events e
 LEFT JOIN users u ON u.id = e.user_id WHERE e.request_id = :request_id ORDER BY e.id;
SELECT id, number, status FROM requests WHERE duplicate_of = :request_id
 ORDER BY id;
COMMIT;

-- The work order's four calls share serverd/workorder.c wo_lock
-- (set_config('regie.user_id'), which the request-following trigger
-- reads, then the row FOR UPDATE with its snapshot), wo_timeline,
-- wo_record (the snapshot after, regie_change: audit row + NOTIFY, then
-- the assignees' NOTIFY) and the answer, serverd/workorder_list.c
-- wo_load (the work order, its labour, material, services, timeline).

-- 3. workorder.assign {id, version, agent_ids: [agent]}, by the
-- supervisor: workorder_assign (wo_begin = wo_lock; the assignees no
-- longer listed removed and told; wo_assignee_add: the agent, its INSERT
-- with the work order planned -> assigned, the "assign" timeline row
-- with the new status and the agent's name, its NOTIFY; the final
-- UPDATE), wo_record, wo_load.
BEGIN;
SELECT set_config('regie.user_id', :supervisor::text, true);
SELECT work_order_snapshot(w.id)::text, w.version, w.service_id,
 w.site_id, w.request_id, w.status, w.number, EXISTS (SELECT 1 FROM
 work_order_assignees mx JOIN agents ma ON ma.id = mx.agent_id
 WHERE mx.work_order_id = w.id AND ma.user_id = :supervisor)
FROM work_orders w LEFT JOIN requests r ON r.id = w.request_id
WHERE (:supervisor_wo_all::boolean OR (:supervisor_wo_agent::boolean AND EXISTS (SELECT 1 FROM work_order_assignees sx
   JOIN agents sa ON sa.id = sx.agent_id WHERE sx.work_order_id = w.id
   AND sa.user_id = :supervisor))
 OR (:supervisor_wo_referent::boolean AND r.id IS NOT NULL AND (r.site_id = ANY (:supervisor_sites::bigint[])
   OR r.requester_id = :supervisor OR r.created_by = :supervisor))) AND w.id = :wo_id FOR UPDATE OF w \gset lock_
WITH gone AS (DELETE FROM work_order_assignees x USING agents ag
 WHERE x.work_order_id = :wo_id AND ag.id = x.agent_id AND x.agent_id <> ALL (:agent_ids::bigint[])
 RETURNING ag.name, ag.user_id)
SELECT string_agg(name, ', ' ORDER BY name), count(*),
 count(pg_notify('regie', json_build_object('topic', 'workorder', 'op', 'unassign',
 'id', :wo_id::bigint, 'service', NULL, 'site', NULL, 'owner', user_id,
 'by', :supervisor::bigint)::text)) FILTER (WHERE user_id IS NOT NULL) FROM gone;
SELECT ag.service_id, ag.active, ag.name, EXISTS (SELECT 1
 FROM work_order_assignees x WHERE x.work_order_id = :wo_id AND x.agent_id = ag.id)
FROM agents ag WHERE ag.id = :agent \gset agent_
WITH x AS (INSERT INTO work_order_assignees (work_order_id, agent_id)
 VALUES (:wo_id, :agent)) UPDATE work_orders SET status = CASE status WHEN 'planned'
 THEN 'assigned' ELSE status END, updated = now(), version = version + 0
WHERE id = :wo_id RETURNING status \gset assigned_
INSERT INTO work_order_events (work_order_id, user_id, kind, status,
 note) VALUES (:wo_id, :supervisor, :op_assign, :assigned_status, :agent_name);
SELECT pg_notify('regie', json_build_object('topic', 'workorder',
 'op', :op_assign::text, 'id', :wo_id::bigint, 'service', NULL, 'site', NULL,
 'owner', ag.user_id, 'by', :supervisor::bigint)::text)
FROM work_order_assignees x JOIN agents ag ON ag.id = x.agent_id
WHERE x.work_order_id = :wo_id AND ag.user_id IS NOT NULL AND CASE WHEN :agent::bigint
 IS NULL THEN x.assigned <> now() ELSE x.agent_id = :agent END;
UPDATE work_orders w SET team_id = COALESCE(:null_team, team_id),
 status = CASE WHEN status = 'assigned' AND NOT EXISTS (SELECT 1 FROM
 work_order_assignees x WHERE x.work_order_id = w.id) THEN 'planned' ELSE status END,
 updated = now(), version = version + 1 WHERE id = :wo_id RETURNING status;
SELECT work_order_snapshot(w.id)::text, w.service_id, w.site_id
FROM work_orders w WHERE w.id = :wo_id \gset after_
SELECT regie_change(:supervisor, :m_assign, :e_workorder, :wo_id, :lock_work_order_snapshot::jsonb,
 :after_work_order_snapshot::jsonb, :op_assign, :after_service_id, :after_site_id, :null_owner);
SELECT pg_notify('regie', json_build_object('topic', 'workorder',
 'op', :op_assign::text, 'id', :wo_id::bigint, 'service', NULL, 'site', NULL,
 'owner', ag.user_id, 'by', :supervisor::bigint)::text)
FROM work_order_assignees x JOIN agents ag ON ag.id = x.agent_id
WHERE x.work_order_id = :wo_id AND ag.user_id IS NOT NULL AND CASE WHEN :null_agent::bigint
 IS NULL THEN x.assigned <> now() ELSE x.agent_id = :null_agent END;
SELECT w.id, w.number, w.type, w.status, w.priority, w.title, w.description,
 w.asset_id, a.code AS asset_code, a.name AS asset_name, w.site_id,
 si.name AS site_name, w.service_id, w.request_id, r.number AS request_number,
 w.planned_start, w.planned_end, w.target_date, w.team_id, w.contractor_id,
 w.hold_reason, w.started, w.done_at, w.closed_at, w.problem_id, w.cause_id,
 w.remedy_id, w.completion,
 (SELECT COALESCE(json_agg(json_build_object('agent_id', ag.id, 'name', ag.name,
   'user_id', ag.user_id) ORDER BY ag.name, ag.id), '[]')
   FROM work_order_assignees x JOIN agents ag ON ag.id = x.agent_id
   WHERE x.work_order_id = w.id)::text AS assignees,
 json_build_object('labour', COALESCE(w.cost_labour, k.labour)::text,
   'material', COALESCE(w.cost_material, k.material)::text,
   'services', COALESCE(w.cost_services, k.services)::text,
   'total', (COALESCE(w.cost_labour, k.labour) + COALESCE(w.cost_material, k.material) +
   COALESCE(w.cost_services, k.services))::text)::text AS cost,
 json_build_object('days_taken', w.done_at::date - w.created::date,
   'late', (CASE WHEN w.status = 'cancelled' OR w.target_date IS NULL THEN 0
     ELSE GREATEST(0, COALESCE(w.done_at::date, current_date) - w.target_date) END) > 0,
   'days_late', (CASE WHEN w.status = 'cancelled' OR w.target_date IS NULL THEN 0
     ELSE GREATEST(0, COALESCE(w.done_at::date, current_date) - w.target_date) END))::text AS delay,
 w.created, w.updated, w.version
FROM work_orders w JOIN work_order_costs k ON k.work_order_id = w.id
 LEFT JOIN assets a ON a.id = w.asset_id LEFT JOIN sites si ON si.id = w.site_id
 LEFT JOIN requests r ON r.id = w.request_id
WHERE (:supervisor_wo_all::boolean OR (:supervisor_wo_agent::boolean AND EXISTS (SELECT 1 FROM work_order_assignees sx
   JOIN agents sa ON sa.id = sx.agent_id WHERE sx.work_order_id = w.id
   AND sa.user_id = :supervisor))
 OR (:supervisor_wo_referent::boolean AND r.id IS NOT NULL AND (r.site_id = ANY (:supervisor_sites::bigint[])
   OR r.requester_id = :supervisor OR r.created_by = :supervisor))) AND w.id = :wo_id;
SELECT l.id, l.agent_id, ag.name AS agent_name,
 l.day, l.hours, l.rate, l.amount, l.note FROM work_order_labour l
 JOIN agents ag ON ag.id = l.agent_id WHERE l.work_order_id = :wo_id
 ORDER BY l.day, l.id;
SELECT id, description, item_id, quantity, unit,
 unit_cost, amount FROM work_order_material WHERE work_order_id = :wo_id ORDER BY id;
SELECT s.id, s.contractor_id,
 ct.name AS contractor_name, s.description, s.amount FROM work_order_services s
 JOIN contractors ct ON ct.id = s.contractor_id WHERE s.work_order_id = :wo_id
 ORDER BY s.id;
SELECT e.id, e.at, e.user_id, u.name AS user_name,
 e.kind, e.status, e.note FROM work_order_events e
 LEFT JOIN users u ON u.id = e.user_id WHERE e.work_order_id = :wo_id ORDER BY e.id;
COMMIT;

-- 4. workorder.start {id, version}, by the agent: wo_step (wo_lock, the
-- UPDATE), wo_end (wo_timeline, wo_record, wo_load).
BEGIN;
SELECT set_config('regie.user_id', :agent_user::text, true);
SELECT work_order_snapshot(w.id)::text, w.version, w.service_id,
 w.site_id, w.request_id, w.status, w.number, EXISTS (SELECT 1 FROM
 work_order_assignees mx JOIN agents ma ON ma.id = mx.agent_id
 WHERE mx.work_order_id = w.id AND ma.user_id = :agent_user)
FROM work_orders w LEFT JOIN requests r ON r.id = w.request_id
WHERE (:agent_user_wo_all::boolean OR (:agent_user_wo_agent::boolean AND EXISTS (SELECT 1 FROM work_order_assignees sx
   JOIN agents sa ON sa.id = sx.agent_id WHERE sx.work_order_id = w.id
   AND sa.user_id = :agent_user))
 OR (:agent_user_wo_referent::boolean AND r.id IS NOT NULL AND (r.site_id = ANY (:agent_user_sites::bigint[])
   OR r.requester_id = :agent_user OR r.created_by = :agent_user))) AND w.id = :wo_id FOR UPDATE OF w \gset lock_
UPDATE work_orders SET status = 'in_progress',
 started = COALESCE(started, now()), updated = now(), version = version + 1
WHERE id = :wo_id;
INSERT INTO work_order_events (work_order_id, user_id, kind, status,
 note) VALUES (:wo_id, :agent_user, :status, :in_progress, '');
SELECT work_order_snapshot(w.id)::text, w.service_id, w.site_id
FROM work_orders w WHERE w.id = :wo_id \gset after_
SELECT regie_change(:agent_user, :m_start, :e_workorder, :wo_id, :lock_work_order_snapshot::jsonb,
 :after_work_order_snapshot::jsonb, :op_start, :after_service_id, :after_site_id, :null_owner);
SELECT pg_notify('regie', json_build_object('topic', 'workorder',
 'op', :op_start::text, 'id', :wo_id::bigint, 'service', NULL, 'site', NULL,
 'owner', ag.user_id, 'by', :agent_user::bigint)::text)
FROM work_order_assignees x JOIN agents ag ON ag.id = x.agent_id
WHERE x.work_order_id = :wo_id AND ag.user_id IS NOT NULL AND CASE WHEN :null_agent::bigint
 IS NULL THEN x.assigned <> now() ELSE x.agent_id = :null_agent END;
SELECT w.id, w.number, w.type, w.status, w.priority, w.title, w.description,
 w.asset_id, a.code AS asset_code, a.name AS asset_name, w.site_id,
 si.name AS site_name, w.service_id, w.request_id, r.number AS request_number,
 w.planned_start, w.planned_end, w.target_date, w.team_id, w.contractor_id,
 w.hold_reason, w.started, w.done_at, w.closed_at, w.problem_id, w.cause_id,
 w.remedy_id, w.completion,
 (SELECT COALESCE(json_agg(json_build_object('agent_id', ag.id, 'name', ag.name,
   'user_id', ag.user_id) ORDER BY ag.name, ag.id), '[]')
   FROM work_order_assignees x JOIN agents ag ON ag.id = x.agent_id
   WHERE x.work_order_id = w.id)::text AS assignees,
 json_build_object('labour', COALESCE(w.cost_labour, k.labour)::text,
   'material', COALESCE(w.cost_material, k.material)::text,
   'services', COALESCE(w.cost_services, k.services)::text,
   'total', (COALESCE(w.cost_labour, k.labour) + COALESCE(w.cost_material, k.material) +
   COALESCE(w.cost_services, k.services))::text)::text AS cost,
 json_build_object('days_taken', w.done_at::date - w.created::date,
   'late', (CASE WHEN w.status = 'cancelled' OR w.target_date IS NULL THEN 0
     ELSE GREATEST(0, COALESCE(w.done_at::date, current_date) - w.target_date) END) > 0,
   'days_late', (CASE WHEN w.status = 'cancelled' OR w.target_date IS NULL THEN 0
     ELSE GREATEST(0, COALESCE(w.done_at::date, current_date) - w.target_date) END))::text AS delay,
 w.created, w.updated, w.version
FROM work_orders w JOIN work_order_costs k ON k.work_order_id = w.id
 LEFT JOIN assets a ON a.id = w.asset_id LEFT JOIN sites si ON si.id = w.site_id
 LEFT JOIN requests r ON r.id = w.request_id
WHERE (:agent_user_wo_all::boolean OR (:agent_user_wo_agent::boolean AND EXISTS (SELECT 1 FROM work_order_assignees sx
   JOIN agents sa ON sa.id = sx.agent_id WHERE sx.work_order_id = w.id
   AND sa.user_id = :agent_user))
 OR (:agent_user_wo_referent::boolean AND r.id IS NOT NULL AND (r.site_id = ANY (:agent_user_sites::bigint[])
   OR r.requester_id = :agent_user OR r.created_by = :agent_user))) AND w.id = :wo_id;
SELECT l.id, l.agent_id, ag.name AS agent_name,
 l.day, l.hours, l.rate, l.amount, l.note FROM work_order_labour l
 JOIN agents ag ON ag.id = l.agent_id WHERE l.work_order_id = :wo_id
 ORDER BY l.day, l.id;
SELECT id, description, item_id, quantity, unit,
 unit_cost, amount FROM work_order_material WHERE work_order_id = :wo_id ORDER BY id;
SELECT s.id, s.contractor_id,
 ct.name AS contractor_name, s.description, s.amount FROM work_order_services s
 JOIN contractors ct ON ct.id = s.contractor_id WHERE s.work_order_id = :wo_id
 ORDER BY s.id;
SELECT e.id, e.at, e.user_id, u.name AS user_name,
 e.kind, e.status, e.note FROM work_order_events e
 LEFT JOIN users u ON u.id = e.user_id WHERE e.work_order_id = :wo_id ORDER BY e.id;
COMMIT;

-- 5. workorder.report {id, hours, part, quantity, unit_cost}, by the
-- agent: serverd/workorder_report.c workorder_report (report_begin =
-- wo_lock; report_my_agent; report_labour: the agent and its rate on the
-- day, the labour line at that rate, its timeline row "1.5 h by NAME on
-- DAY"; report_material: the line, its timeline row "2 u PART"),
-- report_end (wo_record, the work order's updated, wo_load). The day is
-- today (run.sh passes it, and the notes built from it).
BEGIN;
SELECT set_config('regie.user_id', :agent_user::text, true);
SELECT work_order_snapshot(w.id)::text, w.version, w.service_id,
 w.site_id, w.request_id, w.status, w.number, EXISTS (SELECT 1 FROM
 work_order_assignees mx JOIN agents ma ON ma.id = mx.agent_id
 WHERE mx.work_order_id = w.id AND ma.user_id = :agent_user)
FROM work_orders w LEFT JOIN requests r ON r.id = w.request_id
WHERE (:agent_user_wo_all::boolean OR (:agent_user_wo_agent::boolean AND EXISTS (SELECT 1 FROM work_order_assignees sx
   JOIN agents sa ON sa.id = sx.agent_id WHERE sx.work_order_id = w.id
   AND sa.user_id = :agent_user))
 OR (:agent_user_wo_referent::boolean AND r.id IS NOT NULL AND (r.site_id = ANY (:agent_user_sites::bigint[])
   OR r.requester_id = :agent_user OR r.created_by = :agent_user))) AND w.id = :wo_id FOR UPDATE OF w \gset lock_
SELECT id FROM agents WHERE user_id = :agent_user;
SELECT ag.service_id, ag.name, ag.user_id, d::text,
 regie_agent_rate(ag.id, d), d > current_date
FROM agents ag, COALESCE(:null_day::date, current_date) d WHERE ag.id = :agent;
INSERT INTO work_order_labour (work_order_id, agent_id, day, hours, rate,
 note, created_by) VALUES (:wo_id, :agent, :today::date, :hours::numeric,
 regie_agent_rate(:agent, :today::date), '', :agent_user);
INSERT INTO work_order_events (work_order_id, user_id, kind, status,
 note) VALUES (:wo_id, :agent_user, :op_report, :null_status, :labour_note);
INSERT INTO work_order_material (work_order_id, description, item_id,
 quantity, unit, unit_cost, created_by) VALUES (:wo_id, :part, :null_item, :quantity::numeric, :unit,
 :unit_cost::numeric, :agent_user);
INSERT INTO work_order_events (work_order_id, user_id, kind, status,
 note) VALUES (:wo_id, :agent_user, :op_report, :null_status, :material_note);
SELECT work_order_snapshot(w.id)::text, w.service_id, w.site_id
FROM work_orders w WHERE w.id = :wo_id \gset after_
SELECT regie_change(:agent_user, :m_report, :e_workorder, :wo_id, :lock_work_order_snapshot::jsonb,
 :after_work_order_snapshot::jsonb, :op_report, :after_service_id, :after_site_id, :null_owner);
SELECT pg_notify('regie', json_build_object('topic', 'workorder',
 'op', :op_report::text, 'id', :wo_id::bigint, 'service', NULL, 'site', NULL,
 'owner', ag.user_id, 'by', :agent_user::bigint)::text)
FROM work_order_assignees x JOIN agents ag ON ag.id = x.agent_id
WHERE x.work_order_id = :wo_id AND ag.user_id IS NOT NULL AND CASE WHEN :null_agent::bigint
 IS NULL THEN x.assigned <> now() ELSE x.agent_id = :null_agent END;
UPDATE work_orders SET updated = now() WHERE id = :wo_id;
SELECT w.id, w.number, w.type, w.status, w.priority, w.title, w.description,
 w.asset_id, a.code AS asset_code, a.name AS asset_name, w.site_id,
 si.name AS site_name, w.service_id, w.request_id, r.number AS request_number,
 w.planned_start, w.planned_end, w.target_date, w.team_id, w.contractor_id,
 w.hold_reason, w.started, w.done_at, w.closed_at, w.problem_id, w.cause_id,
 w.remedy_id, w.completion,
 (SELECT COALESCE(json_agg(json_build_object('agent_id', ag.id, 'name', ag.name,
   'user_id', ag.user_id) ORDER BY ag.name, ag.id), '[]')
   FROM work_order_assignees x JOIN agents ag ON ag.id = x.agent_id
   WHERE x.work_order_id = w.id)::text AS assignees,
 json_build_object('labour', COALESCE(w.cost_labour, k.labour)::text,
   'material', COALESCE(w.cost_material, k.material)::text,
   'services', COALESCE(w.cost_services, k.services)::text,
   'total', (COALESCE(w.cost_labour, k.labour) + COALESCE(w.cost_material, k.material) +
   COALESCE(w.cost_services, k.services))::text)::text AS cost,
 json_build_object('days_taken', w.done_at::date - w.created::date,
   'late', (CASE WHEN w.status = 'cancelled' OR w.target_date IS NULL THEN 0
     ELSE GREATEST(0, COALESCE(w.done_at::date, current_date) - w.target_date) END) > 0,
   'days_late', (CASE WHEN w.status = 'cancelled' OR w.target_date IS NULL THEN 0
     ELSE GREATEST(0, COALESCE(w.done_at::date, current_date) - w.target_date) END))::text AS delay,
 w.created, w.updated, w.version
FROM work_orders w JOIN work_order_costs k ON k.work_order_id = w.id
 LEFT JOIN assets a ON a.id = w.asset_id LEFT JOIN sites si ON si.id = w.site_id
 LEFT JOIN requests r ON r.id = w.request_id
WHERE (:agent_user_wo_all::boolean OR (:agent_user_wo_agent::boolean AND EXISTS (SELECT 1 FROM work_order_assignees sx
   JOIN agents sa ON sa.id = sx.agent_id WHERE sx.work_order_id = w.id
   AND sa.user_id = :agent_user))
 OR (:agent_user_wo_referent::boolean AND r.id IS NOT NULL AND (r.site_id = ANY (:agent_user_sites::bigint[])
   OR r.requester_id = :agent_user OR r.created_by = :agent_user))) AND w.id = :wo_id;
SELECT l.id, l.agent_id, ag.name AS agent_name,
 l.day, l.hours, l.rate, l.amount, l.note FROM work_order_labour l
 JOIN agents ag ON ag.id = l.agent_id WHERE l.work_order_id = :wo_id
 ORDER BY l.day, l.id;
SELECT id, description, item_id, quantity, unit,
 unit_cost, amount FROM work_order_material WHERE work_order_id = :wo_id ORDER BY id;
SELECT s.id, s.contractor_id,
 ct.name AS contractor_name, s.description, s.amount FROM work_order_services s
 JOIN contractors ct ON ct.id = s.contractor_id WHERE s.work_order_id = :wo_id
 ORDER BY s.id;
SELECT e.id, e.at, e.user_id, u.name AS user_name,
 e.kind, e.status, e.note FROM work_order_events e
 LEFT JOIN users u ON u.id = e.user_id WHERE e.work_order_id = :wo_id ORDER BY e.id;
COMMIT;

-- 6. workorder.finish {id, version, completion}, by the agent:
-- workorder_finish (wo_begin = wo_lock; no failure code given, so no
-- check; the UPDATE), wo_end (wo_timeline with the completion,
-- wo_record, wo_load).
BEGIN;
SELECT set_config('regie.user_id', :agent_user::text, true);
SELECT work_order_snapshot(w.id)::text, w.version, w.service_id,
 w.site_id, w.request_id, w.status, w.number, EXISTS (SELECT 1 FROM
 work_order_assignees mx JOIN agents ma ON ma.id = mx.agent_id
 WHERE mx.work_order_id = w.id AND ma.user_id = :agent_user)
FROM work_orders w LEFT JOIN requests r ON r.id = w.request_id
WHERE (:agent_user_wo_all::boolean OR (:agent_user_wo_agent::boolean AND EXISTS (SELECT 1 FROM work_order_assignees sx
   JOIN agents sa ON sa.id = sx.agent_id WHERE sx.work_order_id = w.id
   AND sa.user_id = :agent_user))
 OR (:agent_user_wo_referent::boolean AND r.id IS NOT NULL AND (r.site_id = ANY (:agent_user_sites::bigint[])
   OR r.requester_id = :agent_user OR r.created_by = :agent_user))) AND w.id = :wo_id FOR UPDATE OF w \gset lock_
UPDATE work_orders SET status = 'done', done_at = now(),
 completion = COALESCE(:completion, completion), problem_id = COALESCE(:null_problem, problem_id),
 cause_id = COALESCE(:null_cause, cause_id), remedy_id = COALESCE(:null_remedy, remedy_id),
 updated = now(), version = version + 1 WHERE id = :wo_id;
INSERT INTO work_order_events (work_order_id, user_id, kind, status,
 note) VALUES (:wo_id, :agent_user, :status, :done, :completion);
SELECT work_order_snapshot(w.id)::text, w.service_id, w.site_id
FROM work_orders w WHERE w.id = :wo_id \gset after_
SELECT regie_change(:agent_user, :m_finish, :e_workorder, :wo_id, :lock_work_order_snapshot::jsonb,
 :after_work_order_snapshot::jsonb, :op_finish, :after_service_id, :after_site_id, :null_owner);
SELECT pg_notify('regie', json_build_object('topic', 'workorder',
 'op', :op_finish::text, 'id', :wo_id::bigint, 'service', NULL, 'site', NULL,
 'owner', ag.user_id, 'by', :agent_user::bigint)::text)
FROM work_order_assignees x JOIN agents ag ON ag.id = x.agent_id
WHERE x.work_order_id = :wo_id AND ag.user_id IS NOT NULL AND CASE WHEN :null_agent::bigint
 IS NULL THEN x.assigned <> now() ELSE x.agent_id = :null_agent END;
SELECT w.id, w.number, w.type, w.status, w.priority, w.title, w.description,
 w.asset_id, a.code AS asset_code, a.name AS asset_name, w.site_id,
 si.name AS site_name, w.service_id, w.request_id, r.number AS request_number,
 w.planned_start, w.planned_end, w.target_date, w.team_id, w.contractor_id,
 w.hold_reason, w.started, w.done_at, w.closed_at, w.problem_id, w.cause_id,
 w.remedy_id, w.completion,
 (SELECT COALESCE(json_agg(json_build_object('agent_id', ag.id, 'name', ag.name,
   'user_id', ag.user_id) ORDER BY ag.name, ag.id), '[]')
   FROM work_order_assignees x JOIN agents ag ON ag.id = x.agent_id
   WHERE x.work_order_id = w.id)::text AS assignees,
 json_build_object('labour', COALESCE(w.cost_labour, k.labour)::text,
   'material', COALESCE(w.cost_material, k.material)::text,
   'services', COALESCE(w.cost_services, k.services)::text,
   'total', (COALESCE(w.cost_labour, k.labour) + COALESCE(w.cost_material, k.material) +
   COALESCE(w.cost_services, k.services))::text)::text AS cost,
 json_build_object('days_taken', w.done_at::date - w.created::date,
   'late', (CASE WHEN w.status = 'cancelled' OR w.target_date IS NULL THEN 0
     ELSE GREATEST(0, COALESCE(w.done_at::date, current_date) - w.target_date) END) > 0,
   'days_late', (CASE WHEN w.status = 'cancelled' OR w.target_date IS NULL THEN 0
     ELSE GREATEST(0, COALESCE(w.done_at::date, current_date) - w.target_date) END))::text AS delay,
 w.created, w.updated, w.version
FROM work_orders w JOIN work_order_costs k ON k.work_order_id = w.id
 LEFT JOIN assets a ON a.id = w.asset_id LEFT JOIN sites si ON si.id = w.site_id
 LEFT JOIN requests r ON r.id = w.request_id
WHERE (:agent_user_wo_all::boolean OR (:agent_user_wo_agent::boolean AND EXISTS (SELECT 1 FROM work_order_assignees sx
   JOIN agents sa ON sa.id = sx.agent_id WHERE sx.work_order_id = w.id
   AND sa.user_id = :agent_user))
 OR (:agent_user_wo_referent::boolean AND r.id IS NOT NULL AND (r.site_id = ANY (:agent_user_sites::bigint[])
   OR r.requester_id = :agent_user OR r.created_by = :agent_user))) AND w.id = :wo_id;
SELECT l.id, l.agent_id, ag.name AS agent_name,
 l.day, l.hours, l.rate, l.amount, l.note FROM work_order_labour l
 JOIN agents ag ON ag.id = l.agent_id WHERE l.work_order_id = :wo_id
 ORDER BY l.day, l.id;
SELECT id, description, item_id, quantity, unit,
 unit_cost, amount FROM work_order_material WHERE work_order_id = :wo_id ORDER BY id;
SELECT s.id, s.contractor_id,
 ct.name AS contractor_name, s.description, s.amount FROM work_order_services s
 JOIN contractors ct ON ct.id = s.contractor_id WHERE s.work_order_id = :wo_id
 ORDER BY s.id;
SELECT e.id, e.at, e.user_id, u.name AS user_name,
 e.kind, e.status, e.note FROM work_order_events e
 LEFT JOIN users u ON u.id = e.user_id WHERE e.work_order_id = :wo_id ORDER BY e.id;
COMMIT;
