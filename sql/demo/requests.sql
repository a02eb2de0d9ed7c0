-- The demo's requests: the seeded categories routed to the town's
-- services, and 48 requests filed by referents over the last two weeks,
-- in every state, with their timelines and, for the approved ones, their
-- work orders. Deterministic: the same requests on every load (their
-- dates are relative to the day of the load). Run by load.sh after
-- users.sql.
BEGIN;

UPDATE request_categories c SET service_id = s.id, version = c.version + 1
FROM (VALUES
	('plumbing', 'BAT'), ('electricity', 'BAT'), ('heating', 'BAT'), ('locksmith', 'BAT'),
	('carpentry', 'BAT'), ('painting', 'BAT'), ('other', 'BAT'), ('green_spaces', 'EV'),
	('roads', 'VOIRIE'), ('lighting', 'EP'), ('cleaning', 'PROPRETE')
) AS r (category, service)
JOIN services s ON s.code = r.service
WHERE c.code = r.category AND c.service_id IS NULL;

-- Who files: each referent with the sites they look after, in a fixed order.
CREATE TEMP TABLE demo_filer AS
SELECT row_number() OVER (ORDER BY u.id, us.site_id) - 1 AS k, u.id AS user_id, u.name,
	us.site_id
FROM users u JOIN user_sites us ON us.user_id = u.id
WHERE u.roles = ARRAY['referent'];

-- What each request is about, in the order of the descriptions below:
-- the kind of asset it is filed on (a leak on a room, a boiler on the
-- boiler), so that the demo reads as a city would write it.
CREATE TEMP TABLE demo_want AS
SELECT ord::int AS n, code FROM unnest(ARRAY['room', 'room', 'room', 'building', 'room', 'floor',
	'green_space', 'building', 'room', 'boiler', 'room', 'room']) WITH ORDINALITY AS t (code, ord);

-- The asset: one of the wanted kind at the filer's site, else the site's
-- building, else none (the request is on the site).
CREATE TEMP TABLE demo_request AS
SELECT i, f.user_id, f.name, f.site_id,
	COALESCE(
	 (SELECT a.id FROM assets a JOIN asset_types t ON t.id = a.type_id
	  WHERE a.site_id = f.site_id AND a.status = 'in_service' AND t.code = w.code
	  ORDER BY a.id OFFSET (i * 7) % GREATEST(1, (SELECT count(*) FROM assets x
	    JOIN asset_types tx ON tx.id = x.type_id WHERE x.site_id = f.site_id
	    AND x.status = 'in_service' AND tx.code = w.code)) LIMIT 1),
	 (SELECT a.id FROM assets a JOIN asset_types t ON t.id = a.type_id
	  WHERE a.site_id = f.site_id AND a.status = 'in_service' AND t.code = 'building'
	  ORDER BY a.id LIMIT 1)) AS asset_id,
	(ARRAY['plumbing', 'electricity', 'heating', 'locksmith', 'carpentry', 'painting',
	       'green_spaces', 'cleaning', 'plumbing', 'heating', 'electricity',
	       'other'])[1 + i % 12] AS category,
	(ARRAY['normal', 'high', 'normal', 'urgent', 'low', 'normal'])[1 + i % 6] AS urgency,
	(ARRAY['Fuite d''eau sous le lavabo des sanitaires',
	       'Prise électrique arrachée dans la classe',
	       'Radiateurs froids depuis ce matin',
	       'Serrure de la porte d''entrée bloquée',
	       'Porte de placard sortie de ses gonds',
	       'Peinture écaillée dans le couloir',
	       'Haie à tailler le long de la cour',
	       'Tags sur le mur côté rue',
	       'Chasse d''eau qui coule en continu',
	       'Chaudière en sécurité, plus d''eau chaude',
	       'Néons qui clignotent dans la salle',
	       'Store extérieur bloqué en position basse'])[1 + i % 12] AS description,
	-- Waiting ones are the newest; decisions were made on older ones.
	CASE WHEN i % 8 < 4 THEN 'submitted' WHEN i % 8 = 4 THEN 'approved'
	     WHEN i % 8 = 5 THEN 'needs_info' WHEN i % 8 = 6 THEN 'rejected'
	     WHEN i % 16 = 7 THEN 'duplicate' ELSE 'cancelled' END AS status,
	date_trunc('minute', now()) - make_interval(hours => 7 * i) AS created
FROM generate_series(1, 48) AS i
JOIN demo_filer f ON f.k = i % (SELECT count(*) FROM demo_filer)
JOIN demo_want w ON w.n = 1 + i % 12;

INSERT INTO requests (number, status, category_id, service_id, asset_id, site_id, description,
	urgency, requester_id, requester_name, contact, target_date, created_by, created, updated,
	reason, question, version)
SELECT regie_next_number('DI'), 'submitted', c.id, c.service_id, d.asset_id, d.site_id,
	d.description, d.urgency, d.user_id, d.name, '04 70 ' || lpad((10 + d.i)::text, 2, '0') || ' 00 00',
	regie_add_working_days(d.created::date, regie_category_delay(c.id, d.urgency)),
	d.user_id, d.created, d.created, '', '', 1
FROM demo_request d JOIN request_categories c ON c.code = d.category
ORDER BY d.created;

ALTER TABLE demo_request ADD COLUMN request_id bigint;
UPDATE demo_request d SET request_id = r.id FROM requests r
WHERE r.requester_id = d.user_id AND r.created = d.created;

INSERT INTO request_events (request_id, at, user_id, kind, status)
SELECT request_id, created, user_id, 'status', 'submitted' FROM demo_request ORDER BY created;

-- The decisions, by a supervisor of the service, a day after filing.
CREATE TEMP TABLE demo_decider AS
SELECT DISTINCT ON (us.service_id) us.service_id, us.user_id
FROM user_services us JOIN users u ON u.id = us.user_id
WHERE 'supervisor' = ANY (u.roles) ORDER BY us.service_id, u.id;

INSERT INTO work_orders (number, type, status, priority, asset_id, site_id, service_id, title,
	description, request_id, target_date, created_by, created, updated)
SELECT regie_next_number('OT'), 'corrective', 'planned', r.urgency, r.asset_id, r.site_id,
	r.service_id, left(c.name || ' — ' || COALESCE(a.name, si.name), 200), r.description, r.id,
	r.target_date, dd.user_id, d.created + interval '1 day', d.created + interval '1 day'
FROM demo_request d JOIN requests r ON r.id = d.request_id
JOIN request_categories c ON c.id = r.category_id
LEFT JOIN assets a ON a.id = r.asset_id LEFT JOIN sites si ON si.id = r.site_id
LEFT JOIN demo_decider dd ON dd.service_id = r.service_id
WHERE d.status = 'approved' ORDER BY d.created;

-- A duplicate points at an earlier request of its site; with none, the
-- request was cancelled instead.
ALTER TABLE demo_request ADD COLUMN original_id bigint;
UPDATE demo_request d SET original_id = (SELECT min(o.request_id) FROM demo_request o
	WHERE o.site_id = d.site_id AND o.i <> d.i AND o.status <> 'duplicate')
WHERE d.status = 'duplicate';
UPDATE demo_request SET status = 'cancelled' WHERE status = 'duplicate' AND original_id IS NULL;

UPDATE requests r SET status = d.status,
	work_order_id = (SELECT w.id FROM work_orders w WHERE w.request_id = r.id),
	reason = CASE WHEN d.status = 'rejected' THEN 'Prévu dans les travaux de l''été' ELSE '' END,
	question = CASE WHEN d.status = 'needs_info' THEN 'Pouvez-vous préciser la salle ?'
	           ELSE '' END,
	duplicate_of = d.original_id,
	decided_by = CASE WHEN d.status <> 'cancelled' THEN dd.user_id END,
	decided = CASE WHEN d.status <> 'cancelled' THEN d.created + interval '1 day' END,
	updated = d.created + interval '1 day', version = 2
FROM demo_request d LEFT JOIN demo_decider dd ON dd.service_id =
	(SELECT service_id FROM requests WHERE id = d.request_id)
WHERE r.id = d.request_id AND d.status <> 'submitted';

INSERT INTO request_events (request_id, at, user_id, kind, status, note, ref)
SELECT r.id, r.updated, CASE WHEN r.status = 'cancelled' THEN r.requester_id ELSE r.decided_by END,
	CASE WHEN r.status = 'needs_info' THEN 'question' ELSE 'status' END, r.status,
	CASE r.status WHEN 'rejected' THEN r.reason WHEN 'needs_info' THEN r.question ELSE '' END,
	CASE r.status WHEN 'approved' THEN w.number WHEN 'duplicate' THEN o.number END
FROM requests r LEFT JOIN work_orders w ON w.id = r.work_order_id
LEFT JOIN requests o ON o.id = r.duplicate_of
WHERE r.status <> 'submitted' ORDER BY r.updated, r.id;

-- The audit log, as regied writes it: each filing, then each decision,
-- with the request before and after. The filing's state is the request
-- as it is now with what the decision changed put back.
CREATE TEMP TABLE demo_filed AS
SELECT r.id, request_snapshot(r.id) || jsonb_build_object('status', 'submitted',
	'work_order_id', NULL, 'reason', '', 'question', '', 'duplicate_of', NULL,
	'decided_by', NULL, 'decided', NULL, 'updated', r.created, 'version', 1) AS snapshot
FROM requests r JOIN demo_request d ON d.request_id = r.id;

INSERT INTO audit_log (at, user_id, method, entity, entity_id, before, after)
SELECT d.created, d.user_id, 'request.submit', 'request', d.request_id, NULL, f.snapshot
FROM demo_request d JOIN demo_filed f ON f.id = d.request_id ORDER BY d.created;

INSERT INTO audit_log (at, user_id, method, entity, entity_id, before, after)
SELECT r.updated, CASE WHEN r.status = 'cancelled' THEN r.requester_id ELSE r.decided_by END,
	'request.' || CASE r.status WHEN 'approved' THEN 'approve' WHEN 'rejected' THEN 'reject'
		WHEN 'needs_info' THEN 'needs_info' WHEN 'duplicate' THEN 'duplicate' ELSE 'cancel' END,
	'request', r.id, f.snapshot, request_snapshot(r.id)
FROM requests r JOIN demo_filed f ON f.id = r.id
WHERE r.status <> 'submitted' ORDER BY r.updated, r.id;

COMMIT;
