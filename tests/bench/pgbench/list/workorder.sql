-- The list mix, direct: workorder.list {limit: 50} as benchadmin:
-- serverd/workorder_list.c workorder_list (WO_COLUMNS, WO_FROM, and
-- WO_SCOPE from serverd/workorder.h), first page, run alone outside any
-- transaction. The scope is benchadmin's (admin_wo_all, admin_wo_agent,
-- admin_wo_referent, admin_sites, admin: run.sh); null_* are never set,
-- so pgbench binds NULL where regied binds an absent filter; "overdue"
-- is false as regied binds it. Repeated variables are cast where their
-- type is not implied (pgbench numbers each occurrence on its own).
\set page 51
\set no false
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
WHERE (:admin_wo_all::boolean OR (:admin_wo_agent::boolean AND EXISTS (SELECT 1 FROM work_order_assignees sx
   JOIN agents sa ON sa.id = sx.agent_id WHERE sx.work_order_id = w.id
   AND sa.user_id = :admin))
 OR (:admin_wo_referent::boolean AND r.id IS NOT NULL AND (r.site_id = ANY (:admin_sites::bigint[])
   OR r.requester_id = :admin OR r.created_by = :admin)))
 AND (CASE :null_status::text WHEN 'open' THEN w.status NOT IN ('done', 'closed', 'cancelled')
  ELSE :null_status::text IS NULL OR w.status = :null_status END)
 AND (:null_service::bigint IS NULL OR w.service_id = :null_service)
 AND (:null_type::text IS NULL OR w.type = :null_type)
 AND (:null_asset::bigint IS NULL OR w.asset_id = :null_asset)
 AND (:null_site::bigint IS NULL OR w.site_id = :null_site)
 AND (:null_agent::bigint IS NULL OR EXISTS (SELECT 1 FROM work_order_assignees fx
  WHERE fx.work_order_id = w.id AND fx.agent_id = :null_agent))
 AND (:null_from::date IS NULL OR COALESCE(w.target_date, w.planned_end, w.planned_start) >= :null_from)
 AND (:null_to::date IS NULL OR COALESCE(w.planned_start, w.target_date) <= :null_to)
 AND (NOT :no::boolean OR (w.status NOT IN ('done', 'closed', 'cancelled') AND w.target_date < current_date))
 AND (:null_query::text IS NULL OR w.number ILIKE '%' || :null_query::text || '%'
  OR regie_fold(w.title || ' ' || w.description) LIKE '%' || regie_fold(:null_query) || '%')
 AND (:null_after::bigint IS NULL OR w.id < :null_after)
 ORDER BY w.id DESC LIMIT :page;
