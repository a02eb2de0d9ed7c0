-- The list mix, direct: request.list {limit: 50} as benchadmin:
-- serverd/request.c request_list (REQUEST_COLUMNS, REQUEST_FROM and
-- REQUEST_SCOPE), first page, run alone outside any transaction. The
-- scope is benchadmin's (admin_reads_all, admin_sites, admin: run.sh
-- passes them); null_* variables are never set, so pgbench binds NULL
-- where regied binds an absent filter. pgbench numbers each occurrence
-- of a variable on its own: a repeated one is cast where PostgreSQL
-- could not otherwise tell its type (regied's repeats $4 and $11).
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
 w.status AS work_order_status, r.version
FROM requests r JOIN request_categories c ON c.id = r.category_id
 JOIN services s ON s.id = r.service_id
 LEFT JOIN assets a ON a.id = r.asset_id LEFT JOIN sites si ON si.id = r.site_id
 LEFT JOIN users cb ON cb.id = r.created_by
 LEFT JOIN requests d ON d.id = r.duplicate_of
 LEFT JOIN work_orders w ON w.id = r.work_order_id
WHERE (:admin_reads_all::boolean OR r.site_id = ANY (:admin_sites::bigint[]) OR r.requester_id = :admin
 OR r.created_by = :admin)
 AND (CASE :null_status::text WHEN 'open' THEN r.status IN ('submitted', 'needs_info')
  ELSE :null_status::text IS NULL OR r.status = :null_status END)
 AND (:null_service::bigint IS NULL OR r.service_id = :null_service)
 AND (:null_site::bigint IS NULL OR r.site_id = :null_site)
 AND (:null_asset::bigint IS NULL OR r.asset_id = :null_asset)
 AND (:null_category::bigint IS NULL OR r.category_id = :null_category)
 AND (:null_urgency::text IS NULL OR r.urgency = :null_urgency)
 AND (:null_requester::bigint IS NULL OR r.requester_id = :null_requester)
 AND (:null_query::text IS NULL OR r.number ILIKE '%' || :null_query::text || '%'
  OR regie_fold(r.description) LIKE '%' || regie_fold(:null_query) || '%')
 AND (:null_after::bigint IS NULL OR r.id < :null_after)
 ORDER BY r.id DESC LIMIT :page;
