-- The list mix, direct: audit.list {limit: 50} as benchadmin:
-- serverd/audit.c audit_list, first page, run alone outside any
-- transaction. null_* are never set, so pgbench binds NULL where
-- regied binds an absent filter.
\set page 51
SELECT a.id, a.at, a.user_id, u.login AS user_login, a.method, a.entity,
 a.entity_id, a.before::text AS before, a.after::text AS after
FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
WHERE (:null_after::bigint IS NULL OR a.id < :null_after)
 AND (:null_entity::text IS NULL OR a.entity = :null_entity)
 AND (:null_entity_id::bigint IS NULL OR a.entity_id = :null_entity_id)
 AND (:null_user::bigint IS NULL OR a.user_id = :null_user)
 AND (:null_method::text IS NULL OR a.method = :null_method)
 AND (:null_since::timestamptz IS NULL OR a.at >= :null_since)
 AND (:null_until::timestamptz IS NULL OR a.at < :null_until)
 ORDER BY a.id DESC LIMIT :page;
