-- The list mix, direct: request.queue {limit: 50} as benchadmin (an
-- admin sees every service's queue): serverd/request.c request_queue,
-- first page, run alone outside any transaction. admin_admin and
-- admin_services are benchadmin's (run.sh); null_* are never set, so
-- pgbench binds NULL as regied does for an absent service_id and
-- cursor; repeated variables are cast where their type is not implied.
\set page 51
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
 w.status AS work_order_status, r.version, r.target_date < current_date AS overdue,
 EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = r.id
   AND e.kind = 'answer') AS answered
FROM requests r JOIN request_categories c ON c.id = r.category_id
 JOIN services s ON s.id = r.service_id
 LEFT JOIN assets a ON a.id = r.asset_id LEFT JOIN sites si ON si.id = r.site_id
 LEFT JOIN users cb ON cb.id = r.created_by
 LEFT JOIN requests d ON d.id = r.duplicate_of
 LEFT JOIN work_orders w ON w.id = r.work_order_id
WHERE r.status = 'submitted'
 AND (:admin_admin::boolean OR r.service_id = ANY (:admin_services::bigint[]))
 AND (:null_service::bigint IS NULL OR r.service_id = :null_service)
 AND (:null_after::bigint IS NULL OR (regie_urgency_rank(r.urgency), r.id) >
   (NULLIF(:null_rank, '')::integer, :null_after))
 ORDER BY regie_urgency_rank(r.urgency), r.id LIMIT :page;
