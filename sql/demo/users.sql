-- The demo users: about a hundred people across every role, with their
-- services and sites. Run by load.sh after city.sql, once the account
-- `superviseur` exists (made by `regied useradd`, so that its password
-- hash is a real Argon2id hash): every demo account gets the same hash,
-- hence the same password (see README.md).

\set ON_ERROR_STOP on
BEGIN;

CREATE TEMP TABLE first_name (n int PRIMARY KEY, name text);
INSERT INTO first_name (n, name)
SELECT n, name FROM unnest(ARRAY[
	'Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Jade', 'Louise', 'Zoé', 'Hélène', 'Françoise',
	'Élodie', 'Amélie', 'Cécile', 'Sophie', 'Nathalie', 'Isabelle', 'Valérie', 'Sandrine',
	'Gaëlle', 'Maëlle', 'Lucas', 'Hugo', 'Théo', 'Nathan', 'Louis', 'Jérôme', 'François',
	'Stéphane', 'Frédéric', 'Sébastien', 'Benoît', 'Thierry', 'Pascal', 'Olivier', 'Éric',
	'Julien', 'Mathieu', 'Rémi', 'Gérard', 'Loïc', 'Anaïs', 'Noémie', 'Joël', 'Raphaël'
]) WITH ORDINALITY AS f (name, n);

CREATE TEMP TABLE last_name (n int PRIMARY KEY, name text);
INSERT INTO last_name (n, name)
SELECT n, name FROM unnest(ARRAY[
	'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy',
	'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux',
	'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Mercier', 'Dupont', 'Lambert', 'Bonnet',
	'François', 'Martinez', 'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin',
	'Muller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin', 'Mathieu', 'Clément', 'Gauthier',
	'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Masson', 'Sanchez', 'Gérard', 'Nguyen',
	'Boyer', 'Denis', 'Lemaire', 'Duval', 'Joly', 'Gautier', 'Roger', 'Roche', 'Roy', 'Noël',
	'Meyer', 'Lucas', 'Meunier', 'Jean', 'Pérez', 'Marchand', 'Dufour', 'Blanchard', 'Barbier',
	'Brun', 'Dumas', 'Brunet', 'Schmitt', 'Leroux', 'Colin', 'Fernandez', 'Renard', 'Arnaud',
	'Rolland', 'Caron', 'Aubert', 'Giraud', 'Leclerc', 'Vidal', 'Bourgeois', 'Renaud', 'Lemoine',
	'Picard', 'Gaillard', 'Philippe', 'Lacroix', 'Fabre', 'Dupuis', 'Olivier', 'Rodriguez',
	'Hubert', 'Rivière', 'Le Gall', 'Ménard', 'Prévost', 'Carré'
]) WITH ORDINALITY AS l (name, n);

-- Who is who: a role by rank, a person's name from the lists above.
CREATE TEMP TABLE demo_user AS
SELECT i, f.name || ' ' || l.name AS name,
	lower(left(unaccent(f.name), 1)) || '.' ||
	regexp_replace(lower(unaccent(l.name)), '[^a-z]', '', 'g') AS login,
	CASE WHEN i <= 3 THEN 'admin' WHEN i <= 15 THEN 'supervisor' WHEN i <= 63 THEN 'agent'
	     WHEN i <= 69 THEN 'storekeeper' WHEN i <= 91 THEN 'referent' ELSE 'viewer' END AS role
FROM generate_series(1, 95) AS i
JOIN first_name f ON f.n = 1 + (i * 7) % 44
JOIN last_name l ON l.n = i;

-- The technical services in a fixed order, for handing them out.
CREATE TEMP TABLE tech AS
SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, code FROM services
WHERE kind = 'technical' AND code <> 'MAG';
-- The sites referents look after (sector 1 only).
CREATE TEMP TABLE cared_site AS
SELECT row_number() OVER (ORDER BY si.id) - 1 AS k, si.id, si.code FROM sites si
WHERE si.code ~ '^(GS-|EM-|EE-|CRECHE-|GYM-|STADE$|PISCINE$|MEDIA$|MUSEE$|CONSERV$|THEATRE$|MQ-|RESIDENCE$|CENTRE-LOISIRS$)';

INSERT INTO users (login, name, email, roles, password_hash)
SELECT u.login, u.name, u.login || '@verignac.example', ARRAY[u.role],
	(SELECT password_hash FROM users WHERE login = 'superviseur')
FROM demo_user u ORDER BY u.i;

-- The quick accounts, one per role, next to `superviseur` (see README.md).
INSERT INTO users (login, name, email, roles, password_hash)
SELECT v.login, v.name, v.login || '@verignac.example', v.roles,
	(SELECT password_hash FROM users WHERE login = 'superviseur')
FROM (VALUES
	('agent', 'Agent de démonstration', ARRAY['agent']),
	('magasinier', 'Magasinier de démonstration', ARRAY['storekeeper']),
	('referent', 'Référente de démonstration', ARRAY['referent']),
	('lecteur', 'Lecteur de démonstration', ARRAY['viewer']),
	('directeur', 'Directeur des services techniques', ARRAY['supervisor', 'viewer'])
) AS v (login, name, roles);
UPDATE users SET name = 'Superviseur de démonstration', email = 'superviseur@verignac.example'
WHERE login = 'superviseur';

-- Supervisors run one or two services, agents belong to one, storekeepers
-- to the stores; `directeur` oversees every technical service.
INSERT INTO user_services (user_id, service_id)
SELECT u.id, t.id FROM demo_user d JOIN users u ON u.login = d.login
JOIN tech t ON t.k = (d.i % (SELECT count(*) FROM tech))
	OR (d.role = 'supervisor' AND d.i % 3 = 0 AND t.k = ((d.i + 1) % (SELECT count(*) FROM tech)))
WHERE d.role IN ('supervisor', 'agent')
UNION
SELECT u.id, s.id FROM demo_user d JOIN users u ON u.login = d.login
JOIN services s ON s.code = 'MAG' WHERE d.role = 'storekeeper'
UNION
SELECT u.id, s.id FROM users u JOIN services s ON s.code IN ('BAT', 'EV')
WHERE u.login IN ('superviseur', 'agent') AND (u.login = 'superviseur' OR s.code = 'BAT')
UNION
SELECT u.id, s.id FROM users u JOIN services s ON s.code = 'MAG' WHERE u.login = 'magasinier'
UNION
SELECT u.id, s.id FROM users u JOIN services s ON s.kind = 'technical' WHERE u.login = 'directeur';

-- Referents look after one or two sites each.
INSERT INTO user_sites (user_id, site_id)
SELECT u.id, c.id FROM demo_user d JOIN users u ON u.login = d.login
JOIN cared_site c ON c.k = (d.i - 70) % (SELECT count(*) FROM cared_site)
	OR (d.i % 2 = 0 AND c.k = (d.i - 70 + 22) % (SELECT count(*) FROM cared_site))
WHERE d.role = 'referent'
UNION
SELECT u.id, s.id FROM users u JOIN sites s ON s.code IN ('GS-FERRY', 'GYM-MOULIN')
WHERE u.login = 'referent';

COMMIT;
