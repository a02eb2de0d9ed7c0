-- The search mix, direct: the statement regied's asset.search runs in SQL
-- (its fallback before the in-memory index is ready; serverd/asset.c,
-- search_sql), for an admin (reads_all), with the 200-candidate limit
-- and the query's words split on spaces. One extra primary-key read
-- picks the prefix typed, as regiebench picks it from its list.
\set k random(1, :nprefixes)
SELECT q FROM bench_prefixes WHERE n = :k \gset
WITH hits AS (
 (SELECT a.id, 0 AS rank FROM assets a WHERE a.code = upper(:q)
  AND a.status <> 'disposed')
 UNION ALL
 (SELECT a.id, 1 FROM assets a WHERE a.code LIKE upper(:q) || '%' AND a.status <> 'disposed'
  ORDER BY a.code USING ~<~ LIMIT 20)
 UNION ALL
 (SELECT a.id, 2 FROM assets a WHERE regie_fold(a.name) LIKE regie_fold(:q) || '%'
  AND a.status <> 'disposed' ORDER BY regie_fold(a.name) USING ~<~ LIMIT 20)
 UNION ALL
 (SELECT a.id, 4 FROM assets a WHERE char_length(regie_fold(:q)) >= 3
  AND a.search LIKE '%' || regie_fold(:q) || '%'
  AND a.search LIKE ALL (SELECT '%' || regie_fold(w) || '%'
                         FROM unnest(regexp_split_to_array(:q, ' ')) w)
  AND a.status <> 'disposed' LIMIT 200)
), best AS (SELECT id, min(rank) AS rank FROM hits GROUP BY id)
SELECT a.id, a.code, a.name, a.type_id, t.code AS type, t.name AS type_name,
 a.parent_id, p.code AS parent_code, p.name AS parent_name,
 a.service_id, s.code AS service_code, s.name AS service_name,
 a.site_id, si.code AS site_code, si.name AS site_name,
 a.address, a.lat, a.lon, a.status, a.commissioned, a.replacement_value,
 a.condition, a.condition_on, a.attributes,
 COALESCE((SELECT true FROM assets ch WHERE ch.parent_id = a.id LIMIT 1), false) AS has_children,
 a.disposed_on, a.disposed_note, a.created, a.updated, a.version,
 CASE WHEN b.rank < 3 THEN b.rank
      WHEN ' ' || a.search LIKE '% ' || regie_fold(:q) || '%' THEN 3 ELSE 4 END AS rank
FROM best b JOIN assets a ON a.id = b.id JOIN asset_types t ON t.id = a.type_id
 JOIN services s ON s.id = a.service_id LEFT JOIN sites si ON si.id = a.site_id
 LEFT JOIN assets p ON p.id = a.parent_id
ORDER BY rank, word_similarity(regie_fold(:q), a.search) DESC, char_length(a.name), a.code
LIMIT 20;
