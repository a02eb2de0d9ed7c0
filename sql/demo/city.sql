-- The demo city: Vérignac-sur-Lise, a fictional French town of about
-- 60,000 inhabitants. Run by load.sh as: psql -v scale=N -f city.sql
--
-- Everything is computed in PostgreSQL with generate_series (no row by
-- row round trips) and is deterministic: "random" numbers come from a
-- hash of each row's own number, so two loads give the same city. At
-- scale N the town is laid out N times side by side (sectors 2, 3, ...
-- with their own codes and names), which gives the same shape N times
-- larger: scale 20 is about a million assets.
--
-- Asset ids are given here, in order, and codes are made from them with
-- asset_code() (BAT-000123), as asset.create makes them, so that assets
-- created later through regied never collide with demo codes.

\set ON_ERROR_STOP on
BEGIN;

-- A hash of (seed, salt) mapped to [0, 1): deterministic noise. The
-- integer hash functions are the ones hash partitioning relies on, so
-- they give the same values on every machine and version. These helpers
-- are one expression each, so PostgreSQL inlines them.
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
-- Condition scores: mostly fair to good, some bad, few very bad.
CREATE FUNCTION pg_temp.score(seed bigint, salt int) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
	SELECT 1 + width_bucket(pg_temp.rnd(seed, salt), ARRAY[0.05, 0.20, 0.55, 0.85]::float8[])
$$;
-- The next free asset id, evaluated once per statement.
\set next_id '(SELECT COALESCE(max(id), 0) FROM assets)'

-- The town's place and size; each sector is a copy further east and south.
CREATE TEMP TABLE sector AS
SELECT r, 46.3100 - (r / 5) * 0.0600 AS lat0, 3.4200 + (r % 5) * 0.1000 AS lon0,
	CASE WHEN r = 0 THEN '' ELSE '-' || (r + 1) END AS csuf,
	CASE WHEN r = 0 THEN '' ELSE ' (secteur ' || (r + 1) || ')' END AS nsuf
FROM generate_series(0, :scale - 1) AS r;
-- 5 km north to south, 6 km east to west.
\set dlat 0.045
\set dlon 0.078

-- ---- organisation ----

INSERT INTO services (code, name, kind) VALUES
	('BAT', 'Bâtiments', 'technical'),
	('EV', 'Espaces verts', 'technical'),
	('VOIRIE', 'Voirie', 'technical'),
	('EP', 'Éclairage public', 'technical'),
	('GARAGE', 'Atelier mécanique et parc auto', 'technical'),
	('MAG', 'Magasin central', 'technical'),
	('PROPRETE', 'Propreté urbaine', 'technical'),
	('EDUC', 'Éducation', 'requesting'),
	('ENFANCE', 'Petite enfance', 'requesting'),
	('SPORTS', 'Sports', 'requesting'),
	('CULTURE', 'Culture et patrimoine', 'requesting'),
	('ADMIN', 'Administration générale', 'requesting'),
	('SOCIAL', 'Action sociale (CCAS)', 'requesting')
ON CONFLICT (code) DO NOTHING;

SELECT max(id) FILTER (WHERE code = 'building') AS t_building,
	max(id) FILTER (WHERE code = 'floor') AS t_floor,
	max(id) FILTER (WHERE code = 'room') AS t_room,
	max(id) FILTER (WHERE code = 'green_space') AS t_green_space,
	max(id) FILTER (WHERE code = 'playground_unit') AS t_playground_unit,
	max(id) FILTER (WHERE code = 'tree') AS t_tree,
	max(id) FILTER (WHERE code = 'road_segment') AS t_road_segment,
	max(id) FILTER (WHERE code = 'street_light') AS t_street_light,
	max(id) FILTER (WHERE code = 'vehicle') AS t_vehicle
FROM asset_types \gset
SELECT max(id) FILTER (WHERE code = 'BAT') AS s_bat, max(id) FILTER (WHERE code = 'EV') AS s_ev,
	max(id) FILTER (WHERE code = 'VOIRIE') AS s_voirie, max(id) FILTER (WHERE code = 'EP') AS s_ep,
	max(id) FILTER (WHERE code = 'GARAGE') AS s_garage,
	max(id) FILTER (WHERE code = 'PROPRETE') AS s_proprete
FROM services \gset

CREATE TEMP TABLE street (n int PRIMARY KEY, name text NOT NULL);
INSERT INTO street (n, name)
SELECT n, name FROM unnest(ARRAY[
	'rue Victor-Hugo', 'avenue Jean-Jaurès', 'boulevard Gambetta', 'rue Émile-Zola',
	'place de la République', 'rue de la Paix', 'avenue de la Libération', 'rue Pasteur',
	'rue Jean-Moulin', 'rue des Écoles', 'rue de l''Église', 'place du Marché',
	'rue du Moulin', 'chemin des Prés', 'allée des Tilleuls', 'rue des Lilas',
	'rue des Acacias', 'impasse des Peupliers', 'rue du Stade', 'avenue du Général-de-Gaulle',
	'rue Aristide-Briand', 'rue Georges-Clemenceau', 'rue Anatole-France', 'rue Jules-Ferry',
	'rue Voltaire', 'rue Jean-Jacques-Rousseau', 'rue Lamartine', 'rue Alphonse-Daudet',
	'rue Frédéric-Mistral', 'rue Paul-Verlaine', 'rue Arthur-Rimbaud', 'rue Marcel-Pagnol',
	'rue Jean-de-La-Fontaine', 'rue Molière', 'rue Racine', 'rue Corneille',
	'rue Hector-Berlioz', 'rue Claude-Debussy', 'rue Maurice-Ravel', 'rue Édith-Piaf',
	'rue Georges-Brassens', 'avenue des Marronniers', 'rue des Chênes', 'rue des Érables',
	'rue des Platanes', 'rue des Bouleaux', 'allée des Cerisiers', 'rue des Châtaigniers',
	'chemin de la Côte', 'chemin du Bois-Joli', 'route de Lyon', 'route de Clermont',
	'route de Moulins', 'rue de la Gare', 'quai de la Lise', 'quai des Mariniers',
	'rue du Pont-Vieux', 'rue des Tanneurs', 'rue des Remparts', 'rue du Château',
	'place du Château', 'rue Saint-Étienne', 'rue Notre-Dame', 'rue des Jardins',
	'rue des Vergers', 'rue des Vignes', 'rue de la Fontaine', 'rue du Lavoir',
	'rue de la Forge', 'rue des Artisans', 'avenue de l''Europe', 'rue de Verdun',
	'rue du 8-Mai-1945', 'rue du 11-Novembre', 'rue de la Résistance',
	'rue Pierre-et-Marie-Curie', 'rue Louise-Michel', 'rue Simone-Veil', 'rue Olympe-de-Gouges',
	'rue Camille-Claudel', 'rue George-Sand', 'rue Colette', 'rue Jean-Monnet',
	'rue Robert-Schuman', 'boulevard de la Liberté', 'avenue Pablo-Picasso',
	'rue Auguste-Renoir', 'rue Claude-Monet', 'rue Paul-Cézanne', 'rue Henri-Matisse',
	'rue Antoine-de-Saint-Exupéry', 'rue Jules-Verne', 'rue Alexandre-Dumas',
	'rue Honoré-de-Balzac', 'rue Gustave-Flaubert', 'rue Stendhal', 'rue Guy-de-Maupassant',
	'rue du Docteur-Roux', 'rue Ambroise-Paré', 'rue des Cordeliers', 'rue des Ursulines',
	'rue de la Poste', 'place de l''Hôtel-de-Ville', 'rue des Hirondelles', 'rue des Mésanges',
	'rue de la Tuilerie', 'chemin des Vignerons', 'rue du Four-à-Chaux', 'rue de l''Abbaye',
	'rue du Marché-aux-Grains'
]) WITH ORDINALITY AS s (name, n);
SELECT count(*) AS nstreets FROM street \gset

-- Sites: code, name, the requesting service they belong to, their
-- buildings and their green spaces.
CREATE TEMP TABLE demo_site (
	n int PRIMARY KEY, code text, name text, requester text, street int, num int,
	buildings text[], greens text[]);
INSERT INTO demo_site (n, code, name, requester, street, num, buildings, greens)
SELECT row_number() OVER (), * FROM (VALUES
	('HDV', 'Hôtel de ville', 'ADMIN', 106, 1,
		'{"Hôtel de ville","Annexe administrative","Salle du conseil","Salle des mariages"}'::text[],
		'{"Jardin de la mairie"}'::text[]),
	('CTM', 'Centre technique municipal', 'ADMIN', 52, 40,
		'{"Ateliers municipaux","Magasin central","Garage municipal","Bureaux du CTM","Serres municipales","Atelier menuiserie","Atelier serrurerie","Hangar à sel","Station de lavage"}',
		'{}'),
	('POLICE', 'Police municipale', 'ADMIN', 8, 12, '{"Poste de police municipale"}', '{}'),
	('ETATCIVIL', 'Maison des services publics', 'ADMIN', 23, 5,
		'{"Maison des services publics"}', '{}'),
	('MEDIA', 'Médiathèque Louise-Michel', 'CULTURE', 77, 3, '{"Médiathèque Louise-Michel"}',
		'{"Jardin de lecture"}'),
	('MUSEE', 'Musée de la Lise', 'CULTURE', 60, 2, '{"Musée de la Lise","Réserves du musée","Atelier de restauration"}',
		'{"Cour du musée"}'),
	('THEATRE', 'Théâtre municipal', 'CULTURE', 5, 14, '{"Théâtre municipal"}', '{}'),
	('CONSERV', 'Conservatoire Maurice-Ravel', 'CULTURE', 39, 9,
		'{"Conservatoire Maurice-Ravel","Auditorium"}', '{}'),
	('EGLISE-SE', 'Église Saint-Étienne', 'CULTURE', 62, 1, '{"Église Saint-Étienne"}',
		'{"Parvis Saint-Étienne"}'),
	('EGLISE-ND', 'Église Notre-Dame', 'CULTURE', 63, 2, '{"Église Notre-Dame","Presbytère"}', '{}'),
	('ARCHIVES', 'Archives municipales', 'CULTURE', 108, 7, '{"Archives municipales"}', '{}'),
	('GS-FERRY', 'Groupe scolaire Jules-Ferry', 'EDUC', 24, 18,
		'{"École maternelle Jules-Ferry","École élémentaire Jules-Ferry","Restaurant scolaire Jules-Ferry"}',
		'{"Cour Jules-Ferry"}'),
	('GS-JAURES', 'Groupe scolaire Jean-Jaurès', 'EDUC', 2, 44,
		'{"École maternelle Jean-Jaurès","École élémentaire Jean-Jaurès","Restaurant scolaire Jean-Jaurès"}',
		'{"Cour Jean-Jaurès"}'),
	('GS-HUGO', 'Groupe scolaire Victor-Hugo', 'EDUC', 1, 61,
		'{"École maternelle Victor-Hugo","École élémentaire Victor-Hugo","Restaurant scolaire Victor-Hugo"}',
		'{"Cour Victor-Hugo"}'),
	('GS-CURIE', 'Groupe scolaire Marie-Curie', 'EDUC', 76, 8,
		'{"École maternelle Marie-Curie","École élémentaire Marie-Curie","Restaurant scolaire Marie-Curie"}',
		'{"Cour Marie-Curie"}'),
	('GS-PASTEUR', 'Groupe scolaire Louis-Pasteur', 'EDUC', 8, 33,
		'{"École maternelle Louis-Pasteur","École élémentaire Louis-Pasteur","Restaurant scolaire Louis-Pasteur"}',
		'{"Cour Louis-Pasteur"}'),
	('GS-CONDORCET', 'Groupe scolaire Condorcet', 'EDUC', 74, 15,
		'{"École maternelle Condorcet","École élémentaire Condorcet","Restaurant scolaire Condorcet"}',
		'{"Cour Condorcet"}'),
	('GS-ELUARD', 'Groupe scolaire Paul-Éluard', 'EDUC', 30, 6,
		'{"École maternelle Paul-Éluard","École élémentaire Paul-Éluard","Restaurant scolaire Paul-Éluard"}',
		'{"Cour Paul-Éluard"}'),
	('GS-PREVERT', 'Groupe scolaire Jacques-Prévert', 'EDUC', 45, 27,
		'{"École maternelle Jacques-Prévert","École élémentaire Jacques-Prévert","Restaurant scolaire Jacques-Prévert"}',
		'{"Cour Jacques-Prévert"}'),
	('GS-FRANK', 'Groupe scolaire Anne-Frank', 'EDUC', 72, 4,
		'{"École maternelle Anne-Frank","École élémentaire Anne-Frank","Restaurant scolaire Anne-Frank"}',
		'{"Cour Anne-Frank"}'),
	('GS-VEIL', 'Groupe scolaire Simone-Veil', 'EDUC', 78, 10,
		'{"École maternelle Simone-Veil","École élémentaire Simone-Veil","Restaurant scolaire Simone-Veil"}',
		'{"Cour Simone-Veil"}'),
	('GS-VERNE', 'Groupe scolaire Jules-Verne', 'EDUC', 91, 21,
		'{"École maternelle Jules-Verne","École élémentaire Jules-Verne","Restaurant scolaire Jules-Verne"}',
		'{"Cour Jules-Verne"}'),
	('GS-SAND', 'Groupe scolaire George-Sand', 'EDUC', 81, 3,
		'{"École maternelle George-Sand","École élémentaire George-Sand","Restaurant scolaire George-Sand"}',
		'{"Cour George-Sand"}'),
	('EM-TILLEULS', 'École maternelle Les Tilleuls', 'EDUC', 15, 2,
		'{"École maternelle Les Tilleuls"}', '{"Cour des Tilleuls"}'),
	('EM-CHATAIGN', 'École maternelle Les Châtaigniers', 'EDUC', 48, 11,
		'{"École maternelle Les Châtaigniers"}', '{"Cour des Châtaigniers"}'),
	('EE-ROUSSEAU', 'École élémentaire Jean-Jacques-Rousseau', 'EDUC', 26, 19,
		'{"École élémentaire Jean-Jacques-Rousseau","Préau Rousseau"}', '{}'),
	('EE-DAUDET', 'École élémentaire Alphonse-Daudet', 'EDUC', 28, 7,
		'{"École élémentaire Alphonse-Daudet"}', '{}'),
	('CRECHE-LOUPS', 'Crèche Les Petits Loups', 'ENFANCE', 16, 9, '{"Crèche Les Petits Loups"}',
		'{"Jardin des Petits Loups"}'),
	('CRECHE-LUTINS', 'Crèche Les Lutins', 'ENFANCE', 109, 3, '{"Crèche Les Lutins"}', '{}'),
	('CRECHE-COLIB', 'Multi-accueil Les Colibris', 'ENFANCE', 110, 14,
		'{"Multi-accueil Les Colibris"}', '{}'),
	('RAM', 'Relais petite enfance', 'ENFANCE', 17, 6, '{"Relais petite enfance"}', '{}'),
	('CENTRE-LOISIRS', 'Centre de loisirs du Bois-Joli', 'ENFANCE', 50, 1,
		'{"Centre de loisirs","Réfectoire du centre de loisirs"}', '{"Prairie du Bois-Joli"}'),
	('GYM-MOULIN', 'Gymnase Jean-Moulin', 'SPORTS', 9, 30,
		'{"Gymnase Jean-Moulin","Vestiaires Jean-Moulin"}', '{}'),
	('GYM-COUBERTIN', 'Gymnase Pierre-de-Coubertin', 'SPORTS', 19, 2,
		'{"Gymnase Pierre-de-Coubertin","Salle de danse Coubertin"}', '{}'),
	('GYM-LAGRANGE', 'Complexe sportif Léo-Lagrange', 'SPORTS', 19, 40,
		'{"Gymnase Léo-Lagrange","Dojo Léo-Lagrange","Salle d''escalade"}', '{}'),
	('STADE', 'Stade municipal', 'SPORTS', 19, 60,
		'{"Tribune d''honneur","Vestiaires du stade","Club-house","Local du matériel"}',
		'{"Terrain d''honneur","Terrain d''entraînement","Piste d''athlétisme"}'),
	('PISCINE', 'Piscine des Hauts-de-Lise', 'SPORTS', 70, 1,
		'{"Piscine des Hauts-de-Lise","Local technique de la piscine"}',
		'{"Solarium de la piscine"}'),
	('TENNIS', 'Tennis club municipal', 'SPORTS', 42, 12, '{"Club-house du tennis","Tennis couverts"}',
		'{"Courts extérieurs"}'),
	('BOULODROME', 'Boulodrome couvert', 'SPORTS', 13, 22, '{"Boulodrome couvert"}', '{}'),
	('SALLE-FETES', 'Salle des fêtes', 'ADMIN', 12, 1, '{"Salle des fêtes","Office traiteur"}', '{}'),
	('MAISON-ASSO', 'Maison des associations', 'ADMIN', 71, 8, '{"Maison des associations"}', '{}'),
	('MQ-GARE', 'Maison de quartier de la Gare', 'SOCIAL', 54, 17, '{"Maison de quartier de la Gare"}',
		'{}'),
	('MQ-REMPARTS', 'Maison de quartier des Remparts', 'SOCIAL', 59, 4,
		'{"Maison de quartier des Remparts"}', '{}'),
	('MQ-VIGNES', 'Maison de quartier des Vignes', 'SOCIAL', 66, 25,
		'{"Maison de quartier des Vignes"}', '{}'),
	('CCAS', 'Centre communal d''action sociale', 'SOCIAL', 22, 3, '{"CCAS"}', '{}'),
	('RESIDENCE', 'Résidence autonomie Les Glycines', 'SOCIAL', 16, 40,
		'{"Résidence Les Glycines","Restaurant des Glycines"}', '{"Jardin des Glycines"}'),
	('LOGEMENTS', 'Logements communaux', 'ADMIN', 68, 2,
		'{"Logement de fonction Jules-Ferry","Logement de fonction Condorcet","Logement du gardien du stade","Immeuble de la Forge","Logement de fonction Jean-Jaurès","Logement de fonction Victor-Hugo","Logement du gardien du cimetière","Maison Lamartine"}',
		'{}'),
	('MARCHE', 'Marché couvert', 'ADMIN', 12, 3, '{"Halle du marché"}', '{}'),
	('OFFICE-TOURISME', 'Office de tourisme', 'CULTURE', 57, 1, '{"Office de tourisme"}', '{}'),
	('GARE-ROUTIERE', 'Gare routière', 'ADMIN', 54, 1, '{"Abri voyageurs","Local des chauffeurs"}',
		'{}'),
	('GS-BALZAC', 'Groupe scolaire Honoré-de-Balzac', 'EDUC', 95, 12,
		'{"École maternelle Honoré-de-Balzac","École élémentaire Honoré-de-Balzac","Restaurant scolaire Honoré-de-Balzac"}',
		'{"Cour Honoré-de-Balzac"}'),
	('GS-MONNET', 'Groupe scolaire Jean-Monnet', 'EDUC', 83, 5,
		'{"École maternelle Jean-Monnet","École élémentaire Jean-Monnet","Restaurant scolaire Jean-Monnet"}',
		'{"Cour Jean-Monnet"}'),
	('GS-PARE', 'Groupe scolaire Ambroise-Paré', 'EDUC', 101, 14,
		'{"École maternelle Ambroise-Paré","École élémentaire Ambroise-Paré","Restaurant scolaire Ambroise-Paré"}',
		'{"Cour Ambroise-Paré"}'),
	('EE-PAGNOL', 'École élémentaire Marcel-Pagnol', 'EDUC', 32, 9,
		'{"École élémentaire Marcel-Pagnol","Préau Pagnol"}', '{}'),
	('CUISINE', 'Cuisine centrale', 'EDUC', 70, 30, '{"Cuisine centrale","Quai de livraison"}', '{}'),
	('HALTE', 'Halte-garderie Les Écureuils', 'ENFANCE', 47, 8,
		'{"Halte-garderie Les Écureuils"}', '{}'),
	('GYM-BRASSENS', 'Halle des sports Georges-Brassens', 'SPORTS', 41, 3,
		'{"Halle des sports Georges-Brassens","Vestiaires Brassens"}', '{}'),
	('DOJO', 'Dojo des Remparts', 'SPORTS', 59, 30, '{"Dojo des Remparts"}', '{}'),
	('JEUNESSE', 'Espace jeunesse', 'SOCIAL', 86, 20, '{"Espace jeunesse","Studio de musique"}', '{}'),
	('SANTE', 'Maison de santé', 'SOCIAL', 97, 4, '{"Maison de santé"}', '{}'),
	('BIBLIO-VIGNES', 'Bibliothèque des Vignes', 'CULTURE', 66, 12, '{"Bibliothèque des Vignes"}',
		'{}'),
	('CHAPELLE', 'Chapelle Saint-Roch', 'CULTURE', 49, 1, '{"Chapelle Saint-Roch"}', '{}'),
	('LAVOIR', 'Lavoir du Moulin', 'CULTURE', 13, 1, '{"Lavoir du Moulin"}', '{}'),
	('CASERNE', 'Ancienne caserne des pompiers', 'ADMIN', 73, 6,
		'{"Ancienne caserne","Remise de la caserne"}', '{}'),
	('SALLE-VERGERS', 'Salle polyvalente des Vergers', 'ADMIN', 65, 2,
		'{"Salle polyvalente des Vergers"}', '{}'),
	('PEPINIERE', 'Pépinière d''entreprises', 'ADMIN', 71, 44, '{"Pépinière d''entreprises"}',
		'{}'),
	('PARKING', 'Parking silo de la Gare', 'ADMIN', 54, 3, '{"Parking silo de la Gare"}', '{}'),
	('PARC-LISE', 'Parc de la Lise', 'CULTURE', 55, 1, '{"Maison du gardien du parc","Kiosque à musique"}',
		'{"Parc de la Lise","Roseraie","Aire de jeux du parc","Grande pelouse","Berges de la Lise"}'),
	('JARDIN-PLANTES', 'Jardin des plantes', 'CULTURE', 64, 2, '{"Orangerie"}',
		'{"Jardin des plantes","Potager pédagogique","Jardin des senteurs"}'),
	('SQUARE-GAMBETTA', 'Square Gambetta', 'ADMIN', 3, 1, '{}',
		'{"Square Gambetta","Aire de jeux Gambetta"}'),
	('PARC-CHATEAU', 'Parc du Château', 'CULTURE', 61, 1, '{"Communs du château"}',
		'{"Parc du Château","Allée des marronniers","Bassin du château"}'),
	('COULEE-VERTE', 'Coulée verte', 'ADMIN', 14, 1, '{}',
		'{"Coulée verte nord","Coulée verte sud","Aire de jeux de la coulée verte"}'),
	('JARDINS-FAMIL', 'Jardins familiaux', 'SOCIAL', 67, 1, '{"Abri des jardins familiaux"}',
		'{"Jardins familiaux"}'),
	('CIMETIERE', 'Cimetière communal', 'ADMIN', 60, 30, '{"Maison du gardien du cimetière"}',
		'{"Cimetière ancien","Cimetière paysager"}'),
	('CIMETIERE-EST', 'Cimetière de l''Est', 'ADMIN', 53, 5, '{}', '{"Cimetière de l''Est"}'),
	('DECHETTERIE', 'Déchetterie municipale', 'ADMIN', 51, 99, '{"Bureau de la déchetterie"}', '{}'),
	('STEP', 'Station d''épuration', 'ADMIN', 56, 80, '{"Station d''épuration","Local technique STEP"}',
		'{}'),
	('CAMPING', 'Camping municipal', 'SPORTS', 56, 50, '{"Accueil du camping","Sanitaires du camping"}',
		'{"Emplacements du camping"}')
) AS v (code, name, requester, street, num, buildings, greens);

INSERT INTO sites (code, name, address, lat, lon)
SELECT d.code || s.csuf, d.name || s.nsuf, d.num || ' ' || st.name,
	round((s.lat0 + pg_temp.rnd(d.n, 1) * :dlat)::numeric, 6),
	round((s.lon0 + pg_temp.rnd(d.n, 2) * :dlon)::numeric, 6)
FROM demo_site d JOIN street st ON st.n = d.street CROSS JOIN sector s
ORDER BY s.r, d.n;

CREATE TEMP TABLE site_map AS
SELECT s.r, d.n, si.id, si.lat::float8 AS lat, si.lon::float8 AS lon, si.address
FROM demo_site d CROSS JOIN sector s JOIN sites si ON si.code = d.code || s.csuf;

-- ---- buildings, floors, rooms ----

CREATE TEMP TABLE demo_building AS
SELECT :next_id + row_number() OVER (ORDER BY m.r, d.n, b.k) AS id,
	m.r, d.n AS site_n, m.id AS site_id, b.name || (SELECT nsuf FROM sector WHERE r = m.r) AS name,
	b.name AS base_name, m.address,
	m.lat + (pg_temp.rnd(m.id * 10 + b.k, 3) - 0.5) * 0.0008 AS lat,
	m.lon + (pg_temp.rnd(m.id * 10 + b.k, 4) - 0.5) * 0.0011 AS lon,
	CASE WHEN b.name ~ '^(Abri|Kiosque|Préau|Local|Serres)' THEN 1
	     ELSE pg_temp.irnd(m.id * 10 + b.k, 5, 1, 4) END AS levels
FROM demo_site d JOIN site_map m ON m.n = d.n,
	unnest(d.buildings) WITH ORDINALITY AS b (name, k);

INSERT INTO assets (id, condition, condition_on, code, name, type_id, service_id, site_id, address, lat, lon,
	commissioned, replacement_value, attributes)
SELECT b.id, pg_temp.score(b.id, 140), date '2026-10-01' - pg_temp.irnd(b.id, 130, 0, 300),
	asset_code('BAT', b.id), b.name, :t_building,
	:s_bat, b.site_id, b.address,
	round(b.lat::numeric, 6), round(b.lon::numeric, 6),
	make_date(y.year, 1 + b.id::int % 12, 1), round((a.area * 1800)::numeric, -3),
	jsonb_build_object('floor_area', a.area, 'construction_year', y.year, 'levels', b.levels,
		'erp_category', pg_temp.pick('{1,2,3,4,5,none}', b.id, 8))
FROM demo_building b,
	LATERAL (SELECT round((80 + pg_temp.rnd(b.id, 6) * 1400 * b.levels)::numeric, 1) AS area) a,
	LATERAL (SELECT pg_temp.irnd(b.id, 7, 1880, 2018) AS year) y
ORDER BY b.id;

CREATE TEMP TABLE demo_floor AS
SELECT :next_id + row_number() OVER (ORDER BY b.id, l.level) AS id,
	b.id AS building_id, b.site_id, b.address, b.lat, b.lon, l.level,
	CASE l.level WHEN 0 THEN 'Rez-de-chaussée' WHEN 1 THEN '1er étage'
	     ELSE l.level || 'e étage' END AS name
FROM demo_building b, generate_series(0, b.levels - 1) AS l (level);

INSERT INTO assets (id, condition, condition_on, code, name, type_id, parent_id, service_id, site_id, address, lat, lon,
	attributes)
SELECT f.id, pg_temp.score(f.id, 140), date '2026-10-01' - pg_temp.irnd(f.id, 130, 0, 300),
	asset_code('NIV', f.id), f.name, :t_floor, f.building_id,
	:s_bat, f.site_id, f.address, round(f.lat::numeric, 6),
	round(f.lon::numeric, 6), jsonb_build_object('level', f.level)
FROM demo_floor f ORDER BY f.id;

CREATE TEMP TABLE demo_room AS
SELECT :next_id + row_number() OVER (ORDER BY f.id, k) AS id, f.id AS floor_id,
	f.site_id, f.address, f.lat, f.lon, f.level, k,
	pg_temp.pick(CASE WHEN b.base_name ~ '^École' THEN
		'{classroom,classroom,classroom,classroom,sanitary,office,storage,hall,sports}'::text[]
		WHEN b.base_name ~ '^Restaurant|traiteur|Réfectoire' THEN
		'{kitchen,kitchen,hall,storage,sanitary,technical}'
		WHEN b.base_name ~ '^(Gymnase|Dojo|Salle de danse|Tennis|Boulodrome|Piscine)' THEN
		'{sports,sports,sanitary,storage,technical,office}'
		ELSE '{office,office,office,meeting,sanitary,storage,technical,hall,other}' END,
		f.id * 100 + k, 9) AS use
FROM demo_floor f JOIN demo_building b ON b.id = f.building_id,
	generate_series(1, pg_temp.irnd(f.id, 10, 6, 16)) AS k;

INSERT INTO assets (id, condition, condition_on, code, name, type_id, parent_id, service_id, site_id, address, lat, lon,
	attributes)
SELECT r.id, pg_temp.score(r.id, 140), date '2026-10-01' - pg_temp.irnd(r.id, 130, 0, 300),
	asset_code('LOC', r.id),
	CASE r.use WHEN 'classroom' THEN 'Salle de classe ' || (r.level * 100 + r.k)
	     WHEN 'office' THEN 'Bureau ' || (r.level * 100 + r.k)
	     WHEN 'meeting' THEN 'Salle de réunion ' || (r.level * 100 + r.k)
	     WHEN 'sanitary' THEN 'Sanitaires ' || (r.level * 100 + r.k)
	     WHEN 'kitchen' THEN 'Cuisine ' || (r.level * 100 + r.k)
	     WHEN 'sports' THEN 'Salle d''activités ' || (r.level * 100 + r.k)
	     WHEN 'technical' THEN 'Local technique ' || (r.level * 100 + r.k)
	     WHEN 'storage' THEN 'Réserve ' || (r.level * 100 + r.k)
	     WHEN 'hall' THEN 'Hall ' || (r.level * 100 + r.k)
	     ELSE 'Salle polyvalente ' || (r.level * 100 + r.k) END,
	:t_room, r.floor_id, :s_bat, r.site_id, r.address,
	round(r.lat::numeric, 6), round(r.lon::numeric, 6),
	jsonb_build_object('use', r.use, 'area', round((9 + pg_temp.rnd(r.id, 11) * 90)::numeric, 1),
		'capacity', pg_temp.irnd(r.id, 12, 2, 60))
FROM demo_room r ORDER BY r.id;

-- ---- equipment in buildings ----

-- Per building: a boiler, an intrusion and a fire alarm, a lift when it
-- has three levels or more; per floor: fire extinguishers; per room:
-- emergency lights; in schools and parks: playground units.
CREATE TEMP TABLE demo_equipment (
	seq bigserial, parent_id bigint, site_id bigint, address text, lat float8, lon float8,
	type text, name text, service text, attributes jsonb, value numeric);

INSERT INTO demo_equipment (parent_id, site_id, address, lat, lon, type, name, service, attributes,
	value)
SELECT b.id, b.site_id, b.address, b.lat, b.lon, e.type, e.name, 'BAT', e.attributes, e.value
FROM demo_building b, LATERAL (VALUES
	(1, 'boiler', 'Chaudière ' || b.base_name,
		jsonb_build_object('power_kw', 30 + pg_temp.irnd(b.id, 20, 0, 40) * 10,
			'energy', pg_temp.pick('{gas,gas,gas,fuel_oil,heat_pump,wood,district_heating}', b.id, 21),
			'brand', pg_temp.pick('{"De Dietrich","Viessmann","Atlantic","Saunier Duval","Buderus"}', b.id, 22)),
		(8000 + pg_temp.irnd(b.id, 23, 0, 70) * 1000)::numeric),
	(2, 'alarm', 'Alarme intrusion ' || b.base_name, '{"kind": "intrusion"}'::jsonb, 3500::numeric),
	(3, 'alarm', 'Système de sécurité incendie ' || b.base_name, '{"kind": "fire"}'::jsonb,
		12000::numeric),
	(4, 'lift', 'Ascenseur ' || b.base_name,
		jsonb_build_object('capacity_kg', pg_temp.pick('{630,800,1000}', b.id, 24)::int,
			'stops', b.levels), 85000::numeric)
) AS e (k, type, name, attributes, value)
WHERE b.base_name !~ '^(Abri|Kiosque|Préau|Local)'
	AND (e.k <= 2 OR (e.k = 3 AND b.levels >= 2) OR (e.k = 4 AND b.levels >= 3))
ORDER BY b.id, e.k;

INSERT INTO demo_equipment (parent_id, site_id, address, lat, lon, type, name, service, attributes,
	value)
SELECT f.id, f.site_id, f.address, f.lat, f.lon, 'fire_extinguisher',
	'Extincteur ' || (f.level * 10 + k) || ' – ' || f.name,
	'BAT', jsonb_build_object('agent', a.agent, 'capacity', CASE a.agent WHEN 'co2' THEN 2 ELSE 6 END),
	120
FROM demo_floor f, generate_series(1, pg_temp.irnd(f.id, 30, 2, 5)) AS k,
	LATERAL (SELECT pg_temp.pick('{water,water,foam,co2,powder}', f.id * 10 + k, 31) AS agent) a
ORDER BY f.id, k;

INSERT INTO demo_equipment (parent_id, site_id, address, lat, lon, type, name, service, attributes,
	value)
SELECT r.id, r.site_id, r.address, r.lat, r.lon, 'emergency_light',
	'BAES ' || (r.level * 100 + r.k) || '-' || e.k, 'BAT',
	jsonb_build_object('kind', CASE WHEN e.k = 1 THEN 'evacuation' ELSE 'ambient' END,
		'autonomy_min', 60), 150
FROM demo_room r, generate_series(1, pg_temp.irnd(r.id, 40, 1, 5)) AS e (k)
ORDER BY r.id, e.k;

INSERT INTO demo_equipment (parent_id, site_id, address, lat, lon, type, name, service, attributes,
	value)
SELECT b.id, b.site_id, b.address, b.lat, b.lon, 'playground_unit',
	pg_temp.pick('{"Toboggan","Structure multi-activités","Jeu à ressort","Balançoire","Maisonnette","Bac à sable","Tourniquet"}',
		b.id * 10 + k, 50) || ' – ' || b.base_name,
	'EV', jsonb_build_object('standard', 'NF EN 1176', 'min_age', 2, 'max_age', 6,
		'material', pg_temp.pick('{wood,metal,plastic,mixed}', b.id * 10 + k, 51)),
	(4000 + pg_temp.irnd(b.id * 10 + k, 52, 0, 30) * 1000)::numeric
FROM demo_building b, generate_series(1, pg_temp.irnd(b.id, 53, 2, 4)) AS k
WHERE b.base_name ~ '^École maternelle|^Crèche|^Multi-accueil'
ORDER BY b.id, k;

INSERT INTO assets (id, condition, condition_on, code, name, type_id, parent_id, service_id, site_id, address, lat, lon,
	commissioned, replacement_value, attributes)
SELECT e.id, pg_temp.score(e.id, 140), date '2026-10-01' - pg_temp.irnd(e.id, 130, 0, 300),
	asset_code(t.code_prefix, e.id), e.name, t.id, e.parent_id, sv.id, e.site_id,
	e.address, round(e.lat::numeric, 6), round(e.lon::numeric, 6),
	make_date(pg_temp.irnd(e.seq, 60, 1995, 2024), 1 + (e.seq % 12)::int, 1 + (e.seq % 28)::int),
	e.value, e.attributes
FROM (SELECT :next_id + row_number() OVER (ORDER BY seq) AS id, * FROM demo_equipment) e
JOIN asset_types t ON t.code = e.type JOIN services sv ON sv.code = e.service
ORDER BY e.id;

-- ---- green spaces and trees ----

-- The sites' green spaces, then lawns, roundabouts and squares along the
-- streets.
CREATE TEMP TABLE demo_green AS
SELECT :next_id + row_number() OVER (ORDER BY g.r, g.site_n, g.k) AS id, g.*
FROM (
	SELECT m.r, d.n AS site_n, g.k, m.id AS site_id, g.name || s.nsuf AS name, m.address,
		m.lat + (pg_temp.rnd(m.id * 10 + g.k, 70) - 0.5) * 0.002 AS lat,
		m.lon + (pg_temp.rnd(m.id * 10 + g.k, 71) - 0.5) * 0.003 AS lon,
		CASE WHEN g.name ~ '^Cimetière' THEN 'cemetery'
		     WHEN g.name ~ '^Cour|^Parvis|^Solarium' THEN 'garden'
		     WHEN g.name ~ '^Terrain|^Piste|^Courts' THEN 'sports_field'
		     WHEN g.name ~ '^Parc|^Coulée|^Prairie|^Berges' THEN 'park'
		     WHEN g.name ~ '^Aire|^Grande|^Emplacements' THEN 'lawn'
		     ELSE 'garden' END AS kind
	FROM demo_site d JOIN site_map m ON m.n = d.n JOIN sector s ON s.r = m.r,
		unnest(d.greens) WITH ORDINALITY AS g (name, k)
	UNION ALL
	SELECT s.r, 1000 + k, 0, NULL, CASE WHEN k % 3 = 0 THEN 'Giratoire ' || st.name
		WHEN k % 3 = 1 THEN 'Espace vert ' || st.name ELSE 'Square ' || st.name END || s.nsuf,
		st.name, s.lat0 + pg_temp.rnd(s.r * 1000 + k, 72) * :dlat,
		s.lon0 + pg_temp.rnd(s.r * 1000 + k, 73) * :dlon,
		CASE WHEN k % 3 = 0 THEN 'roundabout' WHEN k % 3 = 1 THEN 'lawn' ELSE 'garden' END
	FROM sector s, generate_series(1, 180) AS k
	JOIN street st ON st.n = 1 + (k * 7) % :nstreets
) g;

ALTER TABLE demo_green ADD COLUMN gn bigint;
UPDATE demo_green g SET gn = x.gn FROM (SELECT id, row_number() OVER (PARTITION BY r ORDER BY id)
	AS gn FROM demo_green) x WHERE x.id = g.id;
CREATE INDEX ON demo_green (r, gn);
ANALYZE demo_green;
SELECT count(*) AS ngreen FROM demo_green WHERE r = 0 \gset

INSERT INTO assets (id, condition, condition_on, code, name, type_id, service_id, site_id, address, lat, lon,
	commissioned, replacement_value, attributes)
SELECT g.id, pg_temp.score(g.id, 140), date '2026-10-01' - pg_temp.irnd(g.id, 130, 0, 300),
	asset_code('EV', g.id), g.name, :t_green_space,
	:s_ev, g.site_id, g.address, round(g.lat::numeric, 6),
	round(g.lon::numeric, 6), NULL, round((a.area * 25)::numeric, -2),
	jsonb_build_object('kind', g.kind, 'area', a.area)
FROM demo_green g,
	LATERAL (SELECT round((200 + pg_temp.rnd(g.id, 74) * CASE g.kind WHEN 'park' THEN 40000
		ELSE 4000 END)::numeric) AS area) a
ORDER BY g.id;

-- Playground units in the parks' play areas.
INSERT INTO assets (id, condition, condition_on, code, name, type_id, parent_id, service_id, site_id, address, lat, lon,
	commissioned, replacement_value, attributes)
SELECT x.id, pg_temp.score(x.id, 140), date '2026-10-01' - pg_temp.irnd(x.id, 130, 0, 300),
	asset_code('JEU', x.id), x.name, :t_playground_unit, x.green_id,
	:s_ev, x.site_id, x.address, round(x.lat::numeric, 6),
	round(x.lon::numeric, 6), make_date(pg_temp.irnd(x.id, 80, 2000, 2024), 5, 1),
	(5000 + pg_temp.irnd(x.id, 81, 0, 40) * 1000)::numeric,
	jsonb_build_object('standard', 'NF EN 1176', 'min_age', 3, 'max_age', 12,
		'material', pg_temp.pick('{wood,metal,plastic,mixed}', x.id, 82))
FROM (
	SELECT :next_id + row_number() OVER (ORDER BY g.id, u.k) AS id, g.id AS green_id,
		g.site_id, g.address, g.lat + u.k * 0.00005 AS lat, g.lon AS lon,
		pg_temp.pick('{"Tyrolienne","Structure d''escalade","Toboggan","Balançoire","Jeu à ressort","Pyramide de cordes","Carrousel"}',
			g.id * 10 + u.k, 83) AS name
	FROM demo_green g, generate_series(1, 5) AS u (k)
	WHERE g.name ~ '^Aire de jeux'
) x ORDER BY x.id;

-- 15,000 trees per sector: 40 % in the green spaces, the rest along the
-- streets.
CREATE TEMP TABLE species (n int PRIMARY KEY, name text, latin text, max_height int);
INSERT INTO species (n, name, latin, max_height)
SELECT row_number() OVER (), * FROM (VALUES
	('Platane commun', 'Platanus × acerifolia', 35), ('Tilleul à petites feuilles', 'Tilia cordata', 25),
	('Érable plane', 'Acer platanoides', 25), ('Chêne pédonculé', 'Quercus robur', 35),
	('Marronnier d''Inde', 'Aesculus hippocastanum', 25), ('Frêne commun', 'Fraxinus excelsior', 30),
	('Charme commun', 'Carpinus betulus', 20), ('Micocoulier de Provence', 'Celtis australis', 20),
	('Févier d''Amérique', 'Gleditsia triacanthos', 20), ('Cerisier à fleurs', 'Prunus serrulata', 10),
	('Pin sylvestre', 'Pinus sylvestris', 30), ('Bouleau verruqueux', 'Betula pendula', 20),
	('Sophora du Japon', 'Styphnolobium japonicum', 20), ('Magnolia à grandes fleurs', 'Magnolia grandiflora', 15),
	('Ginkgo', 'Ginkgo biloba', 25), ('Copalme d''Amérique', 'Liquidambar styraciflua', 20),
	('Hêtre commun', 'Fagus sylvatica', 30), ('Saule pleureur', 'Salix babylonica', 15),
	('Cèdre de l''Atlas', 'Cedrus atlantica', 30), ('Aulne glutineux', 'Alnus glutinosa', 20),
	('Érable champêtre', 'Acer campestre', 15), ('Poirier de Chine', 'Pyrus calleryana', 12)
) AS v (name, latin, max_height);

CREATE TEMP TABLE demo_tree AS
SELECT :next_id + row_number() OVER (ORDER BY s.r, k) AS id, s.r, k, s.nsuf, s.lat0, s.lon0
FROM sector s, generate_series(1, 15000) AS k;

INSERT INTO assets (id, condition, condition_on, code, name, type_id, parent_id, service_id, site_id, address, lat, lon,
	commissioned, replacement_value, attributes)
SELECT t.id, pg_temp.score(t.id, 140), date '2026-10-01' - pg_temp.irnd(t.id, 130, 0, 300),
	asset_code('ARB', t.id), sp.name, :t_tree, g.id,
	:s_ev, g.site_id, COALESCE(g.address, st.name),
	round(COALESCE(g.lat + (pg_temp.rnd(t.id, 90) - 0.5) * 0.002,
		t.lat0 + pg_temp.rnd(t.id, 91) * :dlat)::numeric, 6),
	round(COALESCE(g.lon + (pg_temp.rnd(t.id, 92) - 0.5) * 0.003,
		t.lon0 + pg_temp.rnd(t.id, 93) * :dlon)::numeric, 6),
	make_date(y.year, 11, 15), (300 + pg_temp.irnd(t.id, 94, 0, 27) * 100)::numeric,
	jsonb_build_object('species', sp.name || ' (' || sp.latin || ')',
		'height', round((2 + pg_temp.rnd(t.id, 95) * (sp.max_height - 2) *
			least(1, (2026 - y.year) / 60.0))::numeric, 1),
		'planting_year', y.year,
		'trunk_circumference', 20 + (2026 - y.year) * pg_temp.irnd(t.id, 96, 2, 4))
FROM (SELECT t.*, pg_temp.irnd(t.id, 97, 1, 22) AS species_n,
		pg_temp.irnd(t.id, 98, 1, :nstreets) AS street_n,
		CASE WHEN t.k % 5 < 2 THEN 1 + (t.k / 5) % :ngreen END AS gn,
		pg_temp.irnd(t.id, 99, 1900, 2024) AS year
	FROM demo_tree t) t
	JOIN species sp ON sp.n = t.species_n
	JOIN street st ON st.n = t.street_n
	LEFT JOIN demo_green g ON g.r = t.r AND g.gn = t.gn,
	LATERAL (SELECT t.year) y
ORDER BY t.id;

-- ---- roads and street lights ----

-- Each street is a line of 100 m segments from a starting point in some
-- direction; street lights stand along the segments.
CREATE TEMP TABLE demo_segment AS
SELECT :next_id + row_number() OVER (ORDER BY s.r, st.n, k) AS id, s.r, s.nsuf, st.n AS street_n,
	st.name AS street, k,
	s.lat0 + pg_temp.rnd(s.r * 1000 + st.n, 100) * :dlat + k * 0.0009 * sin(a.angle) AS lat,
	s.lon0 + pg_temp.rnd(s.r * 1000 + st.n, 101) * :dlon + k * 0.0013 * cos(a.angle) AS lon
FROM sector s CROSS JOIN street st,
	LATERAL (SELECT pg_temp.rnd(s.r * 1000 + st.n, 102) * 2 * pi() AS angle) a,
	generate_series(1, pg_temp.irnd(s.r * 1000 + st.n, 103, 10, 44)) AS k;

INSERT INTO assets (id, condition, condition_on, code, name, type_id, service_id, address, lat, lon, commissioned,
	replacement_value, attributes)
SELECT g.id, pg_temp.score(g.id, 140), date '2026-10-01' - pg_temp.irnd(g.id, 130, 0, 300),
	asset_code('VOI', g.id),
	initcap(substr(g.street, 1, 1)) || substr(g.street, 2) || ', tronçon ' || g.k || g.nsuf,
	:t_road_segment, :s_voirie, g.street,
	round(g.lat::numeric, 6), round(g.lon::numeric, 6),
	make_date(pg_temp.irnd(g.id, 104, 1975, 2024), 6, 1),
	round((100 * w.width * 55)::numeric, -2),
	jsonb_build_object('length', 100, 'width', w.width,
		'surface', pg_temp.pick('{asphalt,asphalt,asphalt,asphalt,concrete,pavers,gravel}', g.id, 105),
		'road_class', CASE WHEN g.street ~ '^(avenue|boulevard|route)' THEN 'main'
		     WHEN g.street ~ '^(chemin|allée|impasse)' THEN 'residential' ELSE 'secondary' END)
FROM demo_segment g,
	LATERAL (SELECT CASE WHEN g.street ~ '^(avenue|boulevard|route)' THEN 12
		WHEN g.street ~ '^(chemin|allée|impasse)' THEN 5 ELSE 8 END AS width) w
ORDER BY g.id;

INSERT INTO assets (id, condition, condition_on, code, name, type_id, parent_id, service_id, address, lat, lon,
	commissioned, replacement_value, attributes)
SELECT x.id, pg_temp.score(x.id, 140), date '2026-10-01' - pg_temp.irnd(x.id, 130, 0, 300),
	asset_code('EP', x.id), 'Candélabre ' || x.k || ' – ' || x.street || x.nsuf,
	:t_street_light, x.segment_id, :s_ep,
	(2 * x.seg_k + x.k) || ' ' || x.street, round(x.lat::numeric, 6), round(x.lon::numeric, 6),
	make_date(pg_temp.irnd(x.id, 110, 1985, 2024), 3, 1),
	(1800 + pg_temp.irnd(x.id, 111, 0, 20) * 100)::numeric,
	jsonb_build_object('lamp', l.lamp,
		'power_w', CASE l.lamp WHEN 'led' THEN 40 + pg_temp.irnd(x.id, 112, 0, 6) * 10
		     ELSE 100 + pg_temp.irnd(x.id, 113, 0, 5) * 50 END,
		'pole_height', pg_temp.pick('{4,6,8,10}', x.id, 114)::numeric)
FROM (
	SELECT :next_id + row_number() OVER (ORDER BY g.id, l.k) AS id, g.id AS segment_id,
		g.street, g.nsuf, g.k AS seg_k, l.k, g.lat + l.k * 0.0002 AS lat, g.lon + l.k * 0.0003 AS lon
	FROM demo_segment g, generate_series(1, 4) AS l (k)
) x, LATERAL (SELECT pg_temp.pick('{led,led,led,high_pressure_sodium,high_pressure_sodium,metal_halide,fluorescent}',
	x.id, 115) AS lamp) l
ORDER BY x.id;

-- ---- vehicles ----

CREATE TEMP TABLE vehicle_model (n int PRIMARY KEY, model text, kind text, fuel text, value int);
INSERT INTO vehicle_model (n, model, kind, fuel, value)
SELECT row_number() OVER (), * FROM (VALUES
	('Renault Zoé', 'car', 'electric', 25000), ('Peugeot 208', 'car', 'petrol', 18000),
	('Renault Kangoo', 'van', 'diesel', 22000), ('Citroën Berlingo', 'van', 'diesel', 21000),
	('Renault Master benne', 'utility', 'diesel', 38000), ('Iveco Daily plateau', 'utility', 'diesel', 45000),
	('Renault Trucks D 19 t', 'truck', 'diesel', 120000), ('Goupil G5', 'utility', 'electric', 32000),
	('John Deere 5075E', 'tractor', 'diesel', 55000), ('Kubota F391', 'mower', 'diesel', 30000),
	('Schmidt Cleango 500', 'sweeper', 'diesel', 140000), ('Remorque Satellite', 'trailer', 'diesel', 6000),
	('Toyota Yaris hybride', 'car', 'hybrid', 21000), ('Renault Kangoo E-Tech', 'van', 'electric', 34000)
) AS v (model, kind, fuel, value);

INSERT INTO assets (id, condition, condition_on, code, name, type_id, service_id, site_id, address, lat, lon,
	commissioned, replacement_value, attributes)
SELECT v.id, pg_temp.score(v.id, 140), date '2026-10-01' - pg_temp.irnd(v.id, 130, 0, 300),
	asset_code('VEH', v.id), m.model || ' ' || v.plate, :t_vehicle,
	CASE m.kind WHEN 'mower' THEN :s_ev WHEN 'tractor' THEN :s_ev
		WHEN 'sweeper' THEN :s_proprete ELSE :s_garage END,
	ctm.id, ctm.address, round((ctm.lat + (pg_temp.rnd(v.id, 120) - 0.5) * 0.0006)::numeric, 6),
	round((ctm.lon + (pg_temp.rnd(v.id, 121) - 0.5) * 0.0008)::numeric, 6), v.registered,
	round((m.value * (0.6 + pg_temp.rnd(v.id, 122) * 0.4))::numeric, -2),
	jsonb_build_object('plate', v.plate, 'fuel', CASE WHEN m.kind = 'trailer' THEN 'diesel' ELSE m.fuel END,
		'registration_date', v.registered, 'kind', m.kind, 'model', m.model)
FROM (
	SELECT :next_id + row_number() OVER (ORDER BY s.r, k) AS id, s.r, k,
		chr(65 + pg_temp.irnd(s.r * 1000 + k, 123, 3, 6)) || chr(65 + pg_temp.irnd(s.r * 1000 + k, 124, 0, 25))
		|| '-' || lpad(pg_temp.irnd(s.r * 1000 + k, 125, 1, 999)::text, 3, '0') || '-'
		|| chr(65 + pg_temp.irnd(s.r * 1000 + k, 126, 0, 25)) || chr(65 + pg_temp.irnd(s.r * 1000 + k, 127, 0, 25))
		|| CASE WHEN s.r = 0 THEN '' ELSE '-' || (s.r + 1) END AS plate,
		make_date(pg_temp.irnd(s.r * 1000 + k, 128, 2008, 2025), 1 + k % 12, 1 + k % 28) AS registered
	FROM sector s, generate_series(1, 120) AS k
) v
JOIN vehicle_model m ON m.n = 1 + (v.k * 5) % 14
JOIN site_map ctm ON ctm.r = v.r AND ctm.n = 2
ORDER BY v.id;

-- ---- condition: the current score and its history ----

-- Every asset has a last inspection, the one its condition comes from
-- (the same formula as in the inserts above); buildings, trees, green
-- spaces, playground units and vehicles have up to three earlier ones.
INSERT INTO asset_conditions (asset_id, observed, score, note)
SELECT a.id, h.observed, h.score, h.note
FROM assets a JOIN asset_types t ON t.id = a.type_id,
	LATERAL (
		SELECT date '2026-10-01' - (n * 365 + pg_temp.irnd(a.id, 130 + n, 0, 300)) AS observed,
			least(5, pg_temp.score(a.id, 140) + n / 2) AS score,
			CASE WHEN n = 0 THEN pg_temp.pick('{"Visite annuelle","Contrôle périodique","Inspection visuelle","Diagnostic","Tournée d''inspection"}', a.id, 150)
			     ELSE 'Inspection ' || (2026 - n) END AS note
		FROM generate_series(0, CASE WHEN t.code IN ('building', 'tree', 'green_space',
			'playground_unit', 'vehicle') THEN pg_temp.irnd(a.id, 151, 0, 3) ELSE 0 END) AS n
	) h
ORDER BY a.id, h.observed;

-- A few assets out of service, a few disposed: real estates have both.
UPDATE assets SET status = 'out_of_service'
WHERE pg_temp.rnd(id, 160) < 0.01 AND condition <= 2;
UPDATE assets SET status = 'disposed', disposed_on = date '2026-06-01' - (id % 300)::int,
	disposed_note = 'Réformé'
WHERE pg_temp.rnd(id, 161) < 0.004 AND type_id IN (:t_tree, :t_vehicle)
	AND condition = 1;

-- A few documents by reference.
INSERT INTO asset_documents (asset_id, title, ref)
SELECT a.id, d.title, d.ref
FROM assets a JOIN asset_types t ON t.id = a.type_id,
	LATERAL (VALUES
		('Plans du bâtiment', '\\serveur-ctm\patrimoine\plans\' || a.code || '.pdf'),
		('Diagnostic amiante', 'https://ged.verignac.example/docs/' || a.code || '/amiante.pdf'),
		('Registre de sécurité', '\\serveur-ctm\patrimoine\securite\' || a.code || '.pdf')
	) AS d (title, ref)
WHERE t.code = 'building'
UNION ALL
SELECT a.id, 'Rapport de contrôle', 'https://ged.verignac.example/docs/' || a.code || '/controle.pdf'
FROM assets a JOIN asset_types t ON t.id = a.type_id
WHERE t.code IN ('lift', 'playground_unit', 'fire_extinguisher') AND a.id % 3 = 0;

SELECT setval('assets_id_seq', (SELECT max(id) FROM assets)) AS last_id \gset

COMMIT;
ANALYZE;
