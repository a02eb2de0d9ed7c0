-- The list mix, direct: asset.list {status: "in_service", limit: 50} as
-- benchadmin: the statement serverd/asset.c asset_list builds for this
-- shape (the status fragment, sorted by code, limit 50 + 1 in its
-- text), run alone, outside any transaction. It has no parameter.
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
WHERE true AND a.status = 'in_service' ORDER BY a.code LIMIT 51;
