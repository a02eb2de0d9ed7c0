-- The demo's work: agents of the technical services with their trades,
-- teams, hourly rates (a third had a raise this year) and absences around
-- today; contractors; the demo agents' logins linked to agents; and work
-- orders in every state with their assignees, bookings on the planning
-- board for this week and the next, and labour, material and contractor
-- lines, so that plans, occupancy and real costs show something.
--
-- Run by load.sh after requests.sql as: psql -v scale=N -f work.sql.
-- Deterministic like city.sql: "random" numbers are hashes of each row's
-- number; dates are relative to the day of the load. At scale N there
-- are N times the agents, teams and work orders (400 agents and 500 work
-- orders at scale 1).

\set ON_ERROR_STOP on
BEGIN;

CREATE FUNCTION pg_temp.rnd(seed bigint, salt int) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
	SELECT (hashint8extended(seed, salt) & 4294967295)::float8 / 4294967296
$$;
CREATE FUNCTION pg_temp.irnd(seed bigint, salt int, lo int, hi int) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
	SELECT lo + floor(pg_temp.rnd(seed, salt) * (hi - lo + 1))::int
$$;
CREATE FUNCTION pg_temp.pick(arr text[], seed bigint, salt int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT arr[1 + floor(pg_temp.rnd(seed, salt) * cardinality(arr))::int]
$$;

CREATE TEMP TABLE sector AS
SELECT r, CASE WHEN r = 0 THEN '' ELSE '-' || (r + 1) END AS csuf,
	CASE WHEN r = 0 THEN '' ELSE ' (secteur ' || (r + 1) || ')' END AS nsuf
FROM generate_series(0, :scale - 1) AS r;

-- ---- agents and teams ----

-- Per technical service: agents per sector, the trades they have (a
-- trade listed twice is twice as common), its teams.
CREATE TEMP TABLE demo_svc (code text, ord int, agents int, trades text[], team_codes text[],
	team_names text[]);
INSERT INTO demo_svc VALUES
	('BAT', 1, 110, '{plumber,plumber,electrician,electrician,heating,locksmith,carpenter,painter,painter,mason,general}',
	 '{PLOMB,ELEC,MENU,PEINT,MAINT,ASTR}',
	 '{"Plomberie et chauffage","Électricité","Menuiserie et serrurerie","Peinture et maçonnerie","Maintenance générale","Astreinte bâtiments"}'),
	('EV', 2, 90, '{gardener,gardener,gardener,arborist,general}',
	 '{NORD,SUD,EST,OUEST,ELAG}',
	 '{"Secteur nord","Secteur sud","Secteur est","Secteur ouest","Élagage"}'),
	('VOIRIE', 3, 60, '{road_worker,road_worker,road_worker,mason,general}',
	 '{CHAUS,TROT,SIGN,ASTR}',
	 '{"Chaussées","Trottoirs","Signalisation","Astreinte voirie"}'),
	('EP', 4, 35, '{lighting,lighting,electrician}',
	 '{MAINT,TRAV,ASTR}', '{"Maintenance","Travaux neufs","Astreinte éclairage"}'),
	('GARAGE', 5, 25, '{mechanic}',
	 '{VL,PL,ENGINS}', '{"Véhicules légers","Poids lourds","Engins et petit matériel"}'),
	('MAG', 6, 15, '{storekeeper}',
	 '{RECEP,DISTRIB,INVENT}', '{"Réception","Distribution","Inventaire"}'),
	('PROPRETE', 7, 65, '{cleaner,cleaner,cleaner,general}',
	 '{CENTRE,QUART,MARCHES,ASTR}',
	 '{"Centre-ville","Quartiers","Marchés","Astreinte propreté"}');

INSERT INTO teams (code, name, service_id)
SELECT d.code || '-' || d.team_codes[k] || s.csuf, d.team_names[k] || s.nsuf, sv.id
FROM sector s CROSS JOIN demo_svc d JOIN services sv ON sv.code = d.code,
	generate_series(1, cardinality(d.team_codes)) AS k
ORDER BY s.r, d.ord, k;

CREATE TEMP TABLE demo_agent AS
SELECT row_number() OVER (ORDER BY s.r, d.ord, k) AS n, s.r, s.csuf, d.code AS service, d.ord,
	k, d.trades, d.team_codes
FROM sector s CROSS JOIN demo_svc d, generate_series(1, d.agents) AS k;

INSERT INTO agents (code, name, service_id, team_id, trade, weekly_hours, active, created)
SELECT 'AG-' || lpad(a.n::text, 5, '0'),
	pg_temp.pick('{Camille,Léa,Manon,Chloé,Inès,Jade,Louise,Zoé,Hélène,Françoise,Élodie,Amélie,Cécile,Sophie,Nathalie,Sandrine,Gaëlle,Lucas,Hugo,Théo,Nathan,Louis,Jérôme,François,Stéphane,Frédéric,Sébastien,Benoît,Thierry,Pascal,Olivier,Éric,Julien,Mathieu,Rémi,Gérard,Loïc,Joël,Raphaël,Karim,Mehdi,Yannick,Patrick,Christophe,Bruno,Didier,Fabrice,Laurent}'::text[], a.n, 1)
	|| ' ' ||
	pg_temp.pick('{Martin,Bernard,Dubois,Thomas,Robert,Petit,Durand,Leroy,Moreau,Simon,Laurent,Lefèvre,Michel,Garcia,David,Bertrand,Fournier,Girard,André,Mercier,Dupont,Lambert,Bonnet,Legrand,Garnier,Faure,Rousseau,Blanc,Guérin,Muller,Henry,Perrin,Morin,Clément,Gauthier,Fontaine,Chevalier,Robin,Masson,Boyer,Denis,Lemaire,Duval,Joly,Roche,Noël,Lucas,Meunier,Marchand,Dufour,Barbier,Brun,Schmitt,Colin,Renard,Arnaud,Caron,Aubert,Giraud,Leclerc,Vidal,Renaud,Picard,Fabre,Hubert,Rivière,Le Gall,Ménard,Prévost,Carré,Benali,Haddad,Da Silva,Ferreira,Nguyen}'::text[], a.n, 2),
	sv.id, t.id, a.trades[1 + (a.k * 7) % cardinality(a.trades)],
	CASE WHEN pg_temp.rnd(a.n, 3) < 0.25 THEN 39 ELSE 35 END,
	pg_temp.rnd(a.n, 4) >= 0.02,
	now() - make_interval(days => pg_temp.irnd(a.n, 5, 30, 3000))
FROM demo_agent a JOIN services sv ON sv.code = a.service
JOIN teams t ON t.code = a.service || '-' || a.team_codes[1 + a.k % cardinality(a.team_codes)] || a.csuf
ORDER BY a.n;

-- Rates: 28 to 45 euros an hour by half euros, since they were hired; a
-- third got a raise this year.
INSERT INTO agent_rates (agent_id, effective, rate)
SELECT a.id, make_date(2018 + pg_temp.irnd(a.id, 11, 0, 5), 1 + pg_temp.irnd(a.id, 12, 0, 11), 1),
	round((28 + pg_temp.rnd(a.id, 13) * 17)::numeric * 2) / 2
FROM agents a WHERE a.code ~ '^AG-[0-9]{5}$';
INSERT INTO agent_rates (agent_id, effective, rate)
SELECT a.id, date_trunc('year', current_date)::date +
	pg_temp.irnd(a.id, 14, 0, current_date - date_trunc('year', current_date)::date),
	r.rate + round((0.5 + pg_temp.rnd(a.id, 15) * 1.5)::numeric * 2) / 2
FROM agents a JOIN agent_rates r ON r.agent_id = a.id
WHERE a.code ~ '^AG-[0-9]{5}$' AND pg_temp.rnd(a.id, 16) < 0.33;

-- Absences: one in eight agents is away around today; a few have leave
-- booked later on.
INSERT INTO agent_absences (agent_id, starts, ends, kind, note)
SELECT a.id, d.starts, d.starts + pg_temp.irnd(a.id, 22, 0, 9),
	pg_temp.pick('{leave,leave,leave,sick,sick,training,other}', a.id, 23),
	pg_temp.pick('{"","","Congés annuels","Formation habilitation électrique","Arrêt maladie","Récupération"}', a.id, 24)
FROM agents a, LATERAL (SELECT current_date + pg_temp.irnd(a.id, 21, -10, 10) AS starts) d
WHERE a.code ~ '^AG-[0-9]{5}$' AND pg_temp.rnd(a.id, 20) < 0.125;
INSERT INTO agent_absences (agent_id, starts, ends, kind)
SELECT a.id, current_date + 30 + pg_temp.irnd(a.id, 26, 0, 60) AS starts,
	current_date + 30 + pg_temp.irnd(a.id, 26, 0, 60) + pg_temp.irnd(a.id, 27, 4, 14), 'leave'
FROM agents a WHERE a.code ~ '^AG-[0-9]{5}$' AND pg_temp.rnd(a.id, 25) < 0.06;

-- The demo agents' logins: each agent account is an agent of its service,
-- who takes the person's name.
WITH login AS (
	SELECT u.id AS user_id, u.name, min(us.service_id) AS service_id,
		row_number() OVER (PARTITION BY min(us.service_id) ORDER BY u.id) AS k
	FROM users u JOIN user_services us ON us.user_id = u.id
	WHERE u.roles = ARRAY['agent'] GROUP BY u.id, u.name),
worker AS (
	SELECT a.id, a.service_id, row_number() OVER (PARTITION BY a.service_id ORDER BY a.id) AS k
	FROM agents a WHERE a.active AND a.code ~ '^AG-[0-9]{5}$')
UPDATE agents a SET user_id = l.user_id, name = l.name
FROM login l JOIN worker w ON w.service_id = l.service_id AND w.k = l.k
WHERE a.id = w.id;

-- ---- contractors ----

INSERT INTO contractors (name, contact, phone, email, trade)
SELECT c.name, c.contact, '05 55 ' || lpad((10 + c.n)::text, 2, '0') || ' ' ||
	lpad((c.n * 37 % 100)::text, 2, '0') || ' ' || lpad((c.n * 53 % 100)::text, 2, '0'),
	'contact@' || regexp_replace(lower(unaccent(c.name)), '[^a-z]+', '-', 'g') || '.example',
	c.trade
FROM (VALUES
	(1, 'Plomberie Alba', 'Marc Alba', 'plumber'),
	(2, 'Sanitaires du Limousin', 'Julie Perrot', 'plumber'),
	(3, 'Élec Services Vérignac', 'Yann Le Bihan', 'electrician'),
	(4, 'Courant Fort SARL', 'Sonia Benali', 'electrician'),
	(5, 'Thermique Centre', 'Paul Girard', 'heating'),
	(6, 'Chauffage Dumas et fils', 'Éric Dumas', 'heating'),
	(7, 'Serrurerie Express', 'Alain Roy', 'locksmith'),
	(8, 'Menuiserie Lacroix', 'Denis Lacroix', 'carpenter'),
	(9, 'Atelier Bois et Fer', 'Claire Vidal', 'carpenter'),
	(10, 'Peintures du Centre', 'Hugo Masson', 'painter'),
	(11, 'Façades et Couleurs', 'Nadia Haddad', 'painter'),
	(12, 'Maçonnerie Ferreira', 'João Ferreira', 'mason'),
	(13, 'Bâti Rénov', 'Luc Moreau', 'mason'),
	(14, 'Paysages de la Lise', 'Anne Fontaine', 'gardener'),
	(15, 'Jardins et Cie', 'Rémi Caron', 'gardener'),
	(16, 'Élagage Dupuis', 'Marc Dupuis', 'arborist'),
	(17, 'Arbres et Cordes', 'Léa Nguyen', 'arborist'),
	(18, 'Colas Vérignac', 'Thierry Blanc', 'road_worker'),
	(19, 'Enrobés du Val', 'Patrick Roche', 'road_worker'),
	(20, 'Signalisation Moderne', 'Inès Barbier', 'road_worker'),
	(21, 'Lumière Publique SAS', 'Karim Mansour', 'lighting'),
	(22, 'Réseaux Éclairage Sud', 'Sophie Leclerc', 'lighting'),
	(23, 'Garage Central', 'Bruno Picard', 'mechanic'),
	(24, 'Poids Lourds Services', 'Fabrice Colin', 'mechanic'),
	(25, 'Nettoyage Pro 87', 'Amélie Roussel', 'cleaner'),
	(26, 'Propreté Urbaine Services', 'Didier Aubert', 'cleaner'),
	(27, 'Multi-Services Vérignac', 'Olivier Meunier', 'general'),
	(28, 'Contrôles et Sécurité', 'Hélène Joly', NULL),
	(29, 'Ascenseurs du Centre', 'Gaëlle Rivière', NULL),
	(30, 'Extincteurs Protect', 'Loïc Garnier', NULL)
) AS c (n, name, contact, trade)
ORDER BY c.n;
UPDATE contractors SET active = false WHERE name = 'Atelier Bois et Fer';

-- ---- work orders ----

-- What each service works on, and what it uses.
-- types: the kind of asset each title is about, title by title.
CREATE TEMP TABLE demo_job (service text, titles text[], parts text[], units text[], costs numeric[],
	types text[]);
INSERT INTO demo_job VALUES
	('BAT', '{"Fuite sur réseau d''eau froide","Remplacement de serrure","Radiateur froid","Prise électrique hors service","Porte coupe-feu à régler","Reprise de peinture","Contrôle de l''alarme incendie","Éclairage de secours défaillant","Robinet thermostatique à changer","Vitre cassée"}',
	 '{"Joint fibre 20x27","Cylindre européen 30x30","Purgeur automatique","Prise 2P+T","Ferme-porte","Peinture acrylique blanche","Bloc autonome d''éclairage","Tête thermostatique","Vitrage feuilleté"}',
	 '{u,u,u,u,u,l,u,u,m2}', '{2.40,38.00,12.50,6.80,89.00,14.20,46.00,24.90,65.00}',
	 '{room,room,room,room,floor,room,alarm,emergency_light,room,room}'),
	('EV', '{"Taille de haie","Tonte des pelouses","Élagage d''un arbre","Abattage d''un arbre dangereux","Plantation de massifs","Réparation de l''arrosage","Ramassage des feuilles","Désherbage des allées"}',
	 '{"Plants de vivaces","Terreau","Goutteur","Tuyau PE 25","Paillage","Fil de débroussailleuse"}',
	 '{u,l,u,m,m3,m}', '{3.20,0.45,0.80,1.10,42.00,0.35}',
	 '{green_space,green_space,tree,tree,green_space,green_space,green_space,green_space}'),
	('VOIRIE', '{"Nid-de-poule à reboucher","Bordure de trottoir descellée","Marquage au sol à refaire","Panneau de signalisation tordu","Affaissement de chaussée","Avaloir bouché"}',
	 '{"Enrobé à froid","Bordure T2","Peinture routière","Panneau AB4","Grave ciment"}',
	 '{kg,u,l,u,t}', '{0.65,18.50,9.80,120.00,48.00}',
	 '{road_segment,road_segment,road_segment,road_segment,road_segment,road_segment}'),
	('EP', '{"Lanterne éteinte","Candélabre heurté","Armoire d''éclairage en défaut","Remplacement de lampe par LED","Horloge astronomique à régler"}',
	 '{"Module LED 40 W","Lampe SHP 100 W","Disjoncteur 16 A","Câble U1000 R2V 3G2,5","Horloge astronomique"}',
	 '{u,u,u,m,u}', '{145.00,18.00,22.00,1.90,210.00}',
	 '{street_light,street_light,street_light,street_light,street_light}'),
	('GARAGE', '{"Vidange et révision","Changement des plaquettes de frein","Crevaison","Contrôle technique","Batterie à remplacer","Entretien de tondeuse autoportée"}',
	 '{"Huile moteur 5W30","Filtre à huile","Plaquettes de frein","Pneu 205/55 R16","Batterie 70 Ah"}',
	 '{l,u,u,u,u}', '{8.90,11.50,54.00,86.00,118.00}',
	 '{vehicle,vehicle,vehicle,vehicle,vehicle,vehicle}'),
	('PROPRETE', '{"Dépôt sauvage à enlever","Tags à effacer","Corbeilles à vider","Nettoyage après marché","Balayage mécanique"}',
	 '{"Sacs poubelle 100 l","Produit anti-graffiti","Brosse de balayeuse"}',
	 '{u,l,u}', '{0.30,24.00,75.00}',
	 '{building,building,building,building,building}');

-- What each work order is: service, place, dates and state, over the
-- last 60 days in the order of their numbers. The oldest are mostly done
-- or closed (age 4), the newest waiting to be planned (age 0).
CREATE TEMP TABLE demo_wo AS
SELECT i, (SELECT COALESCE(max(id), 0) FROM work_orders) + i AS id,
	pg_temp.pick('{BAT,BAT,BAT,BAT,EV,EV,EV,VOIRIE,VOIRIE,EP,GARAGE,PROPRETE}', i, 31) AS service,
	pg_temp.pick('{normal,normal,normal,normal,high,high,low,urgent}', i, 32) AS priority,
	pg_temp.pick('{corrective,corrective,corrective,corrective,corrective,preventive,preventive,regulatory,improvement}', i, 33) AS type,
	date_trunc('minute', now()) -
		make_interval(mins => (500 * :scale + 1 - i) * greatest(1, 86400 / (500 * :scale))) AS created,
	floor(5.0 * (500 * :scale - i) / (500 * :scale))::int AS age,
	i % 10 AS x
FROM generate_series(1, 500 * :scale) AS i;
ALTER TABLE demo_wo ADD COLUMN status text;
UPDATE demo_wo SET status = CASE age
	WHEN 0 THEN CASE WHEN x < 6 THEN 'planned' ELSE 'assigned' END
	WHEN 1 THEN CASE WHEN x < 3 THEN 'planned' WHEN x < 7 THEN 'assigned' ELSE 'in_progress' END
	WHEN 2 THEN CASE WHEN x < 2 THEN 'assigned' WHEN x < 6 THEN 'in_progress'
		WHEN x < 7 THEN 'on_hold' ELSE 'done' END
	WHEN 3 THEN CASE WHEN x < 2 THEN 'in_progress' WHEN x < 3 THEN 'on_hold' WHEN x < 7 THEN 'done'
		WHEN x < 9 THEN 'closed' ELSE 'cancelled' END
	ELSE CASE WHEN x < 1 THEN 'done' WHEN x = 8 THEN 'cancelled' ELSE 'closed' END END;

-- The assets each service looks after, numbered per service and kind, to
-- pick from: a hedge to trim is a green space, a broken lamp a street
-- light.
CREATE TEMP TABLE demo_asset AS
SELECT a.id, a.site_id, a.name, s.code AS service, t.code AS type,
	row_number() OVER (PARTITION BY a.service_id, a.type_id ORDER BY a.id) AS k
FROM assets a JOIN services s ON s.id = a.service_id JOIN asset_types t ON t.id = a.type_id
WHERE a.status = 'in_service' AND s.code IN ('BAT', 'EV', 'VOIRIE', 'EP', 'GARAGE');
CREATE INDEX ON demo_asset (service, type, k);
CREATE TEMP TABLE demo_asset_count AS
SELECT service, type, count(*) AS n FROM demo_asset GROUP BY service, type;
CREATE TEMP TABLE demo_site AS
SELECT id, name, row_number() OVER (ORDER BY id) AS k, count(*) OVER () AS n FROM sites;
ANALYZE demo_asset;

CREATE TEMP TABLE demo_pick AS
SELECT w.id, sv.id AS service_id, j.titles[1 + w.i % cardinality(j.titles)] AS title,
	COALESCE(a.id, NULL) AS asset_id, COALESCE(a.site_id, si.id) AS site_id,
	COALESCE(a.name, si.name) AS place
FROM demo_wo w JOIN services sv ON sv.code = w.service JOIN demo_job j ON j.service = w.service
LEFT JOIN demo_asset_count ac ON ac.service = w.service
	AND ac.type = j.types[1 + w.i % cardinality(j.titles)]
LEFT JOIN demo_asset a ON a.service = w.service AND a.type = ac.type
	AND a.k = 1 + (hashint8extended(w.i, 34) & 2147483647) % ac.n
LEFT JOIN demo_site si ON a.id IS NULL AND si.k = 1 + w.i % (SELECT count(*) FROM sites);

-- Who decides for a service: its first supervisor.
CREATE TEMP TABLE demo_boss AS
SELECT DISTINCT ON (us.service_id) us.service_id, us.user_id
FROM user_services us JOIN users u ON u.id = us.user_id
WHERE 'supervisor' = ANY (u.roles) ORDER BY us.service_id, u.id;

-- Closed ones are inserted done, closed once their lines are in.
INSERT INTO work_orders (id, number, type, status, priority, asset_id, site_id, service_id, title,
	description, planned_start, target_date, hold_reason, started, done_at, completion,
	created_by, created, updated)
SELECT w.id, regie_next_number('OT'), w.type,
	CASE WHEN w.status = 'closed' THEN 'done' ELSE w.status END, w.priority, p.asset_id,
	p.site_id, p.service_id, left(p.title || ' — ' || p.place, 200),
	'Signalé par le service. ' || p.title || '.',
	CASE WHEN w.status <> 'planned' THEN w.created::date + pg_temp.irnd(w.i, 35, 1, 5) END,
	w.created::date + CASE w.priority WHEN 'urgent' THEN 2 WHEN 'high' THEN 7
		WHEN 'normal' THEN 20 ELSE 45 END,
	CASE WHEN w.status = 'on_hold' THEN pg_temp.pick('{"Attente de pièces","Attente du prestataire","Accès impossible au local","Attente de la validation du devis"}', w.i, 36) END,
	CASE WHEN w.status IN ('in_progress', 'on_hold', 'done', 'closed')
		THEN w.created + make_interval(hours => pg_temp.irnd(w.i, 37, 4, 48)) END,
	CASE WHEN w.status IN ('done', 'closed')
		THEN least(now() - interval '1 hour', w.created + make_interval(hours => pg_temp.irnd(w.i, 38, 52, 240))) END,
	CASE WHEN w.status IN ('done', 'closed') THEN 'Intervention réalisée, essais concluants.' ELSE '' END,
	b.user_id, w.created, w.created
FROM demo_wo w JOIN demo_pick p ON p.id = w.id LEFT JOIN demo_boss b ON b.service_id = p.service_id
ORDER BY w.id;
DO $$ BEGIN PERFORM setval('work_orders_id_seq', (SELECT max(id) FROM work_orders)); END $$;

-- Agents of each service, numbered, to pick assignees from.
CREATE TEMP TABLE demo_worker AS
SELECT a.id, a.service_id, a.name, row_number() OVER (PARTITION BY a.service_id ORDER BY a.id) AS k,
	count(*) OVER (PARTITION BY a.service_id) AS n
FROM agents a WHERE a.active;

-- One or two agents on each work order past planning.
INSERT INTO work_order_assignees (work_order_id, agent_id, assigned)
SELECT DISTINCT w.id, g.id, w.created + interval '1 hour'
FROM demo_wo w JOIN work_orders o ON o.id = w.id
CROSS JOIN LATERAL (VALUES (1), (2)) AS v (m)
JOIN demo_worker g ON g.service_id = o.service_id AND g.k = 1 +
	((hashint8extended(w.i, 40) & 2147483647) + (v.m - 1) * (1 + w.i % 7)) % g.n
WHERE w.status NOT IN ('planned', 'cancelled') AND (v.m = 1 OR pg_temp.rnd(w.i, 41) < 0.35);

-- The demo account `agent` has work of its own to show.
INSERT INTO work_order_assignees (work_order_id, agent_id, assigned)
SELECT o.id, a.id, o.created + interval '1 hour'
FROM agents a JOIN users u ON u.id = a.user_id AND u.login = 'agent'
JOIN work_orders o ON o.service_id = a.service_id
JOIN demo_wo w ON w.id = o.id AND w.status IN ('assigned', 'in_progress')
ORDER BY w.i DESC LIMIT 4
ON CONFLICT DO NOTHING;

-- The planning board: open work is booked over this week and the next
-- (from next Monday on a weekend),
-- on days the agent works, a few hours to a day at a time.
INSERT INTO work_order_bookings (work_order_id, agent_id, day, hours, created_by, created)
SELECT x.work_order_id, x.agent_id, d.day,
	(pg_temp.irnd(x.agent_id * 100000 + w.i, 43, 4, 15) / 2.0)::numeric(4,2),
	o.created_by, o.created + interval '2 hours'
FROM work_order_assignees x JOIN demo_wo w ON w.id = x.work_order_id
JOIN work_orders o ON o.id = x.work_order_id
CROSS JOIN LATERAL (SELECT date_trunc('week', current_date + 2)::date + off AS day
	FROM unnest('{0,1,2,3,4,7,8,9,10,11}'::int[]) AS off
	WHERE pg_temp.rnd(x.agent_id * 1000 + w.i * 16 + off, 42) < 0.3) AS d
WHERE w.status IN ('assigned', 'in_progress') AND regie_agent_available(x.agent_id, d.day) > 0
ON CONFLICT DO NOTHING;

-- Hours worked, valued at the rate of their day.
INSERT INTO work_order_labour (work_order_id, agent_id, day, hours, rate, note, created_by, created)
SELECT x.work_order_id, x.agent_id, d.day, (pg_temp.irnd(x.agent_id + w.i * 7 + d.j, 44, 3, 15) / 2.0),
	regie_agent_rate(x.agent_id, d.day), '', o.created_by, d.day + time '17:00'
FROM work_order_assignees x JOIN demo_wo w ON w.id = x.work_order_id
JOIN work_orders o ON o.id = x.work_order_id
CROSS JOIN LATERAL (SELECT j, least(current_date, COALESCE(o.done_at, now())::date,
		o.started::date + j * 2) AS day
	FROM generate_series(0, pg_temp.irnd(w.i, 45, 0, 2)) AS j) AS d
WHERE w.status IN ('in_progress', 'on_hold', 'done', 'closed') AND regie_is_working_day(d.day)
	AND regie_agent_rate(x.agent_id, d.day) IS NOT NULL;

-- Parts, on most work with hours.
INSERT INTO work_order_material (work_order_id, description, quantity, unit, unit_cost, created_by, created)
SELECT w.id, j.parts[1 + m.q], 1 + pg_temp.irnd(w.i * 3 + m.q, 47, 0, 5), j.units[1 + m.q],
	j.costs[1 + m.q], o.created_by, o.started + interval '3 hours'
FROM demo_wo w JOIN work_orders o ON o.id = w.id JOIN demo_job j ON j.service = w.service
CROSS JOIN LATERAL (SELECT DISTINCT (w.i + k * 3) % cardinality(j.parts) AS q
	FROM generate_series(0, pg_temp.irnd(w.i, 48, 0, 2)) AS k) AS m
WHERE w.status IN ('in_progress', 'on_hold', 'done', 'closed') AND pg_temp.rnd(w.i, 46) < 0.65;

-- A contractor on one finished job in eight, of the trade when there is one.
CREATE TEMP TABLE demo_contractor AS
SELECT id, row_number() OVER (ORDER BY id) AS k, count(*) OVER () AS n FROM contractors
WHERE active;
INSERT INTO work_order_services (work_order_id, contractor_id, description, amount, created_by, created)
SELECT w.id, c.id, pg_temp.pick('{"Intervention spécialisée","Location de nacelle","Diagnostic et devis","Fourniture et pose"}', w.i, 50),
	round((150 + pg_temp.rnd(w.i, 51) * 2350)::numeric, 2), o.created_by, o.done_at
FROM demo_wo w JOIN work_orders o ON o.id = w.id
JOIN demo_contractor c ON c.k = 1 + w.i % c.n
WHERE w.status IN ('done', 'closed') AND pg_temp.rnd(w.i, 49) < 0.125;
UPDATE work_orders o SET contractor_id = s.contractor_id
FROM work_order_services s WHERE s.work_order_id = o.id;

-- Finished corrective work says what was wrong and what was done.
UPDATE work_orders o SET remedy_id = r.id, cause_id = c.id, problem_id = p.id
FROM demo_wo w,
	LATERAL (SELECT id, parent_id FROM failure_codes WHERE kind = 'remedy' AND asset_type_id IS NULL
		ORDER BY code OFFSET w.i % 8 LIMIT 1) AS r
JOIN failure_codes c ON c.id = r.parent_id JOIN failure_codes p ON p.id = c.parent_id
WHERE o.id = w.id AND w.status IN ('done', 'closed') AND w.type = 'corrective';

-- Closing freezes the costs.
UPDATE work_orders o SET status = 'closed',
	closed_at = least(now() - interval '10 minutes', o.done_at + make_interval(hours => pg_temp.irnd(w.i, 52, 20, 72))),
	closed_by = o.created_by, cost_labour = c.labour, cost_material = c.material,
	cost_services = c.services
FROM demo_wo w, work_order_costs c
WHERE o.id = w.id AND c.work_order_id = w.id AND w.status = 'closed';
UPDATE work_orders o SET updated = greatest(o.created, o.started, o.done_at, o.closed_at),
	version = 1 + (o.status <> 'planned')::int + (o.started IS NOT NULL)::int +
	(o.done_at IS NOT NULL)::int + (o.closed_at IS NOT NULL)::int
FROM demo_wo w WHERE o.id = w.id;

-- The timeline: how each got where it is.
INSERT INTO work_order_events (work_order_id, at, user_id, kind, status, note)
SELECT e.work_order_id, e.at, e.user_id, e.kind, e.status, e.note FROM (
	SELECT o.id AS work_order_id, o.created AS at, o.created_by AS user_id, 'status' AS kind,
		'planned' AS status, '' AS note
	FROM work_orders o JOIN demo_wo w ON w.id = o.id
	UNION ALL
	SELECT x.work_order_id, x.assigned, o.created_by, 'assign',
		CASE WHEN x.agent_id = (SELECT min(agent_id) FROM work_order_assignees y
			WHERE y.work_order_id = x.work_order_id) THEN 'assigned' END, a.name
	FROM work_order_assignees x JOIN demo_wo w ON w.id = x.work_order_id
	JOIN work_orders o ON o.id = x.work_order_id JOIN agents a ON a.id = x.agent_id
	UNION ALL
	SELECT o.id, o.started, a.user_id, 'status', 'in_progress', ''
	FROM work_orders o JOIN demo_wo w ON w.id = o.id
	LEFT JOIN LATERAL (SELECT ag.user_id FROM work_order_assignees x JOIN agents ag ON ag.id = x.agent_id
		WHERE x.work_order_id = o.id ORDER BY ag.id LIMIT 1) a ON true
	WHERE o.started IS NOT NULL
	UNION ALL
	SELECT o.id, o.started + interval '1 day', o.created_by, 'status', 'on_hold', o.hold_reason
	FROM work_orders o JOIN demo_wo w ON w.id = o.id WHERE o.status = 'on_hold'
	UNION ALL
	SELECT o.id, o.done_at, o.created_by, 'status', 'done', o.completion
	FROM work_orders o JOIN demo_wo w ON w.id = o.id WHERE o.done_at IS NOT NULL
	UNION ALL
	SELECT o.id, o.closed_at, o.closed_by, 'status', 'closed', ''
	FROM work_orders o JOIN demo_wo w ON w.id = o.id WHERE o.closed_at IS NOT NULL
	UNION ALL
	SELECT o.id, o.created + interval '1 day', o.created_by, 'status', 'cancelled',
		'Doublon d''une autre demande'
	FROM work_orders o JOIN demo_wo w ON w.id = o.id WHERE o.status = 'cancelled'
) AS e ORDER BY e.at, e.work_order_id;

-- The audit row of each creation, as regied writes it: the work order as
-- it was made, planned and without lines.
INSERT INTO audit_log (at, user_id, method, entity, entity_id, before, after)
SELECT o.created, o.created_by, 'workorder.create', 'workorder', o.id, NULL,
	work_order_snapshot(o.id) || jsonb_build_object('status', 'planned', 'hold_reason', NULL,
	'started', NULL, 'done_at', NULL, 'closed_at', NULL, 'closed_by', NULL, 'completion', '',
	'cost_labour', NULL, 'cost_material', NULL, 'cost_services', NULL,
	'updated', o.created, 'version', 1)
FROM work_orders o JOIN demo_wo w ON w.id = o.id ORDER BY o.created, o.id;

COMMIT;
