-- The read mix, direct: regiebench's read transaction (asset.get, then
-- workorder.asset_history {asset_id, limit: 20}) as benchadmin, an
-- admin, makes regied run these statements, one by one and outside any
-- transaction (reads are not wrapped in BEGIN/COMMIT by dispatch.c).
--
-- Parameters are pgbench variables, bound as parameters in -M prepared
-- mode (pgbench numbers each occurrence on its own, where regied reuses
-- a number: the values are the same). The caller's scope is what
-- regied gives benchadmin (run.sh passes it): admin_reads_all (estate),
-- admin_wo_all, admin_wo_agent, admin_wo_referent (WO_SCOPE),
-- admin_sites, and admin, its user id. A variable named null_* is never
-- set: pgbench binds it as NULL, as regied binds an absent optional
-- parameter. One extra primary-key read picks the asset, as regiebench
-- picks it from its list.
\set k random(1, :nids)
SELECT id FROM bench_ids WHERE n = :k \gset
-- asset.get: serverd/asset.c asset_load (ASSET_COLUMNS, ASSET_FROM and
-- SCOPE_SQL from serverd/estate.h and asset.c), then the documents.
SELECT a.id, a.code, a.name, a.type_id, t.code AS type, t.name AS type_name,
 a.parent_id, p.code AS parent_code, p.name AS parent_name,
 a.service_id, s.code AS service_code, s.name AS service_name,
 a.site_id, si.code AS site_code, si.name AS site_name,
 a.address, a.lat, a.lon, a.status, a.commissioned, a.replacement_value,
 a.condition, a.condition_on, a.attributes,
 COALESCE((SELECT true FROM assets ch WHERE ch.parent_id = a.id LIMIT 1), false) AS has_children,
 a.disposed_on, a.disposed_note, a.created, a.updated, a.version
FROM assets a JOIN asset_types t ON t.id = a.type_id JOIN services s ON s.id = a.service_id
 LEFT JOIN sites si ON si.id = a.site_id LEFT JOIN assets p ON p.id = a.parent_id
WHERE a.id = :id AND (:admin_reads_all::boolean OR a.site_id = ANY (:admin_sites::bigint[]));
SELECT d.id, d.title, d.ref, d.user_id, u.login AS user_login, d.created
FROM asset_documents d LEFT JOIN users u ON u.id = d.user_id
WHERE d.asset_id = :id ORDER BY d.id;
-- workorder.asset_history: serverd/workorder_list.c
-- workorder_asset_history (WO_COLUMNS, WO_FROM, and WO_SCOPE from
-- serverd/workorder.h), first page: no cursor, limit 20 + 1.
\set page 21
SELECT 1 FROM assets WHERE id = :id;
WITH RECURSIVE tree(id) AS (SELECT :id::bigint
 UNION SELECT ch.id FROM assets ch JOIN tree ON ch.parent_id = tree.id)
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
FROM tree JOIN work_orders w ON w.asset_id = tree.id
 JOIN work_order_costs k ON k.work_order_id = w.id
 LEFT JOIN assets a ON a.id = w.asset_id LEFT JOIN sites si ON si.id = w.site_id
 LEFT JOIN requests r ON r.id = w.request_id
WHERE (:admin_wo_all::boolean OR (:admin_wo_agent::boolean AND EXISTS (SELECT 1 FROM work_order_assignees sx
   JOIN agents sa ON sa.id = sx.agent_id WHERE sx.work_order_id = w.id
   AND sa.user_id = :admin))
 OR (:admin_wo_referent::boolean AND r.id IS NOT NULL AND (r.site_id = ANY (:admin_sites::bigint[])
   OR r.requester_id = :admin OR r.created_by = :admin)))
 AND (:null_after::bigint IS NULL OR w.id < :null_after) ORDER BY w.id DESC LIMIT :page;
