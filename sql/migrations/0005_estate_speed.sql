-- asset.list builds one statement per shape of its filters (asset.c), and
-- each shape reads an index that hands its rows in the sort's order, so
-- that a first page stops after limit rows instead of sorting every match.
-- 0002 covers type and service by code, name and condition, and site and
-- parent by code; these add site and parent by name and condition, and
-- the statuses other than in service (a few rows) by name and condition.
-- Conditions sort with none as 6, as the list orders them.
CREATE INDEX assets_site_name_idx ON assets (site_id, regie_fold(name), id);
CREATE INDEX assets_site_condition_idx ON assets (site_id, COALESCE(condition::int, 6), id);
CREATE INDEX assets_parent_name_idx ON assets (parent_id, regie_fold(name), id);
CREATE INDEX assets_parent_condition_idx ON assets (parent_id, COALESCE(condition::int, 6), id);
CREATE INDEX assets_status_name_idx ON assets (status, regie_fold(name), id)
	WHERE status <> 'in_service';
CREATE INDEX assets_status_condition_idx ON assets (status, COALESCE(condition::int, 6), id)
	WHERE status <> 'in_service';
-- A type and a service both hold hundreds of thousands of assets, and
-- rarely together (a type belongs to one service's trade): walking one's
-- index for the other's rows would read it all before answering "none".
CREATE INDEX assets_type_service_idx ON assets (type_id, service_id, code);
CREATE INDEX assets_type_service_name_idx ON assets (type_id, service_id, regie_fold(name), id);
CREATE INDEX assets_type_service_condition_idx ON assets
	(type_id, service_id, COALESCE(condition::int, 6), id);
