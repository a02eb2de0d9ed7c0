-- The list mix, direct: agent.list {limit: 50} as benchadmin:
-- serverd/agent.c agent_list (AGENT_COLUMNS and AGENT_FROM from
-- serverd/agent.h), first page, run alone outside any transaction.
-- null_* are never set, so pgbench binds NULL where regied binds an
-- absent filter; repeated variables are cast where their type is not
-- implied (pgbench numbers each occurrence on its own).
\set page 51
SELECT a.id, a.code, a.name, a.user_id, u.login AS user_login, a.service_id,
 s.name AS service_name, a.team_id, t.name AS team_name, a.trade, a.weekly_hours,
 a.active, regie_agent_rate(a.id, current_date) AS rate, a.version, lower(a.name) AS sort_key
FROM agents a JOIN services s ON s.id = a.service_id
 LEFT JOIN teams t ON t.id = a.team_id LEFT JOIN users u ON u.id = a.user_id
WHERE (:null_service::bigint IS NULL OR a.service_id = :null_service)
 AND (:null_team::bigint IS NULL OR a.team_id = :null_team)
 AND (:null_trade::text IS NULL OR a.trade = :null_trade)
 AND (:null_query::text IS NULL OR a.code ILIKE :null_query::text || '%'
  OR regie_fold(a.name) LIKE '%' || regie_fold(:null_query) || '%')
 AND (:null_active::boolean IS NULL OR a.active = :null_active)
 AND (:null_after::bigint IS NULL OR (lower(a.name), a.id) > (:null_value::text, :null_after))
 ORDER BY lower(a.name), a.id LIMIT :page;
